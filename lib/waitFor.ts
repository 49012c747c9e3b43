import type { Observable } from 'rxjs';
import { withDeadline } from './internal/deadline';
import { inputObservable } from './internal/inputObservable';
import { checkDuration } from './internal/validate';
import { Task } from './task';
import type { ResultOf, TaskInput } from './types';

/**
 * Mirrors an input, but fails with rxjs's `TimeoutError` if it has not **completed**
 * within `timeoutMs` of subscription (asyncio.wait_for).
 *
 * ```
 * input:            ----a----b----|
 * waitFor(input, 6): ----a-#         the input is unsubscribed at the deadline
 * ```
 *
 * - Complete: as the input, the deadline cleared.
 * - Error: as the input.
 * - Timeout: the input is unsubscribed (its teardown runs), a `Task` input is
 *   cancelled (as asyncio.wait_for cancels the awaited task), and then the subscriber
 *   receives `TimeoutError`: by then the Task is already `cancelled()`.
 * - Unsubscribe: the input is unsubscribed (a `Task` is only left, not cancelled).
 *
 * ```ts
 * waitFor(http.get('/delay/5'), 1000).subscribe({ error: (e) => console.log(e.name) });
 * // Logs: TimeoutError
 * ```
 *
 * @param input An Observable, Promise, Task, ... or a function returning one.
 * @param timeoutMs The deadline in ms; `Infinity` for none.
 * @see deadline
 */
export function waitFor<I extends TaskInput<unknown>>(input: I, timeoutMs: number): Observable<ResultOf<I>> {
  const source = inputObservable(input as TaskInput<ResultOf<I>>, 'waitFor');
  checkDuration('waitFor', 'timeoutMs', timeoutMs);
  const cancel = input instanceof Task ? () => void input.cancel() : undefined;
  return withDeadline(source, timeoutMs, () => `waitFor: input did not complete within ${timeoutMs} ms`, cancel);
}
