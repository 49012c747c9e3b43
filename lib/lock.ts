import type { Observable } from 'rxjs';
import type { Limiter, TaskInput } from './types';
import { inputObservable } from './internal/inputObservable';
import { Permits } from './internal/permits';

/** The permit of `lock`: what a `Condition` on that lock takes. */
export let lockPermit: (lock: Lock) => Permits;

/**
 * Lets one input run at a time, across every stream that shares it (asyncio.Lock, used
 * as `async with lock:`): a {@link Semaphore} of one permit.
 *
 * `lock.run(input)` is a cold Observable: each subscription waits until the lock is
 * free, subscribes to the input while holding it, mirrors every value, and frees the
 * lock when the input ends. Waiters are served first come, first served, with no
 * barging: a newcomer queues behind the waiters even at a moment the lock is free.
 *
 * ```text
 * a:             --a|
 * b:                --b|
 * run(a):        --a|           a holds the lock from 0 to 3
 * run(b):        -----b|        b waited from 0, got the lock at 3
 * a subscribed:  ^--!
 * b subscribed:  ---^--!
 * ```
 *
 * - **Complete**: the input's teardown runs, the lock goes to the next waiter, then the
 *   completion reaches the subscriber.
 * - **Error**: the input's teardown runs, the error reaches the subscriber, then the
 *   lock goes to the next waiter.
 * - **Unsubscribe**: while waiting, the subscription leaves the queue at once; while
 *   holding the lock, the input is unsubscribed and its teardown runs before the lock
 *   goes on. A Promise (or a function that returned one) holds the lock until it
 *   settles, even if its subscriber left: it cannot be stopped.
 *
 * A queued input starts in the async context of the subscription that asked for it.
 *
 * @example
 * ```ts
 * import { Lock } from 'rxjs-asyncio';
 * import { merge, timer, map } from 'rxjs';
 *
 * const lock = new Lock();
 * const write = (line: string) => lock.run(timer(10).pipe(map(() => line)));
 * merge(write('first'), write('second')).subscribe({
 *   next: (line) => console.log(line, lock.locked()),
 *   complete: () => console.log('done', lock.locked()),
 * });
 * // Logs (at 10 ms, then at 20 ms):
 * // first true
 * // second true
 * // done false
 * ```
 *
 * @see {@link Semaphore} for more than one permit.
 * @see {@link Condition} to wait under a lock until a predicate holds.
 */
export class Lock implements Limiter {
  readonly #permit = new Permits(1);

  static {
    lockPermit = (lock) => lock.#permit;
  }

  /** Whether an input holds the lock right now. */
  locked(): boolean {
    return this.#permit.available === 0;
  }

  /** Subscriptions queued for the lock right now (those that left the queue are not counted). */
  get waiting(): number {
    return this.#permit.gate.waiting;
  }

  /**
   * Runs an input holding the lock: a cold Observable that, on each subscription, waits
   * for the lock, then subscribes to the input and mirrors it.
   *
   * ```text
   * another input holding the lock until frame 3
   *
   * input:            -x|
   * run(input):       ----x|        waited 3 frames for the lock
   * input subscribed: ---^-!
   * ```
   *
   * A function input is called only once the lock is held. Completion, error and
   * unsubscription are as described on the class.
   *
   * @example
   * ```ts
   * const lock = new Lock();
   * lock.run(of('mine')).subscribe((value) => console.log(value, lock.locked()));
   * // Logs: mine true
   * ```
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it only while holding the lock.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    return inputObservable(input, 'Lock.run', 'input', this.#permit);
  }
}
