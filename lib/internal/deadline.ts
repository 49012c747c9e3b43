import { Observable, Subscription, TimeoutError, asyncScheduler } from 'rxjs';
import type { SchedulerAction, Subscriber, Unsubscribable } from 'rxjs';

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
 * A deadline on silence: calls `target.expire()` once `ms` pass without a `touch()`
 * (an HTTP body that stops arriving). {@link startDeadline}'s one timer, moved on rather
 * than restarted: `touch()` only notes the time, and the timer, when it fires early,
 * sleeps for the rest. On the async scheduler, so in virtual time inside
 * `TestScheduler.run()`.
 */
export class Silence implements Unsubscribable {
  /** When the last sign of life came, on the scheduler's clock. */
  private last = asyncScheduler.now();
  private readonly timer: Subscription;

  constructor(
    readonly ms: number,
    readonly target: Expiring,
  ) {
    this.timer = asyncScheduler.schedule(checkSilence, ms, this);
  }

  /** Something happened: the silence starts again from now. */
  touch(): void {
    this.last = asyncScheduler.now();
  }

  /** How long it has been silent, in ms. */
  get silent(): number {
    return asyncScheduler.now() - this.last;
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
  const quiet = silence!.silent;
  if (quiet >= silence!.ms) silence!.target.expire();
  else this.schedule(silence, silence!.ms - quiet);
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
