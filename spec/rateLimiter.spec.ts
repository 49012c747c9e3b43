import { Observable, asyncScheduler, map, merge } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RateLimiter } from '../lib/rateLimiter';

// How to read these specs
//
// Every test runs in virtual time (`testScheduler.run`): one `-` is one frame (1 ms),
// and `10ms` in a marble string is ten frames. The limiter delays the *subscription* to
// each source, so the subscription marble of a source is exactly "when it was allowed
// to start": `expectSubscriptions(s3.subscriptions).toBe('10ms ^-!')` says s3 started
// at frame 10.
//
// A cold source's own marbles start at its subscription; spaces take no time, so they
// are only there to line marbles up in columns.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

/** Emits the limiter's `waiting` count (as a one-character string) at each `x` of `frames`. */
function waitingAt(cold: (marbles: string) => Observable<unknown>, limiter: RateLimiter, frames: string): Observable<string> {
  return cold(frames).pipe(map(() => String(limiter.waiting)));
}

describe('RateLimiter', () => {
  // new RateLimiter({ count, interval }) and limiter.run(input): arguments, the sliding
  // window, the line of waiters, and sharing one limiter between streams.
  describe('new RateLimiter({ count, interval })', () => {
    // Bad options are refused when the limiter is made, naming the option and the value.

    it('keeps its options and starts with nobody waiting', () => {
      const limiter = new RateLimiter({ count: 3, interval: 250 });
      expect(limiter.count).toBe(3);
      expect(limiter.interval).toBe(250);
      expect(limiter.waiting).toBe(0);
    });

    it.each([
      [{ count: 0, interval: 10 }, 'RateLimiter: options.count must be a positive integer, got 0'],
      [{ count: -1, interval: 10 }, 'RateLimiter: options.count must be a positive integer, got -1'],
      [{ count: 1.5, interval: 10 }, 'RateLimiter: options.count must be a positive integer, got 1.5'],
      [{ count: Infinity, interval: 10 }, 'RateLimiter: options.count must be a positive integer, got Infinity'],
      [{ count: 1, interval: 0 }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got 0'],
      [{ count: 1, interval: -5 }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got -5'],
      [{ count: 1, interval: Infinity }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got Infinity'],
      [{ count: 1, interval: NaN }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got NaN'],
    ])('throws a RangeError for %p', (options, message) => {
      expect(() => new RateLimiter(options)).toThrow(RangeError);
      expect(() => new RateLimiter(options)).toThrow(message);
    });

    it.each([
      [{ count: '2', interval: 10 }, 'RateLimiter: options.count must be a positive integer, got "2"'],
      [{ interval: 10 }, 'RateLimiter: options.count must be a positive integer, got undefined'],
      [{ count: 2, interval: '10' }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got "10"'],
      [{ count: 2 }, 'RateLimiter: options.interval must be a positive, finite number of milliseconds, got undefined'],
      [{ count: 2, interval: 10, burst: 3 }, 'RateLimiter: options.burst is not a known option (expected one of count, interval), got 3'],
      [undefined, 'RateLimiter: options.count must be a positive integer, got undefined'],
      [5, 'RateLimiter: options must be an object, got 5'],
      [null, 'RateLimiter: options must be an object, got null'],
    ])('throws a TypeError for %p', (options, message) => {
      expect(() => new RateLimiter(options as never)).toThrow(TypeError);
      expect(() => new RateLimiter(options as never)).toThrow(message);
    });

    it('throws a TypeError at call time when run() is given something that is not a task input', () => {
      const limiter = new RateLimiter({ count: 1, interval: 10 });
      expect(() => limiter.run(42 as never)).toThrow(TypeError);
      expect(() => limiter.run(42 as never)).toThrow(/^RateLimiter\.run: input must be an ObservableInput .*, got 42$/);
    });
  });

  describe('run(input): starts per sliding window', () => {
    // Five sources, all subscribed through the limiter at frame 0. Their subscription
    // frames are their starts: never more than `count` in any `interval` ms.

    it('starts at frames 0, 0, 10, 10, 20 for count 2 per 10 ms', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 2, interval: 10 });
        const [s1, s2, s3, s4, s5] = [1, 2, 3, 4, 5].map(() => cold('-x|'));
        // prettier-ignore
        expectObservable(limiter.run(s1)).toBe(  '     -x|');
        // prettier-ignore
        expectObservable(limiter.run(s2)).toBe(  '     -x|');
        // prettier-ignore
        expectObservable(limiter.run(s3)).toBe(  '10ms -x|');
        // prettier-ignore
        expectObservable(limiter.run(s4)).toBe(  '10ms -x|');
        // prettier-ignore
        expectObservable(limiter.run(s5)).toBe(  '20ms -x|');
        // prettier-ignore
        expectSubscriptions(s1.subscriptions).toBe('     ^-!');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe('     ^-!');
        // prettier-ignore
        expectSubscriptions(s3.subscriptions).toBe('10ms ^-!');
        // prettier-ignore
        expectSubscriptions(s4.subscriptions).toBe('10ms ^-!');
        // prettier-ignore
        expectSubscriptions(s5.subscriptions).toBe('20ms ^-!');
      });
    });

    it('slides the window from each start rather than resetting it at fixed ticks', () => {
      // count 2 per 10 ms; starts at 0 and 5. The third may start at 10 (the start at 0
      // has left the window (0, 10]), the fourth only at 15 (the start at 5 leaves then).
      // A fixed window [0, 10), [10, 20) would start both at 10.
      testScheduler.run(({ cold, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 2, interval: 10 });
        const [s1, s2, s3, s4] = [1, 2, 3, 4].map(() => cold('-x|'));
        limiter.run(s1).subscribe();
        // prettier-ignore
        testScheduler.schedule(() => [s2, s3, s4].forEach((s) => limiter.run(s).subscribe()), 5);
        // prettier-ignore
        expectSubscriptions(s1.subscriptions).toBe('     ^-!');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe(' 5ms ^-!');
        // prettier-ignore
        expectSubscriptions(s3.subscriptions).toBe('10ms ^-!');
        // prettier-ignore
        expectSubscriptions(s4.subscriptions).toBe('15ms ^-!');
      });
    });

    it('does not count how long an input runs, only when it starts', () => {
      // s1 runs for 30 frames; s2 may start at 10 anyway (count 1 per 10 ms).
      testScheduler.run(({ cold, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const s1 = cold('30ms |');
        const s2 = cold('-x|');
        limiter.run(s1).subscribe();
        limiter.run(s2).subscribe();
        // prettier-ignore
        expectSubscriptions(s1.subscriptions).toBe('     ^ 29ms !');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe('10ms ^-!');
      });
    });

    it('counts a start that failed at once', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const s2 = cold('-x|');
        // prettier-ignore
        expectObservable(limiter.run(cold('#'))).toBe('#');
        // prettier-ignore
        expectObservable(limiter.run(s2)).toBe(          '10ms -x|');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe(      '10ms ^-!');
      });
    });

    it('calls a function input only when its start is allowed', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const calledAt: number[] = [];
        const job = () => {
          calledAt.push(testScheduler.now());
          return cold('-y|');
        };
        // prettier-ignore
        expectObservable(limiter.run(cold('x|'))).toBe('x|');
        // prettier-ignore
        expectObservable(limiter.run(job)       ).toBe('10ms -y|');
        testScheduler.schedule(() => expect(calledAt).toEqual([10]), 11);
      });
    });
  });

  describe('run(input): waiting in line', () => {
    // Waiters start first come, first served. A newcomer never overtakes them, and a
    // waiter that unsubscribes leaves the line at once. `waitingAt` reads
    // `limiter.waiting` at each `x`.

    it('queues a newcomer behind the waiters even when it arrives as a start is allowed', () => {
      // count 1 per 10 ms. s2 has waited since 0; n arrives at 10, the very frame a start
      // becomes allowed (and before the limiter's own timer fires): s2 still goes first.
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const [s1, s2, n] = [1, 2, 3].map(() => cold('-x|'));
        // prettier-ignore
        expectObservable(limiter.run(s1)        ).toBe('     -x|');
        // prettier-ignore
        expectObservable(limiter.run(s2)        ).toBe('10ms -x|');
        // prettier-ignore
        expectObservable(limiter.run(n), '10ms ^').toBe('20ms -x|');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe(    '10ms ^-!');
        // prettier-ignore
        expectSubscriptions(n.subscriptions ).toBe(    '20ms ^-!');
      });
    });

    it('drops a waiter that unsubscribes, at once, and starts the next in its place', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        const [s1, s2, s3] = [1, 2, 3].map(() => cold('-x|'));
        // prettier-ignore
        expectObservable(limiter.run(s1)                ).toBe('-x|');
        // prettier-ignore
        expectObservable(limiter.run(s2), '^----!'      ).toBe('-----');
        // prettier-ignore
        expectObservable(limiter.run(s3)                ).toBe('10ms -x|');
        // prettier-ignore
        expectObservable(waitingAt(cold, limiter, 'x----x----x')).toBe('2----1----0');
        // prettier-ignore
        expectSubscriptions(s2.subscriptions).toBe([]);
        // prettier-ignore
        expectSubscriptions(s3.subscriptions).toBe('10ms ^-!');
      });
    });

    it('leaves no timer scheduled once nobody waits', () => {
      // s2, the only waiter, leaves at frame 5. Had the limiter kept its wake-up for
      // frame 10, the virtual clock would have run on to frame 10.
      testScheduler.run(({ cold, expectObservable }) => {
        const limiter = new RateLimiter({ count: 1, interval: 10 });
        // prettier-ignore
        expectObservable(limiter.run(cold('-x|'))         ).toBe('-x|');
        // prettier-ignore
        expectObservable(limiter.run(cold('-x|')), '^----!').toBe('-----');
      });
      expect(testScheduler.frame).toBe(5);
    });

    it('leaves no real timer behind once nobody waits (outside virtual time)', () => {
      const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      const before = timers();
      const limiter = new RateLimiter({ count: 1, interval: 60_000 });
      limiter.run(['first']).subscribe();
      const waiter = limiter.run(['second']).subscribe();
      expect(limiter.waiting).toBe(1);
      expect(timers()).toBe(before + 1);
      waiter.unsubscribe();
      expect(limiter.waiting).toBe(0);
      expect(timers()).toBe(before);
    });

    it('uses rxjs asyncScheduler for its timing', () => {
      // Outside virtual time, the limiter asks asyncScheduler (not Date.now or setTimeout).
      const now = jest.spyOn(asyncScheduler, 'now');
      const schedule = jest.spyOn(asyncScheduler, 'schedule');
      try {
        const limiter = new RateLimiter({ count: 1, interval: 60_000 });
        limiter.run(['first']).subscribe();
        const waiter = limiter.run(['second']).subscribe();
        expect(now).toHaveBeenCalled();
        expect(schedule).toHaveBeenCalledTimes(1);
        waiter.unsubscribe();
      } finally {
        now.mockRestore();
        schedule.mockRestore();
      }
    });
  });

  describe('run(input): a monotonic clock', () => {
    // Real time: a step of the wall clock (NTP, a VM resumed, a user) must neither
    // stall the limiter nor let it spin or start early. Date.now is stepped by hand;
    // the limiter's timers and clock are monotonic.
    const realNow = Date.now;
    afterEach(() => {
      Date.now = realNow;
    });

    /** Subscribes `limiter.run()` and resolves with the performance.now() of its start. */
    const startOf = (limiter: RateLimiter): Promise<number> => new Promise((resolve) => limiter.run(() => [performance.now()]).subscribe((at) => resolve(at)));

    it.each([
      ['one hour back', -3_600_000],
      ['thirty days back', -30 * 86_400_000],
      ['one hour forward', 3_600_000],
    ])('waits one interval, no less and not much more, across a wall-clock step %s', async (_name, step) => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on('warning', onWarning);
      const schedule = jest.spyOn(asyncScheduler, 'schedule');
      try {
        const limiter = new RateLimiter({ count: 1, interval: 200 });
        const first = await startOf(limiter);
        Date.now = () => realNow() + step;
        const second = await startOf(limiter);
        expect(second - first).toBeGreaterThanOrEqual(199);
        // A stall would last the size of the step; this bound only rules that out.
        expect(second - first).toBeLessThan(10_000);
        // A few wake-ups, not a spin re-arming itself every millisecond (some 200 over
        // the interval). Not exactly one: Node fires a timer against its loop time, read
        // at the start of the loop turn, so on a busy machine it can fire a little before
        // the start is allowed, and the limiter sleeps again for the rest (3 seen in CI).
        expect(schedule.mock.calls.length).toBeLessThanOrEqual(6);
        expect(warnings).toEqual([]);
      } finally {
        schedule.mockRestore();
        process.off('warning', onWarning);
      }
    });
  });

  describe('run(input): a preempted process', () => {
    const realNow = Date.now;
    afterEach(() => {
      Date.now = realNow;
    });

    it('starts the next input one interval after a start whose clock reads were preempted', async () => {
      // From its second read on, the wall clock is 5 ms ahead: the first start's clock
      // reads look as they do when the process is descheduled between two of them.
      let reads = 0;
      Date.now = () => realNow() + (reads++ === 0 ? 0 : 5);
      const limiter = new RateLimiter({ count: 1, interval: 20 });
      const first = await new Promise<number>((resolve) => limiter.run(() => [performance.now()]).subscribe(resolve));
      const second = await new Promise<number>((resolve) => limiter.run(() => [performance.now()]).subscribe(resolve));
      expect(second - first).toBeGreaterThanOrEqual(19);
      expect(limiter.waiting).toBe(0);
    });
  });

  describe('run(input): one limiter shared by several streams', () => {
    // Stream A (subscribed at 0) and stream B (at 1) share 2 starts per 10 ms. The
    // sources' subscription frames show the starts spread across both streams, in the
    // order the sources asked: a1, a2, a3 at 0, then b1, b2 at 1.

    it('holds the limit across every stream, and serves them in the order they asked', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limiter = new RateLimiter({ count: 2, interval: 10 });
        const a1 = cold('-a|');
        const a2 = cold('--b|');
        const a3 = cold('-c|');
        const b1 = cold('-d|');
        const b2 = cold('-e|');
        const streamA = merge(limiter.run(a1), limiter.run(a2), limiter.run(a3));
        const streamB = merge(limiter.run(b1), limiter.run(b2));
        // prettier-ignore
        expectObservable(streamA      ).toBe('-ab 7ms -c|');
        // prettier-ignore
        expectObservable(streamB, '-^').toBe('    10ms -d 9ms e|');
        // prettier-ignore
        expectSubscriptions(a1.subscriptions).toBe('     ^-!');
        // prettier-ignore
        expectSubscriptions(a2.subscriptions).toBe('     ^--!');
        // prettier-ignore
        expectSubscriptions(a3.subscriptions).toBe('10ms ^-!');
        // prettier-ignore
        expectSubscriptions(b1.subscriptions).toBe('10ms ^-!');
        // prettier-ignore
        expectSubscriptions(b2.subscriptions).toBe('20ms ^-!');
      });
    });
  });
});
