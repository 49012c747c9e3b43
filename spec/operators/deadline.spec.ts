import { TimeoutError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { deadline } from '../../lib';

/**
 * deadline bounds a whole run, from subscription to completion (asyncio.timeout).
 * rxjs's `timeout` would let the source below run forever, since it never pauses for
 * long; deadline cuts it at frame 6 and its subscription marble ends there.
 */
describe('deadline', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('fails with TimeoutError when the source has not completed by the deadline, however often it emits', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('-a-b-c-d-e-f|');
      expectObservable(source.pipe(deadline(6))).toBe('-a-b-c#', undefined, expect.any(TimeoutError));
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('mirrors a source that completes in time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b|').pipe(deadline(6))).toBe('-a-b|');
    });
  });

  it('mirrors a source error', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#').pipe(deadline(6))).toBe('-a-#');
    });
  });

  it('counts from each subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const timed = cold('--------|').pipe(deadline(4));
      expectObservable(timed, '--^').toBe('------#', undefined, expect.any(TimeoutError));
    });
  });

  it('unsubscribes the source when the subscriber leaves', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('-a-b-c|');
      expectObservable(source.pipe(deadline(10)), '^--!').toBe('-a--');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('says so in its message', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(deadline(3))).toBe(
        '---#',
        undefined,
        expect.objectContaining({ message: 'deadline: source did not complete within 3 ms' }),
      );
    });
  });

  it('throws at call time for a bad duration', () => {
    expect(() => deadline(-5)).toThrow(new RangeError('deadline: ms must be a non-negative number of milliseconds, got -5'));
    expect(() => deadline(null as never)).toThrow(TypeError);
  });
});
