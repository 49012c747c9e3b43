import { Observable, Subscription, TimeoutError, asyncScheduler } from 'rxjs';
import type { SchedulerAction, Subscriber, Unsubscribable } from 'rxjs';
import { List } from './list';
import { isVirtualTime, monotonicNow } from './rxjs';
import type { Link } from './list';

/** What a deadline ends. */
export interface Expiring {
  expire(): void;
}

/**
 * Calls `target.expire()` `ms` after now, on the async scheduler (so in virtual time
 * inside `TestScheduler.run()`). Returns the handle that cancels it, or `undefined` for
 * no deadline (`undefined` or `Infinity`). The one timer behind every timeout of the
 * library: a target object, not a closure, so that a deadline per request costs one
 * scheduled action.
 */
export function startDeadline(ms: number | undefined, target: Expiring): Subscription | undefined {
  if (ms === undefined || ms === Infinity) return undefined;
  return asyncScheduler.schedule(expire, ms, target);
}

function expire(this: SchedulerAction<Expiring>, target?: Expiring): void {
  target!.expire();
}

/**
 * Many deadlines of one owner (a session's requests), one timer for all those of the same
 * duration: deadlines of one duration end in the order they started, so each duration
 * keeps its own in a {@link List}, and one {@link startDeadline} set for the first of
 * them. Starting or ending a deadline is a link in a list, where a timer of its own is a
 * scheduled action (about 5 µs a request on a loopback fan-out, measured). When the first
 * ends early, the timer is left as it is: it wakes up, finds nothing due, and is set
 * again for the new first. On the async scheduler like every deadline, so in virtual time
 * inside `TestScheduler.run()`: deadlines started there are in lines of their own, apart
 * from those on the real clock.
 */
export class Deadlines {
  // The lines of each duration, on the real clock and in virtual time.
  private readonly real = new Map<number, DeadlineLine>();
  private readonly virtual = new Map<number, DeadlineLine>();

  /** Calls `target.expire()` `ms` after now; `undefined` for no deadline (`undefined` or `Infinity`). */
  start(ms: number | undefined, target: Expiring): Unsubscribable | undefined {
    if (ms === undefined || ms === Infinity) return undefined;
    const scheduled = asyncScheduler.now();
    const virtual = isVirtualTime(scheduled);
    const lines = virtual ? this.virtual : this.real;
    let line = lines.get(ms);
    if (line === undefined) lines.set(ms, (line = new DeadlineLine(ms)));
    return line.add(target, virtual ? scheduled : performance.now());
  }
}

/**
 * The deadlines of one duration, oldest (so first due) first, and the timer set for the
 * first. What is due is read from {@link monotonicNow}: the virtual frame for a line in
 * virtual time (its timer fires only there), else the monotonic clock, so that a step of
 * the wall clock neither ends its deadlines early nor holds them for the size of the step
 * (the timer is relative; what is due is read from this clock).
 */
class DeadlineLine implements Expiring {
  private readonly pending = new List<PendingDeadline>();
  private timer: Subscription | undefined;

  constructor(readonly ms: number) {}

  add(target: Expiring, now: number): PendingDeadline {
    const deadline = new PendingDeadline(this, target, now + this.ms);
    this.pending.push(deadline);
    if (this.timer === undefined) this.arm(now);
    return deadline;
  }

  remove(deadline: PendingDeadline): void {
    if (!this.pending.remove(deadline) || this.pending.size > 0) return;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /** The timer fired: every deadline due ends, oldest first; the timer is set for the next. */
  expire(): void {
    this.timer = undefined;
    const now = monotonicNow();
    for (let first = this.pending.first; first !== undefined && first.at <= now; first = this.pending.first) {
      this.pending.remove(first);
      first.target.expire();
    }
    if (this.timer === undefined && this.pending.size > 0) this.arm(monotonicNow());
  }

  private arm(now: number): void {
    this.timer = startDeadline(Math.max(0, this.pending.first!.at - now), this);
  }
}

/** One deadline of a {@link Deadlines}: its place in its line, what it ends, and when. */
class PendingDeadline implements Link<PendingDeadline>, Unsubscribable {
  list: List<PendingDeadline> | undefined = undefined;
  prevItem: PendingDeadline | undefined = undefined;
  nextItem: PendingDeadline | undefined = undefined;

  constructor(
    private readonly line: DeadlineLine,
    readonly target: Expiring,
    readonly at: number,
  ) {}

  unsubscribe(): void {
    this.line.remove(this);
  }
}

/**
 * A deadline on silence: calls `target.expire()` once `ms` pass without a `touch()`
 * (an HTTP body that stops arriving). {@link startDeadline}'s one timer, moved on rather
 * than restarted: `touch()` only notes the time, and the timer, when it fires early,
 * sleeps for the rest. On the async scheduler, so in virtual time inside
 * `TestScheduler.run()`.
 */
export class Silence implements Unsubscribable {
  /** When the last sign of life came, on the monotonic clock (a wall-clock step would fake a silence, or hide one). */
  private last = monotonicNow();
  private readonly timer: Subscription;
  /** The silence was seen once, and is looked at again after the loop has read its sockets. */
  confirming = false;

  constructor(
    readonly ms: number,
    readonly target: Expiring,
  ) {
    this.timer = asyncScheduler.schedule(checkSilence, ms, this);
  }

  /** Something happened: the silence starts again from now. */
  touch(): void {
    this.last = monotonicNow();
  }

  /** How long it has been silent, in ms. */
  get silent(): number {
    return monotonicNow() - this.last;
  }

  unsubscribe(): void {
    this.timer.unsubscribe();
  }
}

/** Starts a {@link Silence} of `ms`, or none for `Infinity`. */
export function startSilence(ms: number, target: Expiring): Silence | undefined {
  return ms === Infinity ? undefined : new Silence(ms, target);
}

function checkSilence(this: SchedulerAction<Silence>, silence?: Silence): void {
  const s = silence!;
  const quiet = s.silent;
  if (quiet < s.ms) {
    s.confirming = false;
    this.schedule(s, s.ms - quiet);
  } else if (s.confirming) {
    s.target.expire();
  } else {
    // A timer fires before the event loop reads its sockets (timers come first in a turn
    // of the loop), so after a stall (a long synchronous task, a starved process) bytes
    // that came in time may wait unread: look again on the next timer, once the loop has
    // polled them.
    s.confirming = true;
    this.schedule(s, 0);
  }
}

/**
 * How every timeout of the library ends its work (asyncio and rxjs's own `timeout` do
 * the same): the work is unsubscribed first, so its teardown has run (sockets closed,
 * permits back, Tasks cancelled) by the time the subscriber receives the TimeoutError.
 */
export function endWithTimeout(subscriber: Subscriber<never>, work: Unsubscribable, err: TimeoutError): void {
  work.unsubscribe();
  subscriber.error(err);
}

/** rxjs's own TimeoutError (so `instanceof TimeoutError` holds), with a message saying who timed out. */
export function timeoutError<M = unknown>(message: string, meta?: M): TimeoutError<null, M> {
  const err = new TimeoutError<null, M>({ seen: 0, lastValue: null, meta: meta as M });
  err.message = message;
  return err;
}

/**
 * Mirrors `source`, but if it has not completed `ms` after subscription: unsubscribes
 * it, calls `cancel` (waitFor cancels a Task there), and only then fails with a
 * TimeoutError saying `message()`. `deadline` and `waitFor` are this.
 */
export function withDeadline<T>(source: Observable<T>, ms: number, message: () => string, cancel?: () => void): Observable<T> {
  if (ms === Infinity) return source;
  return new Observable<T>((subscriber) => {
    const work = new Subscription();
    subscriber.add(work);
    const stop = {
      unsubscribe: () => {
        work.unsubscribe();
        cancel?.();
      },
    };
    work.add(startDeadline(ms, { expire: () => endWithTimeout(subscriber, stop, timeoutError(message())) }));
    work.add(
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
  });
}
