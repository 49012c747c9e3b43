import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { feedFromSource } from '../internal/fanout';
import { SourceFeed, sourceValueName } from '../internal/inputs';
import { ALL_COMPLETED, Watch, checkReturnWhen, readWatchOptions } from '../internal/watch';
import type { ReturnWhen, WaitResult } from '../internal/watch';
import type { Progress, ResultOf, TaskInput } from '../types';

/** Options of {@link waitUntil}: as `wait`'s, with `returnWhen` given as the first argument. */
export interface WaitUntilOptions {
  /** Emit whatever is done after this many ms (no error). */
  readonly timeout?: number;
  /** Called after each task settles. */
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * Starts each input the source emits as a Task, and once `returnWhen` holds emits one
 * `{ done, pending }` as `wait` does, completes, and unsubscribes the source (wait as
 * an operator).
 *
 * The condition may hold before the source completes: `FIRST_COMPLETED` emits as soon
 * as any task is done, `FIRST_EXCEPTION` as soon as any fails. `ALL_COMPLETED` needs
 * the source to complete.
 *
 * ```
 * source:                        -a-b-c---
 * a:                              ----x|
 * waitUntil(FIRST_COMPLETED):    -----(r|)    r = { done: [a], pending: [b, c] }
 * source subscriptions:          ^----!
 * ```
 *
 * - Complete: after emitting. A source that completes empty emits `{ done: [], pending: [] }`.
 * - Error: a source error fails the stream and cancels the tasks it started.
 * - Timeout: `options.timeout` ms after subscription, emits whatever is done.
 * - Unsubscribe before emitting: the source is unsubscribed and the tasks this
 *   operator started are cancelled (Tasks received from the source are left alone).
 *
 * ```ts
 * from(mirrors).pipe(map((url) => http.get(url)), waitUntil(FIRST_COMPLETED))
 *   .subscribe(({ done, pending }) => pending.forEach((t) => t.cancel()));
 * ```
 *
 * @param returnWhen `ALL_COMPLETED` (default), `FIRST_COMPLETED` or `FIRST_EXCEPTION`.
 * @param options `timeout` (ms), `onProgress`.
 * @see wait
 */
export function waitUntil<I extends TaskInput<unknown>>(
  returnWhen: ReturnWhen = ALL_COMPLETED,
  options?: WaitUntilOptions,
): OperatorFunction<I, WaitResult<ResultOf<I>>> {
  const when = checkReturnWhen('waitUntil', 'returnWhen', returnWhen);
  const parsed = { ...readWatchOptions('waitUntil', options, ['timeout', 'onProgress']), returnWhen: when };
  return (source) =>
    new Observable<WaitResult<ResultOf<I>>>((subscriber) => {
      const feed = new SourceFeed('waitUntil');
      feedFromSource(source, subscriber, feed, new Watch<ResultOf<I>>('waitUntil', subscriber, parsed, undefined, true, sourceValueName, () => feed));
    });
}
