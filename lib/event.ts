import type { Observable } from 'rxjs';
import { Flag } from './internal/flag';

/**
 * A flag that any number of streams can wait for (asyncio.Event): `set()` wakes every
 * waiter, `clear()` makes later waiters wait again.
 *
 * `event.wait()` is a cold Observable: each subscription emits `true` and completes as
 * soon as the event is set (synchronously, if it is set already). Waiters are woken in
 * the order they subscribed, each in the async context it subscribed in. `set()` wakes
 * every subscription waiting at that moment, even if one of them clears the event again
 * while they are woken.
 *
 * ```text
 * event.set() at frame 3, event.clear() at frame 5
 *
 * wait() at 0:    ---(t|)
 * wait() at 4:        (t|)        already set: at once
 * wait() at 6:          ------    cleared: waits for the next set()
 * ```
 *
 * - **Complete**: right after the one `true`.
 * - **Error**: never.
 * - **Unsubscribe**: a waiter leaves the queue at once; nothing else changes.
 *
 * @example
 * ```ts
 * import { Event } from 'rxjs-asyncio';
 *
 * const ready = new Event();
 * ready.wait().subscribe(() => console.log('first waiter'));
 * ready.wait().subscribe(() => console.log('second waiter'));
 * console.log('setting');
 * ready.set();
 * // Logs:
 * // setting
 * // first waiter
 * // second waiter
 * ```
 *
 * @see {@link Condition} to wait for a predicate over shared state.
 */
export class Event {
  readonly #flag = new Flag();

  /** Sets the event: every waiter is woken, and later `wait()`s emit at once until `clear()`. */
  set(): void {
    this.#flag.raise();
  }

  /** Clears the event: later `wait()`s wait for the next `set()`. */
  clear(): void {
    this.#flag.lower();
  }

  /** Whether the event is set. */
  isSet(): boolean {
    return this.#flag.raised;
  }

  /** Subscriptions waiting for the event right now. */
  get waiting(): number {
    return this.#flag.gate.waiting;
  }

  /**
   * Waits for the event: a cold Observable that emits `true` and completes once the
   * event is set, at once if it already is.
   *
   * ```text
   * event.set() at frame 2
   *
   * wait():   --(t|)
   * ```
   *
   * @example
   * ```ts
   * const event = new Event();
   * event.set();
   * event.wait().subscribe((value) => console.log(value));
   * // Logs: true
   * ```
   *
   * @returns A cold `Observable<true>`.
   */
  wait(): Observable<true> {
    return this.#flag.wait(true);
  }
}
