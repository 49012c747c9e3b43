import { Subject, TimeoutError, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTask, waitFor } from '../lib';

/**
 * waitFor is asyncio.wait_for: the input, mirrored as it is, unless it has not
 * completed by the deadline. Then the output fails with `TimeoutError` and the input's
 * subscription marble shows it was unsubscribed at that very frame.
 */
describe('waitFor', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('mirrors an input that completes in time', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const input = cold('-a-b|');
      expectObservable(waitFor(input, 10)).toBe('-a-b|');
      expectSubscriptions(input.subscriptions).toBe('^---!');
    });
  });

  it('fails with TimeoutError at the deadline and unsubscribes the input', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const input = cold('-a-b-c-d|');
      expectObservable(waitFor(input, 4)).toBe('-a-b#', undefined, expect.any(TimeoutError));
      expectSubscriptions(input.subscriptions).toBe('^---!');
    });
  });

  it('names itself and the deadline in the message', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(waitFor(cold('-'), 2)).toBe('--#', undefined, expect.objectContaining({ message: 'waitFor: input did not complete within 2 ms' }));
    });
  });

  it('passes an error of the input through', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(waitFor(cold('--#', undefined, 'boom'), 5)).toBe('--#', undefined, 'boom');
    });
  });

  it('cancels a Task input at the deadline, as asyncio.wait_for does', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('------x|');
      const task = createTask(source);
      expectObservable(waitFor(task, 3)).toBe('---#', undefined, expect.any(TimeoutError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
      testScheduler.flush();
      expect(task.cancelled()).toBe(true);
    });
  });

  it('unsubscribes the input and clears the deadline when the subscriber leaves', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const input = cold('------x|');
      expectObservable(waitFor(input, 4), '^-!').toBe('---');
      expectSubscriptions(input.subscriptions).toBe('^-!');
    });
  });

  it('accepts a Promise factory and leaves no timer behind once done', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const value = await new Promise((resolve) => waitFor(() => Promise.resolve(7), 60_000).subscribe(resolve));
    expect(value).toBe(7);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(timersBefore);
  });

  it('with Infinity, never times out', () => {
    const input = new Subject<number>();
    const seen: number[] = [];
    waitFor(input, Infinity).subscribe((v) => seen.push(v));
    input.next(1);
    expect(seen).toEqual([1]);
    input.complete();
  });

  it('throws at call time for a bad input or deadline', () => {
    expect(() => waitFor(of(1), -1)).toThrow(new RangeError('waitFor: timeoutMs must be a non-negative number of milliseconds, got -1'));
    expect(() => waitFor(of(1), NaN)).toThrow(RangeError);
    expect(() => waitFor(of(1), '5' as never)).toThrow(new TypeError('waitFor: timeoutMs must be a non-negative number of milliseconds, got "5"'));
    expect(() => waitFor(undefined as never, 5)).toThrow(/^waitFor: input must be .*, got undefined$/);
  });
});
