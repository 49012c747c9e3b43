import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import { captureContext, runInContext } from '../internal/context';
import { markHandled } from '../internal/input';
import { inputObservable } from '../internal/inputObservable';
import { checkInterval, checkPositiveInteger, checkTaskInput, readOptions } from '../internal/validate';
import type { Limiter, TaskInput } from '../types';
import { checkKey, checkRedis } from './internal/options';
import { ASKING, DONE, LimiterQueue } from './internal/queue';
import type { LimiterScripts, RedisWaiter } from './internal/queue';
import { RATE_ACQUIRE, RATE_COUNTS, RATE_GIVE_BACK, RATE_RENEW, RATE_SPACE } from './scripts';
import type { RedisLimiterCounts } from './types';

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Your ioredis client. Scripts go through it; the limiter opens one more connection (`redis.duplicate()`) to wait on. */
  readonly redis: Redis;
  /** The name of the limit in Redis: every process using this key on this Redis shares it. */
  readonly key: string;
  /** At most this many starts in any window of `interval` ms, across all processes: a positive integer. */
  readonly count: number;
  /** The window, in ms: a positive, finite number (at most 2^31 − 1). */
  readonly interval: number;
}

const OPTIONS = ['redis', 'key', 'count', 'interval'] as const;

/**
 * A process's own lease in Redis while it has waiters, in ms: a process that dies
 * leaves the queue within this time (until then, starts granted to its waiters are lost
 * to everyone).
 */
const WAITER_LEASE_MS = 10_000;

/**
 * Limits how many inputs start per window of time across every process and machine that
 * shares a Redis key: the {@link index!RateLimiter} of many processes ("at most 10 requests
 * per second to this API, from all our workers together").
 *
 * `limiter.run(input)` is a cold Observable that, on each subscription, waits until a
 * start is allowed and only then subscribes to the input, which it mirrors. A start at
 * Redis time `t` is allowed when fewer than `count` starts happened in
 * `(t - interval, t]`, counting every process: the window slides, it is not reset at
 * fixed ticks. Waiters start first come, first served across processes. Only starts
 * are limited: how long an input runs, and how many run at once, is not (use a
 * {@link RedisSemaphore} for that).
 *
 * ```text
 * new RedisRateLimiter({ redis, key, count: 2, interval: 10 }); s1, s2 in process A and s3 in B, at frame 0
 *
 * frame:         0         10
 * s1 subscribed: ^                    (A)
 * s2 subscribed: ^                    (A)
 * s3 subscribed: ----------^          (B) woken by Redis once s1 left the window
 * ```
 *
 * The window is kept in Redis (a sorted set of start times, Redis's own clock) and
 * changed by one Lua script per event. A waiter is woken by Redis (a grant pushed onto
 * its process's list, read with BLPOP); a process with waiters also wakes once when the
 * window next has room (one timer per process, not per waiter) to let Redis start the
 * queue's head.
 *
 * - **Complete / error**: passed on as they come; they free nothing (a start stays
 *   counted for `interval` ms whatever the input does).
 * - **Unsubscribe**: a waiter leaves the queue at once, in Redis too (a start granted to
 *   it in that instant goes to the next waiter); a started input is unsubscribed.
 * - When Redis cannot be reached, `run()` and the waiters already queued fail with
 *   {@link LimiterUnavailableError}: no input starts without the limit.
 *
 * A start is counted when Redis grants it; the input starts when its process hears of
 * it, a round trip later (more if that process is busy), so starts observed elsewhere
 * can bunch up by that delay. Every process must use the same `count` and `interval`
 * for a key.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisRateLimiter } from 'rxjs-asyncio/redis';
 * import { from, mergeMap } from 'rxjs';
 *
 * const redis = new Redis(6379, '127.0.0.1');
 * // Across every process running this: at most 2 starts per second.
 * const limiter = new RedisRateLimiter({ redis, key: 'crawler:rate', count: 2, interval: 1000 });
 * const started = Date.now();
 * from(['a', 'b', 'c'])
 *   .pipe(mergeMap((name) => limiter.run(() => Promise.resolve(name))))
 *   .subscribe((name) => console.log(name, Math.round((Date.now() - started) / 1000)));
 * // Logs (in one process alone):
 * // a 0
 * // b 0
 * // c 1
 * ```
 *
 * @see {@link index!rateLimit} for the operator form (any `Limiter`).
 */
export class RedisRateLimiter implements Limiter {
  /** The key of the limit in Redis. */
  readonly key: string;
  /** At most this many starts in any window of `interval` ms. */
  readonly count: number;
  /** The window, in ms. */
  readonly interval: number;

  private readonly state: StartState;

  /**
   * @param options `{ redis, key, count, interval }`, read as own properties (inherited
   * ones are ignored). A wrong type or an unknown option is a `TypeError`, a bad value a
   * `RangeError`. Nothing is sent to Redis before the first `run()`.
   */
  constructor(options: RedisRateLimiterOptions) {
    const fn = 'RedisRateLimiter';
    const o = readOptions(fn, 'options', options, OPTIONS, 'required');
    const redis = checkRedis(fn, o.redis);
    this.key = checkKey(fn, o.key);
    this.count = checkPositiveInteger(fn, 'options.count', o.count);
    this.interval = checkInterval(fn, 'options.interval', o.interval);
    this.state = new StartState(redis, this.key, this.count, this.interval);
  }

  /**
   * Delays the subscription to an input until the shared window allows a start.
   *
   * ```text
   * count: 1, interval: 10, another process started at frame 0
   *
   * input:            -x|
   * run(input):       -----------x|    (subscribed at 0, started at 10)
   * input subscribed: ----------^-!
   * ```
   *
   * A function input is called only when its start is allowed. Complete and error are
   * passed on; unsubscribing while waiting leaves the queue (in Redis too), after the
   * start it unsubscribes the input. Fails with {@link LimiterUnavailableError} if Redis
   * cannot be reached, and with `CancelledError` if `close()` is called while it waits
   * (or was before).
   *
   * @example
   * ```ts
   * limiter.run(of('now')).subscribe(console.log);
   * limiter.run(of('an interval later')).subscribe(console.log);
   * // Logs (count: 1):
   * // now
   * // an interval later
   * ```
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it once a start is allowed.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    checkTaskInput<T>('RedisRateLimiter.run', 'input', input);
    const source = inputObservable(input, 'RedisRateLimiter.run');
    const state = this.state;
    return new Observable<T>((subscriber) => {
      // However the wait ends (an unsubscribe, close(), Redis lost), a Promise input that
      // rejects meanwhile is never left unhandled; the run still hears its rejection.
      markHandled(input);
      const ticket = new Ticket<T>(state.link.nextId(), source, subscriber);
      subscriber.add(() => {
        if (ticket.phase !== DONE) state.leave(ticket);
      });
      state.ask(ticket);
    });
  }

  /**
   * One snapshot of the shared window, across every process: emits
   * `{ available, waiting }` once, then completes.
   *
   * ```text
   * counts():   ---(c|)     c = { available: 0, waiting: 3 }, one round trip later
   * ```
   *
   * `available` is how many starts the window allows right now, `waiting` the waiters
   * queued by live processes. Fails with {@link LimiterUnavailableError} if Redis cannot
   * be reached; unsubscribing drops the answer.
   *
   * @example
   * ```ts
   * limiter.counts().subscribe(({ available, waiting }) => console.log(available, waiting));
   * // Logs (count: 2, one start in the window):
   * // 1 0
   * ```
   *
   * @returns An Observable of one `{ available, waiting }`.
   */
  counts(): Observable<RedisLimiterCounts> {
    return this.state.counts();
  }

  /**
   * Stops: waiters queued in this process fail with `CancelledError` (and leave the
   * queue), timers stop and the connection the limiter opened is closed. Inputs already
   * started are left alone (they hold nothing). Later `run()`s fail with
   * `CancelledError`. Your own `redis` client is left open.
   *
   * Resolves once Redis has dropped this process's waiters (or at once if Redis cannot
   * be reached). Calling it again returns the same Promise.
   *
   * @example
   * ```ts
   * await limiter.close();
   * await redis.quit();
   * ```
   *
   * @returns A Promise resolved once this process's waiters are gone from Redis.
   */
  close(): Promise<void> {
    return this.state.close();
  }
}

/** One process's side of one rate limiter: its waiters (LimiterQueue does it all: a start holds nothing). */
class StartState extends LimiterQueue<Ticket<unknown>> {
  constructor(redis: Redis, key: string, count: number, interval: number) {
    super(redis, key, 'RedisRateLimiter', WAITER_LEASE_MS, count, interval, SCRIPTS);
  }

  protected get holding(): number {
    return 0;
  }

  protected admit(ticket: Ticket<unknown>): void {
    ticket.start();
  }

  protected renewIds(): string[] {
    return [];
  }

  protected renewed(): void {
    // Nothing is held: the renewal only keeps this process's waiters in the queue.
  }

  protected watchAt(): number {
    return Infinity;
  }

  protected watch(): void {
    // Nothing is held, so nothing to watch.
  }

  protected closeHeld(): string[] {
    return [];
  }
}

const SCRIPTS: LimiterScripts = { space: RATE_SPACE, acquire: RATE_ACQUIRE, giveBack: RATE_GIVE_BACK, renew: RATE_RENEW, counts: RATE_COUNTS };

/** One subscription to `limiter.run(input)` waiting for its start. */
class Ticket<T> implements RedisWaiter {
  phase = ASKING;
  sentAt = 0;
  early: string | undefined = undefined;
  /** The subscriber's async context, in which the input starts whatever starts it. */
  private readonly context = captureContext();

  constructor(
    readonly id: string,
    readonly source: Observable<T>,
    readonly downstream: Subscriber<T>,
  ) {}

  /** The start is allowed: the input is subscribed with the consumer's own subscriber (its teardown joins the consumer's). */
  start(): void {
    this.phase = DONE;
    runInContext(this.context, subscribeDownstream, this);
  }
}

function subscribeDownstream(ticket: Ticket<unknown>): void {
  ticket.source.subscribe(ticket.downstream);
}
