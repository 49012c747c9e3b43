import type { MonoTypeOperatorFunction } from 'rxjs';
import { withDeadline } from '../internal/deadline';
import { checkDuration } from '../internal/validate';

/**
 * Fails with rxjs's `TimeoutError` if the source has not completed within `ms` of
 * subscription (asyncio.timeout).
 *
 * rxjs's `timeout` bounds the gaps between values; `deadline` bounds the whole run, so
 * a stream that keeps emitting but never finishes is still cut off.
 *
 * ```
 * source:           --a--b--c--d--e--|
 * deadline(10):     --a--b--c-#          the source is unsubscribed at frame 10
 * ```
 *
 * - Complete: as the source; the timer is cleared.
 * - Error: as the source; the timer is cleared.
 * - Timeout: the source is unsubscribed (its teardown runs), then `TimeoutError`.
 * - Unsubscribe: the source is unsubscribed and the timer cleared.
 *
 * ```ts
 * interval(100).pipe(deadline(350)).subscribe({ next: console.log, error: (e) => console.log(e.name) });
 * // Logs: 0, 1, 2, TimeoutError
 * ```
 *
 * @param ms The deadline in ms from subscription; `Infinity` for none.
 * @see waitFor
 */
export function deadline<T>(ms: number): MonoTypeOperatorFunction<T> {
  checkDuration('deadline', 'ms', ms);
  return (source) => withDeadline(source, ms, () => `deadline: source did not complete within ${ms} ms`);
}
