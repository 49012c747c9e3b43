import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { EMIT_EACH, fanoutOverSource, readFanoutOptions } from '../internal/fanout';
import type { PoolOptions, ResultOf, Settled, TaskInput } from '../types';

/**
 * Runs every input the source emits and emits each result as its input completes
 * (as_completed as an operator).
 *
 * Inputs start as they arrive, within `concurrency`; the rest wait in a queue. Unlike
 * `mergeMap`, each input contributes one value, its last, and an input that completes
 * empty is an `EmptyError`, not a silent gap.
 *
 * ```
 * source:             -a--b-----|
 * a:                   ------x|
 * b:                      -y|
 * asCompletedAll():   -----y-x--|
 * ```
 *
 * - Complete: once the source has completed and every input is done.
 * - Error: a source error, or the first failing input (unless `returnExceptions`, which
 *   emits failures as values), fails the stream; the rest are unsubscribed.
 * - Timeout: `options.timeout` ms after subscription, after the results already
 *   delivered: the rest are unsubscribed, then `TimeoutError`.
 * - Unsubscribe: the source and every running input are unsubscribed.
 *
 * ```ts
 * from(mirrors).pipe(map((url) => http.get(url)), asCompletedAll({ concurrency: 3 }));
 * ```
 *
 * @param options `concurrency`, `timeout` (ms), `returnExceptions`, `onProgress`.
 * @see asCompleted
 */
export function asCompletedAll<I extends TaskInput<unknown>>(options?: PoolOptions & { returnExceptions?: false }): OperatorFunction<I, ResultOf<I>>;
export function asCompletedAll<I extends TaskInput<unknown>>(options: PoolOptions): OperatorFunction<I, Settled<ResultOf<I>>>;
export function asCompletedAll<I extends TaskInput<unknown>>(options?: PoolOptions): OperatorFunction<I, unknown> {
  const parsed = readFanoutOptions('asCompletedAll', options);
  return (source) => new Observable<unknown>((subscriber) => fanoutOverSource('asCompletedAll', source, subscriber, parsed, EMIT_EACH));
}
