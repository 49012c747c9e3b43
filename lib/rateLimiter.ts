import { Observable, asyncScheduler } from 'rxjs';
import type { Subscriber, Subscription, Unsubscribable } from 'rxjs';
import type { TaskInput } from './types';
import { checkTaskInput, toObservable } from './internal/input';
import { checkFiniteDuration, checkOptions, checkPositiveInteger } from './internal/validate';
import { WaitQueue } from './semaphore';
import type { QueueNode } from './semaphore';

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
 * `TestScheduler.run`), and a timer is scheduled only while someone waits.
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
export class RateLimiter {
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
    const { count, interval } = checkOptions('RateLimiter', options, ['count', 'interval']);
    this.count = checkPositiveInteger('RateLimiter', 'options.count', count);
    this.interval = checkFiniteDuration('RateLimiter', 'options.interval', interval);
    this.window = new StartWindow(this.count, this.interval);
  }

  /** Subscriptions queued for a start right now. */
  get waiting(): number {
    return this.window.queue.length;
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
    checkTaskInput<T>('RateLimiter.run', 'input', input);
    const source = toObservable(input, 'RateLimiter.run', 'input');
    const window = this.window;
    return new Observable<T>((subscriber) => {
      const ticket = new Ticket<T>(window, source, subscriber);
      window.request(ticket);
      return ticket;
    });
  }
}

/** One subscription to `limiter.run(input)` waiting for its start. */
class Ticket<T> implements Unsubscribable, QueueNode<Ticket<unknown>> {
  prevWaiter: Ticket<unknown> | null = null;
  nextWaiter: Ticket<unknown> | null = null;
  /** In the limiter's queue. */
  queued = false;

  constructor(
    private readonly window: StartWindow,
    private readonly source: Observable<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  /** The start is allowed: the input is subscribed with the consumer's own subscriber (its teardown joins the consumer's). */
  start(): void {
    this.source.subscribe(this.subscriber);
  }

  /** The consumer's teardown: leaving the queue if still in it. */
  unsubscribe(): void {
    if (this.queued) this.window.leave(this);
  }
}

/** The recent starts and the queue of one RateLimiter. */
class StartWindow {
  /** Tickets waiting for a start, oldest first. */
  readonly queue = new WaitQueue<Ticket<unknown>>();
  /**
   * Times of the last `count` starts, as a ring buffer: it grows to `count` entries (so
   * memory is O(count)), then each start overwrites the oldest, at `oldest`.
   */
  private readonly starts: number[] = [];
  /** Index in `starts` of the oldest of the last `count` starts (0 until the ring is full). */
  private oldest = 0;
  /** The pending wake-up, only while someone waits. */
  private timer: Subscription | null = null;
  /** True while `drain` starts tickets: it schedules the next wake-up itself when done. */
  private draining = false;
  private readonly wake = (): void => {
    this.timer = null;
    this.drain();
  };

  constructor(
    private readonly count: number,
    private readonly interval: number,
  ) {}

  /** A newcomer: started now if nobody waits and the window allows it, else queued. */
  request(ticket: Ticket<unknown>): void {
    if (this.queue.head === null && this.take(asyncScheduler.now())) {
      ticket.start();
    } else {
      ticket.queued = true;
      this.queue.push(ticket);
      this.arm();
    }
  }

  leave(ticket: Ticket<unknown>): void {
    ticket.queued = false;
    this.queue.remove(ticket);
    if (this.queue.head === null && this.timer !== null) {
      this.timer.unsubscribe();
      this.timer = null;
    }
  }

  /** Records a start at `now` if the window allows one. */
  private take(now: number): boolean {
    const starts = this.starts;
    if (starts.length < this.count) {
      starts.push(now);
      return true;
    }
    const oldest = this.oldest;
    // The oldest of the last `count` starts must have left the window (now - interval, now].
    if (starts[oldest] + this.interval > now) return false;
    starts[oldest] = now;
    this.oldest = oldest + 1 === this.count ? 0 : oldest + 1;
    return true;
  }

  /** Starts waiters, oldest first, while the window allows; then sleeps until the next start can be allowed. */
  private drain(): void {
    this.draining = true;
    try {
      let ticket: Ticket<unknown> | null;
      while ((ticket = this.queue.head) !== null && this.take(asyncScheduler.now())) {
        ticket.queued = false;
        this.queue.remove(ticket);
        ticket.start();
      }
    } finally {
      this.draining = false;
    }
    this.arm();
  }

  /** Schedules a wake-up for when the oldest start leaves the window, if someone waits and none is scheduled. */
  private arm(): void {
    if (this.timer !== null || this.draining || this.queue.head === null) return;
    // Someone waits, so the ring is full and `starts[oldest]` is the start to outlive.
    const delay = this.starts.length < this.count ? 0 : this.starts[this.oldest] + this.interval - asyncScheduler.now();
    this.timer = asyncScheduler.schedule(this.wake, Math.max(0, delay));
  }
}
