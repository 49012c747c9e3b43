import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import { CancelledError } from '../errors';
import { captureContext, runInContext } from '../internal/context';
import { markHandled, startInput } from '../internal/input';
import type { InputRun, InputTarget } from '../internal/input';
import { checkPositiveInteger, checkTaskInput, readOptions } from '../internal/validate';
import type { Limiter, TaskInput } from '../types';
import { LeaseLostError } from './errors/LeaseLostError';
import { ASKING, DONE, LimiterQueue, QUEUED, guarded } from './internal/queue';
import type { LimiterScripts, RedisWaiter } from './internal/queue';
import { checkKey, checkLeaseMs, checkRedis } from './internal/options';
import { SEMAPHORE_ACQUIRE, SEMAPHORE_COUNTS, SEMAPHORE_GIVE_BACK, SEMAPHORE_RENEW } from './scripts';
import type { RedisLimiterCounts } from './types';

/** Options of {@link RedisSemaphore}. */
export interface RedisSemaphoreOptions {
  /** Your ioredis client. Scripts go through it; the semaphore opens one more connection (`redis.duplicate()`) to wait on. */
  readonly redis: Redis;
  /** The name of the limit in Redis: every process using this key on this Redis shares it. */
  readonly key: string;
  /** How many inputs may run at once across all processes: a positive integer, the same in every process. */
  readonly permits: number;
  /**
   * How long a permit is held without being renewed, in ms (default 30,000): an integer from
   * 100 to 2^31 − 1. A process renews its leases every `leaseMs / 3`; one that dies gives
   * its permits back `leaseMs` after its last renewal at the latest.
   */
  readonly leaseMs?: number;
}

const OPTIONS = ['redis', 'key', 'permits', 'leaseMs'] as const;

/**
 * Limits how many inputs run at once across every process and machine that shares a
 * Redis key: the {@link index!Semaphore} of many processes.
 *
 * `semaphore.run(input)` is a cold Observable: each subscription asks Redis for a permit,
 * waits for it (first come, first served across all processes), subscribes to the input
 * while holding it, mirrors every value, and gives the permit back when the input ends.
 * A permit is a lease of `leaseMs`: this process renews it every `leaseMs / 3` while the
 * input runs, so a process that dies gives its permits back within `leaseMs`, and if a
 * lease cannot be renewed in time the input is unsubscribed and fails with
 * {@link LeaseLostError}: the limit is never silently exceeded. When Redis cannot be
 * reached, `run()` fails with {@link LimiterUnavailableError} and the input never runs.
 *
 * ```text
 * new RedisSemaphore({ redis, key: 'api', permits: 1 }), in process A and in process B
 *
 * A: run(a):        -a|               a subscribed at once (the permit was free)
 * B: run(b):        ---b|             queued in Redis behind a; woken by Redis when a ends
 * a subscribed:     ^-!
 * b subscribed:     --^-!
 * ```
 *
 * Each change of the shared state is one Lua script, run atomically by Redis with
 * Redis's own clock (`TIME`). A waiter is woken by Redis: the script that frees a permit
 * gives it to the queue's head and pushes it onto that process's list, which the process
 * reads with BLPOP on its own connection. A process with waiters also wakes once when
 * the first lease in Redis runs out (one timer per process, not per waiter), to hand on
 * the permits of a process that died.
 *
 * - **Complete**: the input's teardown runs, the permit is given back (the script is
 *   sent), then the completion reaches the subscriber.
 * - **Error**: the input's teardown runs, the error reaches the subscriber, then the
 *   permit is given back.
 * - **Unsubscribe**: while waiting, the subscription leaves the queue at once, in Redis
 *   too; while holding, the input is unsubscribed, its teardown runs, then the permit
 *   goes back. A Promise input holds its permit until it settles, even if the subscriber
 *   left (a Promise cannot be cancelled, so its work still counts).
 *
 * Every process must use the same `permits` for a key (and should use the same
 * `leaseMs`). Only a single Redis (or a primary with replicas) is supported, not Redis
 * Cluster. Call `close()` when done: it gives back what this process holds and closes
 * the connection it opened.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisSemaphore } from 'rxjs-asyncio/redis';
 * import { timer, map, merge } from 'rxjs';
 *
 * const redis = new Redis(6379, '127.0.0.1');
 * // Run this in as many processes as you like: at most 2 jobs run at once across all of them.
 * const semaphore = new RedisSemaphore({ redis, key: 'crawler:api', permits: 2 });
 * const job = (name: string) => semaphore.run(timer(100).pipe(map(() => name)));
 * merge(job('a'), job('b'), job('c')).subscribe({
 *   next: (name) => console.log(name),
 *   complete: () => semaphore.close().then(() => redis.quit()),
 * });
 * // Logs (a and b at 100 ms, c at 200 ms, in one process alone):
 * // a
 * // b
 * // c
 * ```
 *
 * @see {@link RedisRateLimiter} to limit starts per time window across processes.
 * @see {@link index!withPermit} for the operator form (any `Limiter`).
 */
export class RedisSemaphore implements Limiter {
  /** The key of the limit in Redis. */
  readonly key: string;
  /** Inputs allowed to run at once across every process. */
  readonly permits: number;
  /** The lease of a permit, in ms. */
  readonly leaseMs: number;

  private readonly state: PermitState;

  /**
   * @param options `{ redis, key, permits, leaseMs = 30_000 }`, read as own properties
   * (inherited ones are ignored). A wrong type or an unknown option is a `TypeError`, a
   * bad value a `RangeError`. Nothing is sent to Redis before the first `run()`.
   */
  constructor(options: RedisSemaphoreOptions) {
    const fn = 'RedisSemaphore';
    const o = readOptions(fn, 'options', options, OPTIONS, 'required');
    const redis = checkRedis(fn, o.redis);
    this.key = checkKey(fn, o.key);
    this.permits = checkPositiveInteger(fn, 'options.permits', o.permits);
    this.leaseMs = o.leaseMs === undefined ? 30_000 : checkLeaseMs(fn, o.leaseMs);
    this.state = new PermitState(redis, this.key, this.permits, this.leaseMs);
  }

  /**
   * Runs an input under a permit shared by every process: a cold Observable that, on
   * each subscription, waits for a permit, then subscribes to the input and mirrors it.
   *
   * ```text
   * permits: 1, another process holding the permit until frame 3
   *
   * input:            -x-y|
   * run(input):       ----x-y|       waited 3 frames, woken by Redis
   * input subscribed: ---^---!       subscribed holding the permit; unsubscribed before giving it back
   * ```
   *
   * A function input is called only once the permit is granted. Complete, error and
   * unsubscribe are as described on the class. Fails with {@link LimiterUnavailableError}
   * if Redis cannot be reached (the input never runs), with {@link LeaseLostError} if the
   * lease is lost while the input runs (the input is unsubscribed first), and with
   * `CancelledError` if `close()` is called meanwhile (or was before).
   *
   * @example
   * ```ts
   * semaphore.run(() => fetch('https://example.org')).subscribe((response) => console.log(response.status));
   * // Logs (once a permit is free in Redis):
   * // 200
   * ```
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it only while holding a permit.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    checkTaskInput<T>('RedisSemaphore.run', 'input', input);
    const state = this.state;
    return new Observable<T>((subscriber) => {
      // However the wait ends (an unsubscribe, close(), Redis lost), a Promise input that
      // rejects meanwhile is never left unhandled; a run still hears its rejection.
      markHandled(input);
      const lease = new Lease<T>(state, state.link.nextId(), input, subscriber);
      subscriber.add(() => lease.cancel());
      state.ask(lease);
    });
  }

  /**
   * One snapshot of the shared limit, across every process: emits
   * `{ available, waiting }` once, then completes.
   *
   * ```text
   * counts():   ---(c|)     c = { available: 0, waiting: 3 }, one round trip later
   * ```
   *
   * `available` is the permits free, `waiting` the waiters queued by live processes. It is
   * read after everything this process sent before (the same connection, in order), so
   * once a `run()` has completed its permit is counted back. Fails with
   * {@link LimiterUnavailableError} if Redis cannot be reached; unsubscribing drops the
   * answer.
   *
   * @example
   * ```ts
   * semaphore.counts().subscribe(({ available, waiting }) => console.log(available, waiting));
   * // Logs:
   * // 5 0
   * ```
   *
   * @returns An Observable of one `{ available, waiting }`.
   */
  counts(): Observable<RedisLimiterCounts> {
    return this.state.counts();
  }

  /**
   * Gives back everything this process holds and stops: waiters queued here fail with
   * `CancelledError` (and leave the queue), inputs running under a permit are
   * unsubscribed and fail with `CancelledError`, their permits go back to the other
   * processes, timers stop and the connection the semaphore opened is closed. Later
   * `run()`s fail with `CancelledError`. Your own `redis` client is left open.
   *
   * Resolves once Redis has the permits back (or at once if Redis cannot be reached: the
   * leases then run out within `leaseMs`). Calling it again returns the same Promise.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => void semaphore.close().then(() => redis.quit()));
   * ```
   *
   * @returns A Promise resolved once this process's permits are given back.
   */
  close(): Promise<void> {
    return this.state.close();
  }
}

// Phases of a Lease, after those of every waiter (ASKING, QUEUED; DONE is final).
/** Holds a permit; the input starts once its lease is known to be fresh. */
const GRANTED = 2;
/** Holds a permit; the input runs. */
const RUNNING = 3;
/** Holds a permit; the subscriber left, the input (a Promise) still runs. */
const LEFT = 4;

/** One process's side of one semaphore: its waiters (in LimiterQueue), its permits, and their leases. */
class PermitState extends LimiterQueue<Lease<unknown>> {
  /** Permits this process holds, by id. */
  private readonly held = new Map<string, Lease<unknown>>();
  /** The earliest deadline of the permits held (it may be stale-early: the watch then looks again). */
  private watchFrom = Infinity;
  /** How long before its deadline an unrenewed lease is given up (timers fire late). */
  private readonly margin: number;

  constructor(redis: Redis, key: string, permits: number, leaseMs: number) {
    super(redis, key, 'RedisSemaphore', leaseMs, permits, 0, SCRIPTS);
    this.margin = Math.min(leaseMs / 10, 1000);
  }

  protected get holding(): number {
    return this.held.size;
  }

  /** A permit is ours until `deadline` (local time): the input starts if that leaves time, else after a renewal. */
  protected admit(lease: Lease<unknown>, deadline: number): void {
    lease.phase = GRANTED;
    lease.deadline = deadline;
    this.held.set(lease.id, lease);
    if (deadline < this.watchFrom) this.watchFrom = deadline;
    if (deadline - performance.now() >= this.leaseMs / 3) lease.begin();
    else this.renewSoon();
  }

  /** A permit goes back, after its input's teardown. */
  release(lease: Lease<unknown>): void {
    if (!this.held.delete(lease.id)) return;
    this.giveBack([lease.id]);
    this.plan();
  }

  protected renewIds(): string[] {
    return [...this.held.keys()];
  }

  protected renewed(ids: readonly string[], lost: ReadonlySet<string>, deadline: number): void {
    for (const id of ids) {
      const lease = this.held.get(id);
      if (lease === undefined) continue;
      if (lost.has(id)) {
        lease.lose('Redis no longer holds its lease (it ran out before it was renewed, or Redis lost it)');
      } else {
        lease.deadline = deadline;
        if (lease.phase === GRANTED) lease.begin();
      }
    }
    let earliest = Infinity;
    for (const lease of this.held.values()) if (lease.deadline < earliest) earliest = lease.deadline;
    this.watchFrom = earliest;
  }

  protected watchAt(): number {
    return this.held.size > 0 ? this.watchFrom - this.margin : Infinity;
  }

  /** The watchdog: a lease not renewed by its deadline (less the margin) is given up, its input stopped. */
  protected watch(now: number): void {
    let earliest = Infinity;
    for (const lease of [...this.held.values()]) {
      if (lease.deadline - this.margin <= now) lease.lose('its lease could not be renewed in time');
      else if (lease.deadline < earliest) earliest = lease.deadline;
    }
    this.watchFrom = earliest;
  }

  protected closeHeld(): string[] {
    const holders = [...this.held.values()];
    for (const lease of holders) guarded(() => lease.abort(new CancelledError(`RedisSemaphore ${this.key}: closed while its input ran`)));
    this.held.clear();
    return holders.map((lease) => lease.id);
  }
}

const SCRIPTS: LimiterScripts = {
  space: '',
  acquire: SEMAPHORE_ACQUIRE,
  giveBack: SEMAPHORE_GIVE_BACK,
  renew: SEMAPHORE_RENEW,
  counts: SEMAPHORE_COUNTS,
};

/**
 * One subscription to `semaphore.run(input)`: a waiter in Redis, then the target of its
 * input (started by the engine's `startInput`) while it holds the permit. The permit goes
 * back once the input has ended and its teardown has run: before a completion is passed
 * on (the subscriber then sees it counted back), after an error (a consumer that gives
 * up on a failure lets go of its queued inputs first), and when the subscriber lets go.
 * A Promise cannot be stopped: it keeps its permit until it settles.
 */
class Lease<T> implements RedisWaiter, InputTarget {
  readonly mirror = true;
  phase = ASKING;
  /** When the acquire was sent (`performance.now()`). */
  sentAt = 0;
  /** While holding: the local time by which the lease must have been renewed. */
  deadline = 0;
  /** A grant that came before the answer to the acquire. */
  early: string | undefined = undefined;
  /** The subscriber's async context, in which the input runs whatever starts it. */
  private readonly context = captureContext();
  /** The running Observable input; `undefined` for a Promise (which cannot be stopped). */
  private run: InputRun | undefined;
  /** Inside `startInput`: a source stopped now returns its teardown only when it returns, so the permit waits until then. */
  private starting = false;
  private releaseWhenStarted = false;

  constructor(
    private readonly state: PermitState,
    readonly id: string,
    private readonly input: TaskInput<T>,
    readonly downstream: Subscriber<T>,
  ) {}

  /** The permit is held and its lease fresh: runs the input, in the subscriber's async context. */
  begin(): void {
    this.phase = RUNNING;
    runInContext(this.context, startLease, this);
  }

  start(): void {
    this.starting = true;
    try {
      startInput(this, 0, this.input, 'RedisSemaphore.run');
    } finally {
      this.starting = false;
      if (this.releaseWhenStarted) this.release();
    }
  }

  inputRunning(_index: number, run: InputRun): void {
    this.run = run;
  }

  inputValue(_index: number, value: unknown): void {
    if (this.phase === RUNNING) this.downstream.next(value as T);
  }

  inputName(): string {
    return 'input';
  }

  /** The input ended, after its teardown: the permit goes back, and the subscriber hears how. */
  inputEnded(_index: number, ok: boolean, value: unknown): void {
    const phase = this.phase;
    if (phase !== RUNNING && phase !== LEFT) return;
    this.phase = DONE;
    if (phase === LEFT) this.release();
    else if (ok) {
      try {
        this.release();
      } finally {
        this.downstream.complete();
      }
    } else {
      try {
        this.downstream.error(value);
      } finally {
        this.release();
      }
    }
  }

  /** The subscriber let go. */
  cancel(): void {
    switch (this.phase) {
      case ASKING:
      case QUEUED:
        this.state.leave(this);
        return;
      case GRANTED:
        this.phase = DONE;
        this.release();
        return;
      case RUNNING:
        // A Promise keeps the permit until it settles; an Observable is torn down now.
        if (this.run === undefined) this.phase = LEFT;
        else this.stop();
        return;
    }
  }

  /** The lease is lost: the input is unsubscribed (its teardown runs), then the subscriber gets LeaseLostError. */
  lose(reason: string): void {
    this.abort(new LeaseLostError('RedisSemaphore', this.state.key, this.id, reason));
  }

  /** Ends the input with `error` (after its teardown), and lets the permit go. */
  abort(error: Error): void {
    const phase = this.phase;
    if (phase !== GRANTED && phase !== RUNNING && phase !== LEFT) return;
    this.phase = DONE;
    if (phase === LEFT) return this.giveBack();
    try {
      if (phase === RUNNING) this.run?.unsubscribe();
    } finally {
      try {
        this.downstream.error(error);
      } finally {
        this.giveBack();
      }
    }
  }

  /** Unsubscribes the running Observable input (its teardown runs), and gives the permit back. */
  private stop(): void {
    this.phase = DONE;
    try {
      this.run!.unsubscribe();
    } finally {
      this.giveBack();
    }
  }

  /** Gives the permit back now, or, inside `startInput`, once it has returned (and the source's teardown has run). */
  private giveBack(): void {
    if (this.starting) this.releaseWhenStarted = true;
    else this.release();
  }

  private release(): void {
    this.state.release(this);
  }
}

function startLease(lease: Lease<unknown>): void {
  lease.start();
}
