import type { Observable } from 'rxjs';
import type { Limiter, TaskInput } from './types';
import { inputObservable } from './internal/inputObservable';
import { Permits } from './internal/permits';
import { checkPositiveInteger } from './internal/validate';

/**
 * Limits how many inputs run at once, across every stream that shares it
 * (asyncio.Semaphore, used as `async with semaphore:`).
 *
 * A semaphore holds `permits` permits. `semaphore.run(input)` is a cold Observable:
 * each subscription waits for a permit, subscribes to the input while holding it, mirrors
 * every value, and gives the permit back when the input ends. Waiters are served first
 * come, first served, and nobody jumps the queue: a newcomer queues behind the waiters
 * even at a moment when a permit happens to be free, and a stream that gives its permit
 * back and asks again goes to the back.
 *
 * ```text
 * new Semaphore(1)
 *
 * a:             -a|
 * b:               --b|
 * run(a):        -a|             a subscribed at 0 (a permit was free)
 * run(b):        ----b|          b subscribed at 2, when a gave its permit back
 * a subscribed:  ^-!
 * b subscribed:  --^--!
 * ```
 *
 * - **Complete**: the input's own teardown runs first, then the permit goes back (to the
 *   next waiter, if any), then the completion reaches the subscriber, who therefore
 *   already sees the permit counted in `available`.
 * - **Error**: the input's teardown runs first, then the error reaches the subscriber,
 *   then the permit goes back: a consumer that gives up on a failure (as `gather` does)
 *   leaves the queue before the permit could start one of its inputs only to cancel it.
 * - **Unsubscribe**: while queued, the subscription leaves the queue at once; while
 *   holding the permit, the input is unsubscribed, its teardown runs, then the permit
 *   goes back. Whichever way a subscription ends, its permit goes back exactly once, and
 *   never while the input's teardown (closing a socket, say) has yet to run.
 * - **A Promise** (or a function that returned one) holds its permit until it settles,
 *   even if its subscriber left earlier: it cannot be cancelled, so its work still
 *   counts against the limit (as p-limit counts it).
 *
 * Permits are handed on synchronously but through a trampoline, so a long queue of
 * synchronous inputs runs in a loop, not in nested calls: 100,000 of them behind
 * `new Semaphore(1)` do not grow the stack. Queueing, leaving and handing on are O(1).
 * A queued input starts in the async context (`AsyncLocalStorage`) of the subscription
 * that asked for it, not in that of the job that gave the permit back.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'rxjs-asyncio';
 * import { merge, timer, map } from 'rxjs';
 *
 * const semaphore = new Semaphore(2);
 * const job = (name: string) => semaphore.run(timer(100).pipe(map(() => name)));
 *
 * // Four timers, at most two at once (and the same would hold across several streams).
 * merge(job('a'), job('b'), job('c'), job('d')).subscribe((name) => console.log(name));
 * // Logs (a and b at 100 ms, c and d at 200 ms):
 * // a
 * // b
 * // c
 * // d
 * ```
 *
 * @see {@link withPermit} for the operator form.
 * @see {@link RateLimiter} to limit starts per time window rather than runs at once.
 */
export class Semaphore implements Limiter {
  /** The number of permits the semaphore was created with. */
  readonly permits: number;

  private readonly room: Permits;

  /**
   * @param permits How many inputs may run at once: an integer >= 1. A non-number is a
   * `TypeError`, any other bad value a `RangeError`.
   */
  constructor(permits: number) {
    this.permits = checkPositiveInteger('Semaphore', 'permits', permits);
    this.room = new Permits(this.permits);
  }

  /** Permits free right now (`permits` minus those held). */
  get available(): number {
    return this.room.available;
  }

  /** Subscriptions queued for a permit right now (those that left the queue are not counted). */
  get waiting(): number {
    return this.room.gate.waiting;
  }

  /**
   * Runs an input under a permit: a cold Observable that, on each subscription, waits
   * for a permit, then subscribes to the input and mirrors it.
   *
   * ```text
   * new Semaphore(1), another subscription holding the permit until frame 3
   *
   * input:            -x-y|
   * run(input):       ----x-y|       waited 3 frames for the permit
   * input subscribed: ---^---!       the subscription frame is when it got the permit;
   *                                  the unsubscription frame is when it gave it back
   * ```
   *
   * A function input is called only once the permit is granted, so a Promise-returning
   * function starts no work while it waits. Completion, error and unsubscription are as
   * described on the class: teardown first, then the permit goes back and the
   * subscriber hears of it (an error before the permit goes back).
   *
   * @example
   * ```ts
   * const semaphore = new Semaphore(1);
   * semaphore.run(() => fetch('https://example.org')).subscribe((response) => console.log(response.status));
   * console.log(semaphore.available);
   * // Logs:
   * // 0
   * // 200
   * ```
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it only while holding a permit.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    return inputObservable(input, 'Semaphore.run', 'input', this.room);
  }
}
