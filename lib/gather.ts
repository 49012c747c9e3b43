import { Observable } from 'rxjs';
import { feedOf, readInputs } from './internal/feeds';
import { parsePoolOptions, runGather } from './internal/runners';
import type { PoolOptions, ResultOf, Settled, TaskInput } from './types';

/** Options of {@link gather}. */
export interface GatherOptions extends PoolOptions {}

/** gather's result for a tuple, an array or a record, position by position or key by key. */
export type GatherResult<I> = { -readonly [K in keyof I]: ResultOf<I[K]> };
/** The same with `returnExceptions: true`: each slot may hold the thrown value instead. */
export type GatherSettledResult<I> = { -readonly [K in keyof I]: Settled<ResultOf<I[K]>> };

type Inputs = readonly TaskInput<unknown>[] | readonly [];
type InputRecord = Readonly<Record<string, TaskInput<unknown>>>;

/**
 * Runs every input concurrently and emits all their results at once, in submission
 * order (asyncio.gather).
 *
 * Each input's result is the last value it emits. The result keeps the shape of the
 * inputs: a tuple gives a typed tuple, a record gives a record with the same keys, any
 * other iterable gives an array (and is pulled lazily: with `concurrency: N`, at most N
 * inputs are taken ahead of being finished).
 *
 * ```
 * a:       ----a|
 * b:       --b|
 * c:       ------c|
 * gather([a, b, c]):
 *          ------([a,b,c]|)
 * ```
 *
 * - Complete: emits once all inputs have completed, then completes. Empty input emits
 *   `[]` (or `{}`) at once. An input that completes without a value fails with rxjs's
 *   `EmptyError` (forkJoin would complete silently instead).
 * - Error: the first failure is raised at once and every input still running is
 *   unsubscribed (asyncio leaves siblings running; we cancel them). With
 *   `returnExceptions: true`, a failure takes its result's place and the rest go on.
 * - Timeout: `options.timeout` ms after subscription, rxjs's `TimeoutError`, and the
 *   running inputs are unsubscribed.
 * - Unsubscribe: every running input is unsubscribed. (A `Task` input is only left,
 *   not cancelled: other subscribers may share it.)
 *
 * ```ts
 * gather([of(1), Promise.resolve('two'), () => fetchThree()]).subscribe(console.log);
 * // Logs: [1, 'two', 3]
 * ```
 *
 * @param inputs Observables, Promises, functions returning them, ... in an array,
 *   any iterable, or a record.
 * @param options `concurrency` (default `Infinity`), `timeout` (ms), `returnExceptions`
 *   (default `false`), `onProgress`.
 * @returns A cold Observable of one array (or record) of results.
 * @see asCompleted, wait, gatherAll
 */
export function gather<const I extends Inputs>(inputs: I, options?: GatherOptions & { returnExceptions?: false }): Observable<GatherResult<I>>;
export function gather<const I extends Inputs>(inputs: I, options: GatherOptions): Observable<GatherSettledResult<I>>;
export function gather<T>(inputs: Iterable<TaskInput<T>>, options?: GatherOptions & { returnExceptions?: false }): Observable<T[]>;
export function gather<T>(inputs: Iterable<TaskInput<T>>, options: GatherOptions): Observable<Settled<T>[]>;
export function gather<const R extends InputRecord>(inputs: R, options?: GatherOptions & { returnExceptions?: false }): Observable<GatherResult<R>>;
export function gather<const R extends InputRecord>(inputs: R, options: GatherOptions): Observable<GatherSettledResult<R>>;
export function gather(inputs: Iterable<TaskInput<unknown>> | InputRecord, options?: GatherOptions): Observable<unknown>;
export function gather(inputs: Iterable<TaskInput<unknown>> | InputRecord, options?: GatherOptions): Observable<unknown> {
  const list = readInputs('gather', inputs, true);
  const parsed = parsePoolOptions('gather', options);
  const finish =
    list.kind === 'record' ? (results: unknown[]) => Object.fromEntries(list.keys.map((key, i) => [key, results[i]])) : (results: unknown[]) => results;
  return new Observable<unknown>((subscriber) => {
    runGather('gather', subscriber, parsed, feedOf('gather', list), finish).pump();
  });
}
