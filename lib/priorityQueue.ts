import { Queue, configureQueue } from './queue';
import { HeapStore } from './internal/stores';
import { checkConcurrency, checkFunction } from './internal/validate';

/**
 * A {@link Queue} that serves the least item first (asyncio.PriorityQueue), by
 * `compare` as for `Array.prototype.sort`: `compare(a, b) < 0` means `a` comes out
 * before `b`. Equal items come out in the order they were put.
 *
 * Everything else is as for `Queue`: cold `put`/`get`/`items`, waiters served first
 * come, first served, `taskDone`/`join`, `shutdown`. A `compare` that throws fails the
 * put or get that called it, and leaves the queue as it was.
 *
 * ```text
 * puts of 3, 1, 2 at frame 0, then gets
 *
 * get(), get(), get():   (1|) (2|) (3|)
 * ```
 *
 * @example
 * ```ts
 * import { PriorityQueue } from 'rxjs-asyncio';
 *
 * const jobs = new PriorityQueue<{ priority: number; name: string }>((a, b) => a.priority - b.priority);
 * jobs.putNowait({ priority: 2, name: 'later' });
 * jobs.putNowait({ priority: 1, name: 'urgent' });
 * console.log(jobs.getNowait().name, jobs.getNowait().name);
 * // Logs: urgent later
 * ```
 *
 * @see {@link Queue}, {@link LifoQueue}.
 */
export class PriorityQueue<T> extends Queue<T> {
  /**
   * @param compare Orders the items: negative if `a` comes out first.
   * @param maxsize The most items the queue holds, an integer >= 1 or `Infinity` (the default).
   */
  constructor(compare: (a: T, b: T) => number, maxsize: number = Infinity) {
    checkFunction('PriorityQueue', 'compare', compare);
    super(checkConcurrency('PriorityQueue', 'maxsize', maxsize));
    configureQueue(this, 'PriorityQueue', new HeapStore(compare));
  }
}
