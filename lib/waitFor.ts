import { Observable } from 'rxjs';
import { checkTaskInput, toObservable } from './internal/input';
import { scheduleDeadline, timeoutError } from './internal/pool';
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
 * - Timeout: `TimeoutError`; the input is unsubscribed, and a `Task` input is
 *   cancelled (as asyncio.wait_for cancels the awaited task).
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
  checkTaskInput('waitFor', 'input', input);
  checkDuration('waitFor', 'timeoutMs', timeoutMs);
  const source = toObservable(input as TaskInput<ResultOf<I>>, 'waitFor', 'input');
  return new Observable<ResultOf<I>>((subscriber) => {
    const deadline = scheduleDeadline(timeoutMs, () => {
      subscriber.error(timeoutError(`waitFor: input did not complete within ${timeoutMs} ms`));
      if (input instanceof Task) input.cancel();
    });
    subscriber.add(deadline);
    source.subscribe(subscriber);
  });
}
