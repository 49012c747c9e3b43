import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import type { Limiter } from '../types';
import { checkLimiter } from '../internal/validate';

/**
 * Delays the subscription to the source until a {@link RateLimiter} (or any other
 * {@link Limiter}, such as a limiter shared through Redis) allows a start.
 *
 * `source.pipe(rateLimit(limiter))` is `limiter.run(source)`: each subscription waits
 * (first come, first served, shared with every other user of the limiter) until fewer
 * than `count` starts happened in the last `interval` ms, then subscribes to the source
 * and mirrors it.
 *
 * ```text
 * new RateLimiter({ count: 1, interval: 10 }), another start at frame 0
 *
 * source:                     -a|
 * source.pipe(rateLimit(l)):  -----------a|
 * source subscribed:          ----------^-!
 * ```
 *
 * - **Complete / error**: passed on; the start stays counted for `interval` ms.
 * - **Unsubscribe**: while waiting, leaves the queue at once; after the start,
 *   unsubscribes the source.
 *
 * @example
 * ```ts
 * import { RateLimiter, rateLimit } from 'rxjs-asyncio';
 * import { from, mergeMap, defer } from 'rxjs';
 *
 * const twicePerSecond = new RateLimiter({ count: 2, interval: 1000 });
 * from([1, 2, 3])
 *   .pipe(mergeMap((n) => defer(() => fetch(`https://example.org/${n}`)).pipe(rateLimit(twicePerSecond))))
 *   .subscribe((response) => console.log(response.url));
 * // Logs (1 and 2 at once, 3 a second later):
 * // https://example.org/1
 * // https://example.org/2
 * // https://example.org/3
 * ```
 *
 * @param limiter The rate limiter to ask for a start.
 * @returns An operator mirroring the source, subscribed to it once a start is allowed.
 * @throws TypeError at call time if `limiter` is not a Limiter.
 * @see {@link RateLimiter}
 */
export function rateLimit<T>(limiter: Limiter): MonoTypeOperatorFunction<T> {
  checkLimiter('rateLimit', 'limiter', limiter);
  return (source: Observable<T>) => limiter.run(source);
}
