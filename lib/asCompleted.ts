import { Observable } from 'rxjs';
import { feedOf, readInputs } from './internal/feeds';
import { parsePoolOptions, runAsCompleted } from './internal/runners';
import type { PoolOptions, ResultOf, Settled, TaskInput } from './types';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions extends PoolOptions {}

/**
 * Emits each input's result as soon as that input completes (asyncio.as_completed).
 *
 * Results come in completion order, not submission order; the stream completes after
 * the last one. Inputs are any iterable, pulled lazily: with `concurrency: N`, at most
 * N inputs are taken ahead of being finished, so a generator of a million inputs runs
 * in memory bounded by N.
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
 * - Timeout: results that finished in time are delivered, then rxjs's `TimeoutError`,
 *   and the rest are unsubscribed.
 * - Unsubscribe: every running input is unsubscribed.
 *
 * ```ts
 * asCompleted([timer(300).pipe(map(() => 'slow')), of('fast')]).subscribe(console.log);
 * // Logs: fast, slow
 * ```
 *
 * @param inputs Any iterable of task inputs.
 * @param options `concurrency` (default `Infinity`), `timeout` (ms), `returnExceptions`
 *   (default `false`), `onProgress`.
 * @returns A cold Observable of results in completion order.
 * @see gather, asCompletedAll
 */
export function asCompleted<I extends TaskInput<unknown>>(
  inputs: Iterable<I>,
  options?: AsCompletedOptions & { returnExceptions?: false },
): Observable<ResultOf<I>>;
export function asCompleted<I extends TaskInput<unknown>>(inputs: Iterable<I>, options: AsCompletedOptions): Observable<Settled<ResultOf<I>>>;
export function asCompleted(inputs: Iterable<TaskInput<unknown>>, options?: AsCompletedOptions): Observable<unknown> {
  const list = readInputs('asCompleted', inputs, false);
  const parsed = parsePoolOptions('asCompleted', options);
  return new Observable<unknown>((subscriber) => {
    runAsCompleted('asCompleted', subscriber, parsed, feedOf('asCompleted', list)).pump();
  });
}
