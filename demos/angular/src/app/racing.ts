import { Observable, defer, filter, map, take, throwIfEmpty } from 'rxjs';
import { FIRST_COMPLETED, asCompleted, wait } from 'rxjs-asyncio';
import type { TaskInput } from 'rxjs-asyncio';
import { failed } from './failures';
import type { Race } from './models';

/**
 * The first input to finish wins, whether it succeeded or failed (asyncio.wait with
 * FIRST_COMPLETED); the others are cancelled, which unsubscribes them (for HttpClient
 * and a session: the requests are aborted). Emits the winner and how many were cancelled.
 */
export function firstCompleted<T>(inputs: Iterable<TaskInput<T>>): Observable<Race<T>> {
  return wait(inputs, { returnWhen: FIRST_COMPLETED }).pipe(
    map(({ done, pending }) => {
      for (const task of pending) task.cancel();
      return { winner: done[0].result(), cancelled: pending.length }; // result() throws the winner's error, if it failed
    }),
  );
}

/**
 * The first input to succeed wins (Promise.any): failures are skipped as they come
 * (asCompleted with `returnExceptions`); once one succeeds, `take(1)` unsubscribes
 * asCompleted, which unsubscribes the inputs still running. If every input fails, an
 * `AggregateError` of their errors, in the order they failed.
 */
export function firstSuccessful<T>(inputs: Iterable<TaskInput<T>>, what: string): Observable<T> {
  return defer(() => {
    const errors: Error[] = [];
    return asCompleted(inputs, { returnExceptions: true }).pipe(
      filter((result): result is T => {
        if (!failed(result)) return true;
        errors.push(result);
        return false;
      }),
      take(1),
      throwIfEmpty(() => new AggregateError(errors, `${what}: every input failed`)),
    );
  });
}
