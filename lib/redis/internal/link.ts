/**
 * What the Redis limiters share: one process's side of a limit kept in Redis. Scripts
 * sent on the caller's client, the grants read from a blocking list on a connection of
 * our own, the connection's state, the server's clock, and one timer. Not part of the
 * public API.
 *
 * What it relies on in ioredis (5 and 6) is here and only here: `defineCommand` (and
 * how it sends a script), `duplicate(options)`, `blpop`, `disconnect()`, the `status`
 * strings, and the `close`, `ready` and `error` events.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { asyncScheduler } from 'rxjs';
import type { Subscription } from 'rxjs';
import { LimiterUnavailableError } from '../errors/LimiterUnavailableError';
import type { Script } from '../scripts';

/** A script's reply and when it was sent and answered (`performance.now()`). */
export interface Call {
  readonly reply: readonly unknown[];
  /** The server time when the script ran (ms). */
  readonly now: number;
  readonly sent: number;
  readonly received: number;
}

/** What a limiter does with what the link hears. */
export interface LinkEvents {
  /** A grant arrived on this owner's list: the waiter's id, and what follows it (a lease's expiry, or ''). */
  granted(id: string, rest: string): void;
  /** The caller's connection closed: Redis cannot be reached for now. */
  lost(cause: unknown): void;
  /** The caller's connection is ready again. */
  back(): void;
}

/** Client statuses in which a command cannot be answered until a reconnection succeeds. */
const DOWN: ReadonlySet<string> = new Set(['reconnecting', 'close', 'end']);

export class RedisLink {
  /** This limiter instance's id in Redis: its waiters' and permits' ids start with it. */
  readonly owner = randomBytes(12).toString('hex');
  /** Ids handed out so far (each id is the owner and this counter). */
  private issued = 0;
  /** Our own connection (`redis.duplicate()`), blocked on the grants list; created on first use. */
  private blocker: Redis | undefined;
  /** The last connection error seen: the `cause` of LimiterUnavailableError. */
  private lastError: unknown = undefined;
  /** Listening to the caller's client (only while the limiter has work). */
  private attached = false;
  /** Anything was ever sent for this owner (so closing has something to undo). */
  private used = false;
  closed = false;
  /** Waits of `readGrants` before it tries again: cancelled on close. */
  private readonly pauses = new Set<Subscription>();
  /**
   * Bounds of (server time − `performance.now()`), from the latest reply: the script ran
   * between its sending and its answer, so the true offset lies between them.
   */
  private offsetLow = 0;
  private offsetHigh = 0;

  constructor(
    /** The caller's ioredis client: every script goes through it, in order. */
    readonly redis: Redis,
    /** The limiter's key (ioredis adds its keyPrefix). */
    readonly key: string,
    /** Where its kind's names are under the key (see `RATE_SPACE`). */
    private readonly space: string,
    /** For error messages: `'RedisSemaphore'`, `'RedisRateLimiter'`. */
    readonly kind: string,
    /** ARGV[2] to ARGV[4] of every script: the owner's lease, the limit, the interval. */
    private readonly settings: readonly [lease: number, limit: number, interval: number],
    private readonly events: LinkEvents,
  ) {}

  /** A new id for a waiter, unique across every process. */
  nextId(): string {
    return this.owner + (++this.issued).toString(36);
  }

  /**
   * Runs one script for this owner (or for none: `owner` false) with extra arguments.
   * Rejects with what the client rejected with.
   */
  async call(script: Script, args: readonly (string | number)[], owner = true): Promise<Call> {
    if (owner) this.used = true;
    const [lease, limit, interval] = this.settings;
    const argv = [owner ? this.owner : '', lease, limit, interval, ...args];
    const sent = performance.now();
    const reply = (await evalScript(this.redis, script, this.key, argv)) as unknown[];
    const received = performance.now();
    const now = Number(reply[0]);
    this.offsetLow = now - received;
    this.offsetHigh = now - sent;
    return { reply, now, sent, received };
  }

  /** Fire and forget: a script whose failure changes nothing (leases run out by themselves). */
  send(script: Script, args: readonly (string | number)[]): void {
    this.call(script, args).catch(() => undefined);
  }

  /** The local time (`performance.now()`) by which server time `at` has surely come. */
  localAfter(at: number): number {
    return at - this.offsetLow;
  }

  /** The local time before which server time `at` has surely not come (the safe end of a lease). */
  localBefore(at: number): number {
    return at - this.offsetHigh;
  }

  /** Why Redis cannot be reached right now, or `undefined` if a command may be answered. */
  unreachable(): unknown {
    const status = this.redis.status;
    return DOWN.has(status) ? this.cause(`the client is ${status}`) : undefined;
  }

  /** The error for a limiter that cannot reach Redis. */
  unavailable(cause: unknown): LimiterUnavailableError {
    return new LimiterUnavailableError(this.kind, this.key, cause);
  }

  private cause(state: string): unknown {
    return this.lastError ?? new Error(state);
  }

  /**
   * While the limiter has work (waiters, permits, a `counts()` on its way), it listens to
   * the caller's client for the connection closing and coming back; when idle, it leaves
   * the client's listeners as they were.
   */
  setActive(active: boolean): void {
    if (active === this.attached || (active && this.closed)) return;
    this.attached = active;
    let watch = watches.get(this.redis);
    if (active) {
      if (watch === undefined) watches.set(this.redis, (watch = new ClientWatch(this.redis)));
      watch.add(this);
    } else watch?.delete(this);
  }

  /** The caller's connection closed (see {@link ClientWatch}). */
  connectionClosed(): void {
    this.events.lost(this.cause(`the connection to Redis closed`));
  }

  /** The caller's connection is ready again. */
  connectionReady(): void {
    this.events.back();
  }

  /**
   * Opens the blocking connection (once: it stays open until `close()`) and reads this
   * owner's grants list with BLPOP, one grant after another. Grants wait in the list when
   * nobody reads it (the connection is down, or not yet up), so none is lost.
   */
  listen(): void {
    if (this.blocker !== undefined || this.closed) return;
    const retry = this.redis.options.retryStrategy;
    const blocker = this.redis.duplicate({
      lazyConnect: true,
      // As the caller's client retries, until closed: then a failed reconnection ends it.
      retryStrategy: (times) => (this.closed ? null : typeof retry === 'function' ? retry(times) : Math.min(times * 50, 2000)),
      // A blocked command stays pending across reconnections and is sent again, never failed.
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      commandTimeout: undefined,
      enableAutoPipelining: false,
    });
    blocker.on('error', (err: unknown) => {
      this.lastError = err;
    });
    blocker.on('ready', () => {
      this.lastError = undefined;
    });
    this.blocker = blocker;
    void this.readGrants(blocker);
  }

  private async readGrants(blocker: Redis): Promise<void> {
    const list = `${this.key}${this.space}:grants:${this.owner}`;
    while (!this.closed) {
      let popped: [string, string] | null;
      try {
        popped = await blocker.blpop(list, 0);
      } catch (err) {
        if (this.closed) return;
        this.lastError = err;
        // The connection failed the command: wait until it is back. Or Redis refused it
        // (not a lost connection, which only delays it): try again a little later.
        await (blocker.status === 'ready' ? this.pause(100) : once(blocker, 'ready'));
        continue;
      }
      if (popped === null || this.closed) continue;
      const entry = popped[1];
      const space = entry.indexOf(' ');
      try {
        if (space < 0) this.events.granted(entry, '');
        else this.events.granted(entry.slice(0, space), entry.slice(space + 1));
      } catch (err) {
        // What a subscriber's callback threw while the grant started its input: rxjs's way.
        reportLater(err);
      }
    }
  }

  /** Resolves after `ms` (on rxjs's scheduler), or at once when the link closes. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = asyncScheduler.schedule(() => {
        this.pauses.delete(timer);
        resolve();
      }, ms);
      this.pauses.add(timer);
    });
  }

  /**
   * Stops listening and closes the blocking connection; `last` (if any) is sent first and
   * awaited when Redis is reachable, at most `boundMs`: it gives back what this owner
   * holds, and forgets it.
   */
  async close(last: (() => Promise<unknown>) | undefined, boundMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setActive(false);
    for (const timer of this.pauses) timer.unsubscribe();
    this.pauses.clear();
    const blocker = this.blocker;
    this.blocker = undefined;
    try {
      if (last !== undefined && this.used) {
        const done = last();
        done.catch(() => undefined);
        if (this.unreachable() === undefined) await bounded(done, boundMs);
      }
    } finally {
      if (blocker !== undefined) await disconnected(blocker);
    }
  }
}

/**
 * Runs a script through ioredis's `defineCommand` on the caller's client (named after the
 * script's SHA1, so two versions of this library never clash). ioredis sends it as EVAL
 * the first time on each connection and as EVALSHA after, and again as EVAL on NOSCRIPT:
 * so even after Redis restarts (empty script cache, new connection), the commands of one
 * connection run in the order they were sent, and none is lost to NOSCRIPT.
 */
function evalScript(redis: Redis, script: Script, key: string, argv: readonly (string | number)[]): Promise<unknown> {
  const name = `rxjsAsyncio_${script.sha}`;
  const commands = redis as unknown as Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;
  let command = commands[name];
  if (typeof command !== 'function') {
    redis.defineCommand(name, { lua: script.source, numberOfKeys: 1 });
    command = commands[name]!;
  }
  return command.call(redis, key, ...argv);
}

/**
 * Disconnects our own connection and resolves once it has ended (ioredis keeps a timer
 * until the socket is closed): nothing of it is left behind. Between two attempts to
 * reconnect (no socket), `disconnect()` would leave ioredis a timer on the socket that
 * already closed: the next attempt is left to end it instead (the retry strategy says
 * no more once the link is closed), or is disconnected if it succeeds.
 */
function disconnected(connection: Redis): Promise<void> {
  if (connection.status === 'end') return Promise.resolve();
  const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
  if (connection.status === 'reconnecting') connection.once('connect', () => connection.disconnect());
  else connection.disconnect();
  return bounded(ended, 3000);
}

/** Resolves at the next `event` of `emitter`. */
function once(emitter: Redis, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

/** Waits for `promise` (ignoring its outcome), at most `ms`. */
function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = asyncScheduler.schedule(() => resolve(), ms);
    const done = (): void => {
      timer.unsubscribe();
      resolve();
    };
    promise.then(done, done);
  });
}

/** Rethrows on a fresh stack, as rxjs reports an error a subscriber's callback threw. */
export function reportLater(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
}

/**
 * One timer of a limiter, on rxjs's `asyncScheduler` (so nothing keeps the process
 * alive once it is cancelled): `set(at)` asks to be woken at `at` (`performance.now()`),
 * or earlier if already asked.
 */
export class Alarm {
  private timer: Subscription | null = null;
  private at = Infinity;

  constructor(private readonly wake: () => void) {}

  set(at: number): void {
    if (!Number.isFinite(at)) {
      this.cancel();
      return;
    }
    if (this.timer !== null && this.at <= at) return;
    this.cancel();
    this.at = at;
    this.timer = asyncScheduler.schedule(
      () => {
        this.timer = null;
        this.at = Infinity;
        this.wake();
      },
      Math.max(0, at - performance.now()),
    );
  }

  cancel(): void {
    this.timer?.unsubscribe();
    this.timer = null;
    this.at = Infinity;
  }
}

/**
 * The limiters with work on one ioredis client, behind one `close` and one `ready`
 * listener: a client shared by many limiters (one per host in a crawl, say) gets two
 * listeners, not two per limiter (Node warns past ten). Listening only while some
 * limiter has work, as each did on its own.
 */
class ClientWatch {
  private readonly links = new Set<RedisLink>();
  private readonly onClose = (): void => {
    for (const link of [...this.links]) link.connectionClosed();
  };
  private readonly onReady = (): void => {
    for (const link of [...this.links]) link.connectionReady();
  };

  constructor(private readonly redis: Redis) {}

  add(link: RedisLink): void {
    if (this.links.size === 0) {
      this.redis.on('close', this.onClose);
      this.redis.on('ready', this.onReady);
    }
    this.links.add(link);
  }

  delete(link: RedisLink): void {
    if (!this.links.delete(link) || this.links.size > 0) return;
    this.redis.off('close', this.onClose);
    this.redis.off('ready', this.onReady);
  }
}

/** The watch of each client that limiters with work share. */
const watches = new WeakMap<Redis, ClientWatch>();
