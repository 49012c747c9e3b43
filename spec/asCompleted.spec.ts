import { EmptyError, TimeoutError, lastValueFrom, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { asCompleted } from '../lib';

/**
 * asCompleted is asyncio.as_completed: run everything, and hand each result over the
 * moment its input finishes. The output marbles therefore follow the inputs'
 * completion frames, not the order they were given in. `^`/`!` in the subscription
 * marbles show when each input was started and when it was stopped.
 */
describe('asCompleted', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits each result as its input completes, then completes after the last', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('------c|');
      expectObservable(asCompleted([a, b, c])).toBe('---b-a-(c|)');
    });
  });

  it("emits an input's last value, when it completes, not its intermediate values", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('-1-2-3|');
      expectObservable(asCompleted([a])).toBe('------(3|)');
    });
  });

  it('completes at once for empty input', () => {
    testScheduler.run(({ expectObservable }) => {
      expectObservable(asCompleted([])).toBe('|');
    });
  });

  it('fails at the first error, after the results before it, and unsubscribes the rest', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('-----#');
      const c = cold('---------c|');
      expectObservable(asCompleted([a, b, c])).toBe('---a-#');
      expectSubscriptions(c.subscriptions).toBe('^----!');
    });
  });

  it('fails with EmptyError when an input completes without a value', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--|');
      const b = cold('----b|');
      expectObservable(asCompleted([a, b])).toBe('--#', undefined, expect.any(EmptyError));
      expectSubscriptions(b.subscriptions).toBe('^-!');
    });
  });

  it('with returnExceptions, emits failures as values in completion order', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      // prettier-ignore
      const a = cold('----a|');
      const b = cold('--#', undefined, boom);
      expectObservable(asCompleted([a, b], { returnExceptions: true })).toBe('--e--(a|)', { a: 'a', e: boom });
    });
  });

  it('starts at most N inputs at once, in submission order', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('----a|');
      const b = cold('-b|');
      const c = cold('-c|');
      expectObservable(asCompleted([a, b, c], { concurrency: 2 })).toBe('--b-c(a|)');
      expectSubscriptions(c.subscriptions).toBe('--^-!');
    });
  });

  it('at the timeout, delivers what finished in time, then TimeoutError, and unsubscribes the rest', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('---------b|');
      expectObservable(asCompleted([a, b], { timeout: 6 })).toBe('---a--#', undefined, expect.any(TimeoutError));
      expectSubscriptions(b.subscriptions).toBe('^-----!');
    });
  });

  it('unsubscribes every running input when the subscriber leaves', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('--------b|');
      expectObservable(asCompleted([a, b]), '^----!').toBe('---a--');
      expectSubscriptions(b.subscriptions).toBe('^----!');
    });
  });

  it('reports progress after each input settles', () => {
    const reports: unknown[] = [];
    asCompleted([of(1), of(2)], { onProgress: (p) => reports.push(p) }).subscribe();
    expect(reports).toEqual([
      { done: 1, failed: 0, total: 2 },
      { done: 2, failed: 0, total: 2 },
    ]);
  });

  it('takes a Map as the list of its values', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const slow = cold('----s|');
      const fast = cold('--f|');
      expectObservable(
        asCompleted(
          new Map([
            ['slow', slow],
            ['fast', fast],
          ]),
        ),
      ).toBe('---f-(s|)');
    });
  });

  it('takes an async iterable, results in completion order', async () => {
    async function* inputs(): AsyncGenerator<() => Promise<string>> {
      yield () => new Promise((resolve) => setTimeout(() => resolve('slow'), 30));
      yield () => Promise.resolve('fast');
    }
    expect(await lastValueFrom(asCompleted(inputs()).pipe(toArray()))).toEqual(['fast', 'slow']);
  });

  describe('lazy iterables', () => {
    // A generator is pulled only when a slot is free: never more than `concurrency`
    // inputs taken ahead of those finished, so memory stays bounded.
    it('never pulls a generator more than N ahead of what has finished', async () => {
      const concurrency = 4;
      let pulled = 0;
      let finished = 0;
      let maxAhead = 0;
      function* inputs() {
        for (let i = 0; i < 200; i++) {
          pulled++;
          maxAhead = Math.max(maxAhead, pulled - finished);
          yield async () => {
            await new Promise<void>((resolve) => setImmediate(resolve));
            finished++;
            return i;
          };
        }
      }
      const results: number[] = [];
      await new Promise<void>((resolve, reject) =>
        asCompleted(inputs(), { concurrency }).subscribe({ next: (v) => results.push(v), error: reject, complete: resolve }),
      );
      expect(results.length).toBe(200);
      expect(maxAhead).toBe(concurrency);
    });

    it('pulls the next input only when a slot frees, in virtual time', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const pulls: number[] = [];
        function* inputs() {
          for (let i = 0; i < 3; i++) {
            pulls.push(testScheduler.now());
            yield cold('---x|');
          }
        }
        expectObservable(asCompleted(inputs(), { concurrency: 1 })).toBe('----x---x---(x|)');
        testScheduler.flush();
        expect(pulls).toEqual([0, 4, 8]);
      });
    });

    it('runs 1,000,000 synchronous inputs from a generator', () => {
      function* inputs() {
        for (let i = 0; i < 1_000_000; i++) yield [i];
      }
      let count = 0;
      let last = -1;
      asCompleted(inputs(), { concurrency: 8 }).subscribe((v) => {
        count++;
        last = v;
      });
      expect(count).toBe(1_000_000);
      expect(last).toBe(999_999);
    });
  });
});
