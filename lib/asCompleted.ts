import { Observable } from 'rxjs';
import { EMIT_EACH, fanoutOver, readFanoutOptions } from './internal/fanout';
import { readInputs } from './internal/inputs';
import type { PoolOptions, ResultOf, Settled, TaskInput } from './types';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions extends PoolOptions {}

/**
 * Emits each input's result as soon as that input completes (asyncio.as_completed).
 *
 * Results come in completion order, not submission order; the stream completes after
 * the last one. Inputs are any iterable or async iterable (a `Map` gives its values),
 * pulled lazily: with `concurrency: N`, at most N inputs are taken ahead of being
 * finished, so a generator of a million inputs runs in memory bounded by N.
 *
 * ```
 * a:       ----a|
 * b:       --b|
 * c:       ------c|
 * asCompleted([a, b, c]):
 *          --b-a-(c|)
 * ```
 *
 * - Complete: after the last result. Empty input completes at once. An input that
 *   completes without a value fails with rxjs's `EmptyError`.
 * - Error: the first failure fails the stream and unsubscribes the rest; with
 *   `returnExceptions: true` failures are emitted as values, in completion order.
 * - Timeout: results that finished in time are delivered; at the deadline the rest are
 *   unsubscribed, and then rxjs's `TimeoutError` is raised.
 * - Unsubscribe: every running input is unsubscribed.
 *
 * ```ts
 * asCompleted([timer(300).pipe(map(() => 'slow')), of('fast')]).subscribe(console.log);
 * // Logs: fast, slow
 * ```
 *
 * @param inputs Any iterable or async iterable of task inputs, or a `Map` of them.
 * @param options `concurrency` (default `Infinity`), `timeout` (ms), `returnExceptions`
 *   (default `false`), `onProgress`.
 * @returns A cold Observable of results in completion order.
 * @see gather, asCompletedAll
 */
export function asCompleted<I extends TaskInput<unknown>>(
  inputs: ReadonlyMap<unknown, I> | Iterable<I> | AsyncIterable<I>,
  options?: AsCompletedOptions & { returnExceptions?: false },
): Observable<ResultOf<I>>;
export function asCompleted<I extends TaskInput<unknown>>(
  inputs: ReadonlyMap<unknown, I> | Iterable<I> | AsyncIterable<I>,
  options: AsCompletedOptions,
): Observable<Settled<ResultOf<I>>>;
export function asCompleted(inputs: Iterable<TaskInput<unknown>> | AsyncIterable<TaskInput<unknown>>, options?: AsCompletedOptions): Observable<unknown> {
  const list = readInputs('asCompleted', inputs, false);
  const parsed = readFanoutOptions('asCompleted', options);
  return new Observable<unknown>((subscriber) => fanoutOver('asCompleted', subscriber, parsed, list, EMIT_EACH));
}
