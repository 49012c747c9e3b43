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
