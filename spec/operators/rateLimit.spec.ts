import { Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RateLimiter } from '../../lib/rateLimiter';
import { rateLimit } from '../../lib/operators/rateLimit';

// `source.pipe(rateLimit(limiter))` is `limiter.run(source)` as an operator: it delays
// the subscription to the source until a start is allowed, so each source's
// subscription marble is its start. `10ms` in a marble is ten frames; spaces take no
// time and only line the marbles up in columns.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('rateLimit', () => {
  // The operator form of limiter.run: the same window, the same line of waiters.
  describe('delaying the subscription', () => {
    // count 2 per 10 ms, five sources subscribed at frame 0.

    it('starts at frames 0, 0, 10, 10, 20 for count 2 per 10 ms', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 2, interval: 10 });
        const sources = [1, 2, 3, 4, 5].map(() => cold('-x|'));
        const startFrames = ['', '', '10ms', '10ms', '20ms'];
        sources.forEach((source, i) => {
          expectObservable(source.pipe(rateLimit(limiter))).toBe(`${startFrames[i]} -x|`);
          expectSubscriptions(source.subscriptions).toBe(`${startFrames[i]} ^-!`);
        });
      });
    });

    it('shares the limit with limiter.run on the same limiter, first come first served', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const a = cold('-a|');
        const b = cold('-b|');
        const c = cold('-c|');
        // prettier-ignore
        expectObservable(limiter.run(a)           ).toBe('     -a|');
        // prettier-ignore
        expectObservable(b.pipe(rateLimit(limiter))).toBe('10ms -b|');
        // prettier-ignore
        expectObservable(limiter.run(c)           ).toBe('20ms -c|');
        // prettier-ignore
        expectSubscriptions(b.subscriptions).toBe(       '10ms ^-!');
        // prettier-ignore
        expectSubscriptions(c.subscriptions).toBe(       '20ms ^-!');
      });
    });

    it('leaves the queue when unsubscribed while waiting', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const b = cold('-b|');
        const c = cold('-c|');
        // prettier-ignore
        expectObservable(cold('-a|').pipe(rateLimit(limiter))       ).toBe('     -a|');
        // prettier-ignore
        expectObservable(b.pipe(rateLimit(limiter)),         '^---!').toBe('----    ');
        // prettier-ignore
        expectObservable(c.pipe(rateLimit(limiter))                 ).toBe('10ms -c|');
        // prettier-ignore
        expectSubscriptions(b.subscriptions).toBe([]);
        // prettier-ignore
        expectSubscriptions(c.subscriptions).toBe(                         '10ms ^-!');
      });
    });

    it('keeps the type of the source', () => {
      const limiter = new RateLimiter({ count: 5, interval: 1000 });
      const typed: Observable<string> = of('a', 'b').pipe(rateLimit(limiter));
      const values: string[] = [];
      typed.subscribe((v) => values.push(v));
      expect(values).toEqual(['a', 'b']);
    });
  });

  describe('bad arguments', () => {
    // The limiter is checked when the operator is made, not when it is subscribed.

    it.each([
      [10, 'rateLimit: limiter must be a Limiter (an object with a run(input) method), got 10'],
      [null, 'rateLimit: limiter must be a Limiter (an object with a run(input) method), got null'],
      [{ count: 2, interval: 10 }, 'rateLimit: limiter must be a Limiter (an object with a run(input) method), got { count, interval }'],
    ])('throws a TypeError for %p', (value, message) => {
      expect(() => rateLimit(value as never)).toThrow(TypeError);
      expect(() => rateLimit(value as never)).toThrow(message);
    });
  });
});
