/**
 * The waiting side of a Redis limiter, shared by RedisSemaphore and RedisRateLimiter:
 * subscriptions asking Redis, queued there, woken by a grant, or leaving. What a grant
 * gives (a permit held under a lease, or a start) is the subclass's. Not part of the
 * public API.
 */
import type { Redis } from 'ioredis';
import { Observable, asyncScheduler } from 'rxjs';
import type { Subscriber } from 'rxjs';
import { CancelledError } from '../../errors';
import { LeaseLostError } from '../errors/LeaseLostError';
import type { Script } from '../scripts';
import type { RedisLimiterCounts } from '../types';
import { Alarm, RedisLink, reportLater } from './link';
import type { Call } from './link';

// Phases every waiter goes through; the subclasses' waiters add their own after QUEUED.
/** The acquire script is on its way: no answer yet. */
export const ASKING = 0;
/** In the queue in Redis, waiting for a grant. */
export const QUEUED = 1;
/** Gave its place back, was refused, or got what it waited for and is done with it. Final. */
export const DONE = 9;

/** A subscription waiting for what a limiter grants. */
export interface RedisWaiter {
  readonly id: string;
  phase: number;
  /** When the acquire was sent (`performance.now()`). */
  sentAt: number;
  /** A grant (its text after the id) that came before the answer to the acquire. */
  early: string | undefined;
  readonly downstream: Subscriber<never>;
}

/** The four scripts of a kind of limiter. */
export interface LimiterScripts {
  /** Where the scripts' names are under the key (see `RATE_SPACE`): the grants lists too. */
  readonly space: string;
  /** ARGV[5] the id. Reply `{ now, wasAlive, granted, at }`: `at` a lease expiry (granted), or when to look again (queued; 0 for never). */
  readonly acquire: Script;
  /** ARGV[5] '1' to forget the owner, then ids. Reply `{ now, wasAlive, at }`. */
  readonly giveBack: Script;
  /** ARGV[5...] the ids to renew. Reply `{ now, wasAlive, at, lost? }`. */
  readonly renew: Script;
  /** Reply `{ now, 1, available, waiting }`. */
  readonly counts: Script;
}

export abstract class LimiterQueue<W extends RedisWaiter> {
  readonly link: RedisLink;
  /** Acquire scripts sent and not answered yet, in the order sent (their replies come in that order). */
  protected readonly asking = new Map<string, W>();
  /** Waiters queued in Redis, by id. */
  protected readonly queued = new Map<string, W>();
  /** Subscribers of `counts()` waiting for their answer (they fail too if the connection is lost). */
  private readonly reading = new Set<Subscriber<RedisLimiterCounts>>();
  private readonly alarm = new Alarm(() => this.wake());
  /** A renewal is on its way. */
  protected renewing = false;
  /** Renew again once the renewal on its way is answered. */
  protected renewAgain = false;
  /** When the last renewal was sent (or work began), `performance.now()`. */
  private lastRenewal = 0;
  /** When Redis may have something for this process's waiters (a lease running out, room in the window), in local time. */
  private lookAt = Infinity;
  closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    redis: Redis,
    readonly key: string,
    /** `'RedisSemaphore'` or `'RedisRateLimiter'`, for messages. */
    readonly kind: string,
    /** The lease of this process in Redis (and of a semaphore's permits), ms: renewed every third of it. */
    readonly leaseMs: number,
    limit: number,
    interval: number,
    private readonly scripts: LimiterScripts,
  ) {
    this.link = new RedisLink(redis, key, scripts.space, kind, [leaseMs, limit, interval], {
      granted: (id, rest) => this.granted(id, rest),
      lost: (cause) => this.connectionLost(cause),
      back: () => this.renew(),
    });
  }

  /** The waiter got what it waited for; `deadline` is the local time a permit's lease lasts until (Infinity for a start). */
  protected abstract admit(waiter: W, deadline: number): void;
  /** What this process holds that keeps it busy (a semaphore's permits). */
  protected abstract get holding(): number;
  /** The ids to renew. */
  protected abstract renewIds(): string[];
  /** A renewal was answered: `lost` holds the ids Redis no longer had, `deadline` the new one of the others. */
  protected abstract renewed(ids: readonly string[], lost: ReadonlySet<string>, deadline: number): void;
  /** The earliest time (local) at which `watch` must run, or Infinity. */
  protected abstract watchAt(): number;
  /** Runs at `watchAt()`. */
  protected abstract watch(now: number): void;
  /** Closing: ends what is held, and returns the ids to give back. */
  protected abstract closeHeld(): string[];

  /** A new subscription asks. */
  ask(waiter: W): void {
    if (this.closed) {
      waiter.phase = DONE;
      waiter.downstream.error(new CancelledError(`${this.kind} ${this.key}: closed`));
      return;
    }
    const down = this.link.unreachable();
    if (down !== undefined) {
      waiter.phase = DONE;
      waiter.downstream.error(this.link.unavailable(down));
      return;
    }
    const now = performance.now();
    if (this.idle()) this.lastRenewal = now;
    waiter.sentAt = now;
    this.asking.set(waiter.id, waiter);
    this.link.call(this.scripts.acquire, [waiter.id]).then(
      (call) => guarded(() => this.answered(waiter, call)),
      (err: unknown) => guarded(() => this.refused(waiter, err)),
    );
    this.plan();
  }

  private answered(waiter: W, call: Call): void {
    this.asking.delete(waiter.id);
    this.checkOwner(call);
    if (waiter.phase !== ASKING) return;
    const [, , granted, at] = call.reply;
    if (Number(granted) === 1) {
      this.admit(waiter, call.sent + this.leaseMs);
    } else {
      waiter.phase = QUEUED;
      this.queued.set(waiter.id, waiter);
      this.noteLook(Number(at));
      const early = waiter.early;
      if (early !== undefined) this.granted(waiter.id, early);
    }
    this.plan();
  }

  /** The acquire failed (or got no answer in time): the waiter fails, and its place (if it got one) is given back. */
  private refused(waiter: W, err: unknown): void {
    this.asking.delete(waiter.id);
    if (waiter.phase !== ASKING) return;
    waiter.phase = DONE;
    this.giveBack([waiter.id]);
    this.plan();
    waiter.downstream.error(this.link.unavailable(err));
  }

  /** A grant arrived on this owner's list. */
  private granted(id: string, rest: string): void {
    const waiter = this.queued.get(id) ?? this.asking.get(id);
    if (waiter === undefined) {
      // For a waiter that is gone (it left, failed or was closed): handed on.
      this.giveBack([id]);
      return;
    }
    if (waiter.phase === ASKING) {
      // The grant overtook the answer to the acquire: used when that answer comes.
      waiter.early = rest;
      return;
    }
    this.queued.delete(id);
    this.admit(waiter, rest === '' ? Infinity : this.link.localBefore(Number(rest)));
    this.plan();
  }

  /** A waiter leaves: locally at once, and in Redis by the next script on the connection. */
  leave(waiter: W): void {
    waiter.phase = DONE;
    this.asking.delete(waiter.id);
    this.queued.delete(waiter.id);
    this.giveBack([waiter.id]);
    this.plan();
  }

  /** Gives back places and grants (fire and forget: a lease that is not given back runs out by itself). */
  protected giveBack(ids: readonly string[]): void {
    if (!this.closed && ids.length > 0) this.link.send(this.scripts.giveBack, ['0', ...ids]);
  }

  /** Renews this process's lease (and what `renewIds` names), and lets Redis hand on what dead processes held. */
  protected renew(): void {
    if (this.renewing || this.closed || this.idle() || this.link.unreachable() !== undefined) return;
    this.renewing = true;
    this.renewAgain = false;
    this.lastRenewal = performance.now();
    const ids = this.renewIds();
    this.link.call(this.scripts.renew, ids).then(
      (call) =>
        guarded(() => {
          this.renewing = false;
          if (this.closed) return;
          this.checkOwner(call);
          const [, , at, lost] = call.reply;
          this.noteLook(Number(at));
          this.renewed(ids, new Set(Array.isArray(lost) ? (lost as string[]) : []), call.sent + this.leaseMs);
          if (this.renewAgain) this.renew();
          this.plan();
        }),
      () =>
        guarded(() => {
          // Nothing renewed: leases run towards their deadlines, and the watch acts.
          this.renewing = false;
          this.plan();
        }),
    );
  }

  /** Renew as soon as possible (now, or once the renewal on its way is answered). */
  protected renewSoon(): void {
    if (this.renewing) this.renewAgain = true;
    else this.renew();
  }

  /**
   * The owner's lease had run out before a script (this process was too slow to renew
   * it): waiters queued before that script may have been dropped from the queue, so they
   * fail rather than wait for ever.
   */
  private checkOwner(call: Call): void {
    if (Number(call.reply[1]) !== 0 || this.queued.size === 0) return;
    const stranded = [...this.queued.values()];
    this.queued.clear();
    for (const waiter of stranded) waiter.phase = DONE;
    this.giveBack(stranded.map((waiter) => waiter.id));
    for (const waiter of stranded) {
      waiter.downstream.error(
        new LeaseLostError(this.kind, this.key, waiter.id, 'its place in the queue was lost: this process did not renew its lease in time'),
      );
    }
  }

  /** `at`: when Redis may next have something for waiters (server time), or 0 for never. */
  private noteLook(at: number): void {
    this.lookAt = at > 0 ? this.link.localAfter(at) + 1 : Infinity;
  }

  /** The caller's connection closed: every waiter fails (what is held runs on until its deadline). */
  private connectionLost(cause: unknown): void {
    for (const reader of [...this.reading]) reader.error(this.link.unavailable(cause));
    const waiters = [...this.asking.values(), ...this.queued.values()];
    if (waiters.length === 0) return;
    this.asking.clear();
    this.queued.clear();
    for (const waiter of waiters) waiter.phase = DONE;
    // Sent once the connection is back (if Redis kept the queue, these places are taken).
    this.giveBack(waiters.map((waiter) => waiter.id));
    this.plan();
    for (const waiter of waiters) waiter.downstream.error(this.link.unavailable(cause));
  }

  /** Nothing waits and nothing is held (a `counts()` on its way does not count: it needs no renewal). */
  protected idle(): boolean {
    return this.asking.size + this.queued.size + this.holding === 0;
  }

  /** Sets the one timer for whatever comes first: a renewal, a look at Redis, the watch, an unanswered acquire. */
  protected plan(): void {
    const active = !this.closed && !this.idle();
    this.link.setActive(active || (!this.closed && this.reading.size > 0));
    if (active) this.link.listen();
    if (!active) {
      this.alarm.cancel();
      this.lookAt = Infinity;
      return;
    }
    let due = this.watchAt();
    if (!this.renewing) {
      due = Math.min(due, this.lastRenewal + this.leaseMs / 3);
      if (this.queued.size > 0) due = Math.min(due, this.lookAt);
    }
    const oldest = this.asking.values().next();
    if (!oldest.done) due = Math.min(due, oldest.value.sentAt + this.leaseMs);
    this.alarm.set(due);
  }

  private wake(): void {
    const now = performance.now();
    if (now >= this.watchAt()) this.watch(now);
    for (const waiter of [...this.asking.values()]) {
      if (waiter.sentAt + this.leaseMs > now) break;
      this.refused(waiter, new Error(`Redis did not answer within ${this.leaseMs} ms`));
    }
    if (!this.renewing && (now >= this.lastRenewal + this.leaseMs / 3 || (this.queued.size > 0 && now >= this.lookAt))) this.renew();
    this.plan();
  }

  counts(): Observable<RedisLimiterCounts> {
    return new Observable<RedisLimiterCounts>((subscriber) => {
      const down = this.link.unreachable();
      if (down !== undefined) {
        subscriber.error(this.link.unavailable(down));
        return;
      }
      const deadline = asyncScheduler.schedule(
        () => subscriber.error(this.link.unavailable(new Error(`Redis did not answer within ${this.leaseMs} ms`))),
        this.leaseMs,
      );
      this.reading.add(subscriber);
      this.plan();
      this.link.call(this.scripts.counts, [], false).then(
        ({ reply }) => {
          subscriber.next({ available: Number(reply[2]), waiting: Number(reply[3]) });
          subscriber.complete();
        },
        (err: unknown) => subscriber.error(this.link.unavailable(err)),
      );
      return () => {
        deadline.unsubscribe();
        this.reading.delete(subscriber);
        this.plan();
      };
    });
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closed = true;
    this.alarm.cancel();
    const waiters = [...this.asking.values(), ...this.queued.values()];
    this.asking.clear();
    this.queued.clear();
    for (const waiter of waiters) waiter.phase = DONE;
    const ids = [...waiters.map((waiter) => waiter.id), ...this.closeHeld()];
    for (const waiter of waiters) guarded(() => waiter.downstream.error(new CancelledError(`${this.kind} ${this.key}: closed while waiting`)));
    this.closing = this.link.close(() => this.link.call(this.scripts.giveBack, ['1', ...ids]), this.leaseMs);
    return this.closing;
  }
}

/** Runs a reply's handler; what it throws (a subscriber's teardown, say) is reported as rxjs reports it. */
export function guarded(handle: () => void): void {
  try {
    handle();
  } catch (err) {
    reportLater(err);
  }
}
