import { Observable } from 'rxjs';
import { fanoutOver, readFanoutOptions } from './internal/fanout';
import { countOf, readInputs } from './internal/inputs';
import type { InputList } from './internal/inputs';
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
 * inputs: a tuple gives a typed tuple, a record gives a record with the same keys, a
 * `Map` a `Map` with the same keys, any other iterable or async iterable gives an array
 * (and is pulled lazily: with `concurrency: N`, at most N inputs are taken ahead of
 * being finished).
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
 *   `[]` (or `{}`, or an empty `Map`) at once. An input that completes without a value fails with rxjs's
 *   `EmptyError` (forkJoin would complete silently instead).
 * - Error: the first failure is raised at once, once every input still running has
 *   been unsubscribed (asyncio leaves siblings running; we cancel them). With
 *   `returnExceptions: true`, a failure takes its result's place and the rest go on.
 * - Timeout: `options.timeout` ms after subscription, the running inputs are
 *   unsubscribed, and then rxjs's `TimeoutError` is raised.
 * - Unsubscribe: every running input is unsubscribed. (A `Task` input is only left,
 *   not cancelled: other subscribers may share it.)
 *
 * ```ts
 * gather([of(1), Promise.resolve('two'), () => fetchThree()]).subscribe(console.log);
 * // Logs: [1, 'two', 3]
 * ```
 *
 * @param inputs Observables, Promises, functions returning them, ... in an array,
 *   any iterable or async iterable, a record or a `Map`.
 * @param options `concurrency` (default `Infinity`), `timeout` (ms), `returnExceptions`
 *   (default `false`), `onProgress`.
 * @returns A cold Observable of one array (or record, or `Map`) of results.
 * @see asCompleted, wait, gatherAll
 */
export function gather<const I extends Inputs>(inputs: I, options?: GatherOptions & { returnExceptions?: false }): Observable<GatherResult<I>>;
export function gather<const I extends Inputs>(inputs: I, options: GatherOptions): Observable<GatherSettledResult<I>>;
export function gather<K, V extends TaskInput<unknown>>(
  inputs: ReadonlyMap<K, V>,
  options?: GatherOptions & { returnExceptions?: false },
): Observable<Map<K, ResultOf<V>>>;
export function gather<K, V extends TaskInput<unknown>>(inputs: ReadonlyMap<K, V>, options: GatherOptions): Observable<Map<K, Settled<ResultOf<V>>>>;
export function gather<T>(
  inputs: Iterable<TaskInput<T>> | AsyncIterable<TaskInput<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Observable<T[]>;
export function gather<T>(inputs: Iterable<TaskInput<T>> | AsyncIterable<TaskInput<T>>, options: GatherOptions): Observable<Settled<T>[]>;
export function gather<const R extends InputRecord>(inputs: R, options?: GatherOptions & { returnExceptions?: false }): Observable<GatherResult<R>>;
export function gather<const R extends InputRecord>(inputs: R, options: GatherOptions): Observable<GatherSettledResult<R>>;
export function gather(inputs: GatherInputs, options?: GatherOptions): Observable<unknown>;
export function gather(inputs: GatherInputs, options?: GatherOptions): Observable<unknown> {
  const list = readInputs('gather', inputs, true);
  const parsed = readFanoutOptions('gather', options);
  const finish = shapeOf(list);
  const count = countOf(list);
  return new Observable<unknown>((subscriber) => {
    fanoutOver('gather', subscriber, parsed, list, { results: count === undefined ? [] : new Array<unknown>(count), finish });
  });
}

type GatherInputs = Iterable<TaskInput<unknown>> | AsyncIterable<TaskInput<unknown>> | ReadonlyMap<unknown, TaskInput<unknown>> | InputRecord;

/** How results by index become gather's value: an array, or keyed as the inputs were. */
function shapeOf(list: InputList): (results: unknown[]) => unknown {
  if (list.kind === 'record') return (results) => Object.fromEntries(list.keys.map((key, i) => [key, results[i]]));
  if (list.kind === 'map') return (results) => new Map(list.keys.map((key, i) => [key, results[i]]));
  return (results) => results;
}
