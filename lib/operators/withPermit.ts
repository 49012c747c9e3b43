import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import type { Limiter } from '../types';
import { checkLimiter } from '../internal/validate';

/**
 * Runs the source under a permit of any {@link Limiter}: a `Semaphore`, a `Lock`, a
 * limiter shared through Redis.
 *
 * `source.pipe(withPermit(semaphore))` is `semaphore.run(source)`: each subscription
 * waits for a permit (first come, first served, shared with every other user of the
 * semaphore), then subscribes to the source and mirrors it, and gives the permit back
 * when the source ends.
 *
 * ```text
 * new Semaphore(1), another stream holding the permit until frame 2
 *
 * source:                      -a-b|
 * source.pipe(withPermit(s)):  ---a-b|
 * source subscribed:           --^---!
 * ```
 *
 * - **Complete**: the source's teardown runs, the permit goes back, then the
 *   completion is passed on.
 * - **Error**: the source's teardown runs, the error is passed on, then the permit goes
 *   back (so a consumer that gives up on the failure leaves the queue first).
 * - **Unsubscribe**: while waiting, leaves the queue at once; while holding the permit,
 *   unsubscribes the source, then gives the permit back.
 *
 * @example
 * ```ts
 * import { Semaphore, withPermit } from 'rxjs-asyncio';
 * import { merge, timer, map } from 'rxjs';
 *
 * const oneAtATime = new Semaphore(1);
 * const slow = (name: string) => timer(100).pipe(map(() => name), withPermit(oneAtATime));
 * merge(slow('first'), slow('second')).subscribe(console.log);
 * // Logs:
 * // first   (at 100 ms)
 * // second  (at 200 ms)
 * ```
 *
 * @param limiter The limiter to take the permit from.
 * @returns An operator mirroring the source, subscribed to it only while holding a permit.
 * @throws TypeError at call time if `limiter` is not a Limiter.
 * @see {@link Semaphore}
 */
export function withPermit<T>(limiter: Limiter): MonoTypeOperatorFunction<T> {
  checkLimiter('withPermit', 'limiter', limiter);
  return (source: Observable<T>) => limiter.run(source);
}
