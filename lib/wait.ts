import { Observable } from 'rxjs';
import { countOf, feedOf, nameIn, readInputs } from './internal/inputs';
import { Watch, readWatchOptions } from './internal/watch';
import type { WaitOptions, WaitResult } from './internal/watch';
import type { ResultOf, TaskInput } from './types';

export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './internal/watch';
export type { ReturnWhen, WaitOptions, WaitResult } from './internal/watch';

/**
 * Starts every input as a Task and emits `{ done, pending }` once a condition holds
 * (asyncio.wait).
 *
 * `returnWhen` is `ALL_COMPLETED` (default), `FIRST_COMPLETED` or `FIRST_EXCEPTION`.
 * Every input is in exactly one list: a task that has ended when `wait` emits is in
 * `done`, even if it ended in the same instant as the one that met the condition.
 * `done` lists tasks in completion order (tasks that had ended before `wait` was
 * subscribed first, in the order they ended), `pending` in submission order. It never fails
 * because a task failed: failed tasks are in `done`, read them with `exception()`.
 * Pending tasks keep running: `cancel()` them, or wait on them again.
 *
 * ```
 * a:       ----a|
 * b:       --b|
 * c:       --------c|
 * wait([a, b, c], { returnWhen: FIRST_COMPLETED }):
 *          --(r|)        r = { done: [b], pending: [a, c] }; a and c run on
 * ```
 *
 * - Complete: emits once, then completes. Empty input emits `{ done: [], pending: [] }`
 *   (asyncio raises here; we don't). `FIRST_EXCEPTION` with no failure behaves like
 *   `ALL_COMPLETED`; a task cancelled while waited on counts as done, not as failed.
 * - Error: never because a task failed (a failed task is in `done`: read its
 *   `exception()`); only bad arguments throw, at call time.
 * - Timeout: `options.timeout` ms after subscription, emits whatever is done by then;
 *   it does not raise.
 * - Unsubscribe before it emits: the tasks `wait` started itself are cancelled; Tasks
 *   passed in are left alone.
 *
 * ```ts
 * wait([slow$, fast$], { returnWhen: FIRST_COMPLETED }).subscribe(({ done, pending }) => {
 *   console.log(done.map((t) => t.result()), pending.length);
 *   pending.forEach((t) => t.cancel());
 * });
 * // Logs: ['fast'] 1
 * ```
 *
 * @param inputs Tasks, or inputs to start as tasks, in any iterable or async iterable
 *   (taken whole before `wait` can emit), or a `Map` of them.
 * @param options `returnWhen`, `timeout` (ms), `onProgress`.
 * @returns A cold Observable of one `{ done, pending }`.
 * @see createTask, waitUntil
 */
export function wait<I extends TaskInput<unknown>>(
  inputs: ReadonlyMap<unknown, I> | Iterable<I> | AsyncIterable<I>,
  options?: WaitOptions,
): Observable<WaitResult<ResultOf<I>>> {
  const list = readInputs('wait', inputs, false);
  const parsed = readWatchOptions('wait', options, ['returnWhen', 'timeout', 'onProgress']);
  return new Observable<WaitResult<ResultOf<I>>>((subscriber) => {
    const name = (index: number): string => nameIn(list, index);
    new Watch<ResultOf<I>>('wait', subscriber, parsed, countOf(list), false, name, (owner) => feedOf('wait', list, owner)).pump();
  });
}
