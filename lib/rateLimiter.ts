import { asyncScheduler } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { Limiter, TaskInput } from './types';
import { Gate } from './internal/gate';
import type { Room } from './internal/gate';
import { inputObservable } from './internal/inputObservable';
import type { Admission } from './internal/inputObservable';
import { monotonicNow } from './internal/rxjs';
import { checkInterval, checkPositiveInteger, readOptions } from './internal/validate';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** At most this many starts in any window of `interval` ms: a positive integer. */
  readonly count: number;
  /** The window, in ms: a positive, finite number. */
  readonly interval: number;
}

/**
 * Limits how many inputs start per window of time, across every stream that shares it
 * ("at most 10 requests per second", counted exactly over a sliding window).
 *
 * `limiter.run(input)` is a cold Observable that, on each subscription, waits until a
 * start is allowed and only then subscribes to the input, which it mirrors. A start at
 * time `t` is allowed when fewer than `count` starts happened in `(t - interval, t]`:
 * the window slides, it is not reset at fixed ticks. Waiters start first come, first
 * served; a newcomer never overtakes them. Only starts are limited: how long an input
 * runs, and how many run at once, is not (use a {@link Semaphore} for that).
 *
 * ```text
 * new RateLimiter({ count: 2, interval: 10 }); run(s1) ... run(s5) all subscribed at frame 0
 *
 * frame:         0         10        20
 * s1 subscribed: ^
 * s2 subscribed: ^
 * s3 subscribed: ----------^                  s1 and s2 have left the window (0, 10]
 * s4 subscribed: ----------^
 * s5 subscribed: --------------------^        s3 and s4 have left the window (10, 20]
 * ```
 *
 * - **Complete / error**: passed on as they come; they free nothing (a start stays
 *   counted for `interval` ms whatever the input does).
 * - **Unsubscribe**: a waiter leaves the queue at once; a started input is unsubscribed.
 *
 * All timing goes through rxjs's `asyncScheduler` (so it runs in virtual time inside
 * `TestScheduler.run`), and a timer is scheduled only while someone waits. Times are
 * read from a monotonic clock, so a step of the wall clock neither stalls the limiter
 * nor lets it spin. A queued input starts in the async context of the subscription that
 * asked for it.
 *
 * @example
 * ```ts
 * import { RateLimiter } from 'rxjs-asyncio';
 * import { from, mergeMap } from 'rxjs';
 *
 * const limiter = new RateLimiter({ count: 2, interval: 1000 });
 * const started = Date.now();
 * from(['a', 'b', 'c', 'd', 'e'])
 *   .pipe(mergeMap((name) => limiter.run(() => Promise.resolve(name))))
 *   .subscribe((name) => console.log(name, Math.round((Date.now() - started) / 1000)));
 * // Logs:
 * // a 0
 * // b 0
 * // c 1
 * // d 1
 * // e 2
 * ```
 *
 * @see {@link rateLimit} for the operator form.
 */
export class RateLimiter implements Limiter {
  /** At most this many starts in any window of `interval` ms. */
  readonly count: number;
  /** The window, in ms. */
  readonly interval: number;

  private readonly window: StartWindow;

  /**
   * @param options `{ count, interval }`: `count` a positive integer, `interval` a
   * positive, finite number of ms. A wrong type (or an unknown option) is a `TypeError`,
   * a bad value a `RangeError`.
   */
  constructor(options: RateLimiterOptions) {
    const { count, interval } = readOptions('RateLimiter', 'options', options, ['count', 'interval']);
    this.count = checkPositiveInteger('RateLimiter', 'options.count', count);
    this.interval = checkInterval('RateLimiter', 'options.interval', interval);
    this.window = new StartWindow(this.count, this.interval);
  }

  /** Subscriptions queued for a start right now. */
  get waiting(): number {
    return this.window.gate.waiting;
  }

  /**
   * Delays the subscription to an input until the limiter allows a start.
   *
   * ```text
   * new RateLimiter({ count: 1, interval: 10 }), another start at frame 0
   *
   * input:            -x|
   * run(input):       -----------x|    (subscribed at 0, started at 10)
   * input subscribed: ----------^-!
   * ```
   *
   * A function input is called only when its start is allowed. Complete and error are
   * passed on; unsubscribing while waiting leaves the queue, after the start it
   * unsubscribes the input.
   *
   * @example
   * ```ts
   * const limiter = new RateLimiter({ count: 1, interval: 1000 });
   * limiter.run(of('now')).subscribe(console.log);
   * limiter.run(of('a second later')).subscribe(console.log);
   * // Logs:
   * // now
   * // a second later
   * ```
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it once a start is allowed.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    return inputObservable(input, 'RateLimiter.run', 'input', this.window);
  }
}

/** The recent starts of one RateLimiter: the room of its gate. */
class StartWindow implements Room, Admission {
  readonly gate: Gate = new Gate(this);
  /**
   * Times of the last `count` starts, on the monotonic clock, as a ring buffer: it grows
   * to `count` entries (so memory is O(count)), then each start overwrites the oldest,
   * at `oldest`.
   */
  private readonly starts: number[] = [];
  /** Index in `starts` of the oldest of the last `count` starts (0 until the ring is full). */
  private oldest = 0;
  /** The pending wake-up, only while someone waits. */
  private timer: Subscription | undefined = undefined;
  private readonly wake = (): void => {
    this.timer = undefined;
    this.gate.pump();
  };

  constructor(
    private readonly count: number,
    private readonly interval: number,
  ) {}

  /** Records a start now if the window (now - interval, now] allows one. */
  take(): boolean {
    const starts = this.starts;
    const now = monotonicNow();
    if (starts.length < this.count) {
      starts.push(now);
      return true;
    }
    const oldest = this.oldest;
    // The oldest of the last `count` starts must have left the window.
    if (starts[oldest]! + this.interval > now) return false;
    starts[oldest] = now;
    this.oldest = oldest + 1 === this.count ? 0 : oldest + 1;
    return true;
  }

  /** Someone waits: wake up when the oldest start leaves the window. */
  blocked(): void {
    if (this.timer !== undefined) return;
    // Someone waits, so the ring is full and `starts[oldest]` is the start to outlive
    // (at most `interval` away, whatever the wall clock did).
    const delay = this.starts.length < this.count ? 0 : this.starts[this.oldest]! + this.interval - monotonicNow();
    this.timer = asyncScheduler.schedule(this.wake, Math.min(this.interval, Math.max(0, delay)));
  }

  idle(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }
}
