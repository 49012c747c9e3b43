import { Queue, configureQueue } from './queue';
import { LifoStore } from './internal/stores';
import { checkConcurrency } from './internal/validate';

/**
 * A {@link Queue} that serves the newest item first (asyncio.LifoQueue): a stack.
 *
 * Everything else is as for `Queue`: cold `put`/`get`/`items`, waiters served first
 * come, first served, `taskDone`/`join`, `shutdown`.
 *
 * ```text
 * puts of 1, 2, 3 at frame 0, then gets
 *
 * get(), get(), get():   (3|) (2|) (1|)
 * ```
 *
 * @example
 * ```ts
 * import { LifoQueue } from 'rxjs-asyncio';
 *
 * const stack = new LifoQueue<string>();
 * stack.putNowait('first');
 * stack.putNowait('second');
 * console.log(stack.getNowait(), stack.getNowait());
 * // Logs: second first
 * ```
 *
 * @see {@link Queue}, {@link PriorityQueue}.
 */
export class LifoQueue<T> extends Queue<T> {
  /** @param maxsize The most items the queue holds, an integer >= 1 or `Infinity` (the default). */
  constructor(maxsize: number = Infinity) {
    super(checkConcurrency('LifoQueue', 'maxsize', maxsize));
    configureQueue(this, 'LifoQueue', new LifoStore());
  }
}
