import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { fanoutOverSource, readFanoutOptions } from '../internal/fanout';
import type { PoolOptions, ResultOf, Settled, TaskInput } from '../types';

/**
 * Runs every input the source emits, and when the source has completed and all are
 * done, emits their results in arrival order (gather as an operator).
 *
 * Inputs start as they arrive, within `concurrency`; the rest wait in a queue.
 *
 * ```
 * source:        -a--b-----|
 * a:              ------x|
 * b:                 -y|
 * gatherAll():   ----------([x,y]|)
 * ```
 *
 * - Complete: once the source has completed and every input is done. A source that
 *   completes empty emits `[]`. An input that completes without a value fails with
 *   `EmptyError`.
 * - Error: a source error, or the first failing input (unless `returnExceptions`),
 *   fails the stream; running inputs and the source are unsubscribed.
 * - Timeout: `options.timeout` ms after subscription, the source and running inputs
 *   are unsubscribed, then `TimeoutError`.
 * - Unsubscribe: the source and every running input are unsubscribed.
 *
 * ```ts
 * from(urls).pipe(map((url) => () => fetch(url)), gatherAll({ concurrency: 4 }));
 * ```
 *
 * @param options `concurrency`, `timeout` (ms), `returnExceptions`, `onProgress`.
 * @see gather
 */
export function gatherAll<I extends TaskInput<unknown>>(options?: PoolOptions & { returnExceptions?: false }): OperatorFunction<I, ResultOf<I>[]>;
export function gatherAll<I extends TaskInput<unknown>>(options: PoolOptions): OperatorFunction<I, Settled<ResultOf<I>>[]>;
export function gatherAll<I extends TaskInput<unknown>>(options?: PoolOptions): OperatorFunction<I, unknown[]> {
  const parsed = readFanoutOptions('gatherAll', options);
  return (source) =>
    new Observable<unknown[]>((subscriber) => fanoutOverSource('gatherAll', source, subscriber, parsed, { results: [], finish: (results) => results }));
}
