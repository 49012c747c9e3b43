/**
 * What the engine relies on from rxjs 7 beyond its documented surface, in one place,
 * each point pinned by spec/internal/rxjs.spec.ts so that an rxjs upgrade that changes
 * one fails there first:
 *
 * 1. A subclass of `Subscriber` made without a destination is subscribed as it is:
 *    `Observable.subscribe` wraps anything else in a SafeSubscriber, and that wrapping,
 *    with its observer object and closures, would be most of the cost of starting an
 *    input. Its `_next`, `_error` and `_complete` receive the notifications, and the
 *    teardown of the source is added to it.
 * 2. A source that ends synchronously inside `subscribe()` has its teardown run by the
 *    time `subscribe()` returns (rxjs adds the returned teardown to the closed
 *    subscriber, which runs it at once).
 * 3. `Subscriber.error()` and `complete()` notify, then unsubscribe: a downstream
 *    observer hears of the end before the finalizers added to that subscriber run.
 *    Where the library must stop work first (every timeout), it unsubscribes that work
 *    itself before notifying.
 * 4. `asyncScheduler.now()` reads `Date.now()`, except inside `TestScheduler.run()`,
 *    which makes it read the virtual frame.
 * 5. An Observable made without a subscribe function subscribes through
 *    `this._subscribe(subscriber)`, a method of its prototype (Subject overrides it
 *    too), called with the Observable as `this`. So a subclass made in great numbers (a
 *    Task per input of a task group) can define it once on its own prototype, and an
 *    instance carries neither a closure nor a field for it.
 */
import { Subscriber, asyncScheduler } from 'rxjs';
import type { Observable, TeardownLogic } from 'rxjs';

/**
 * A Subscriber of the engine's own (point 1): created without a destination, so that
 * rxjs subscribes it as it is. Subclasses override `_next`, `_error` and `_complete`.
 */
export abstract class EngineSubscriber<T> extends Subscriber<T> {
  constructor() {
    // rxjs 7 marks this constructor as an implementation detail; see point 1.
    super();
  }
}

/**
 * The current time in ms for timing that must not follow the wall clock: monotonic
 * (`performance.now()`) in real time, so a clock step neither stalls nor speeds a rate
 * limit; the virtual frame inside `TestScheduler.run()` (point 4), where every timer of
 * the library runs in virtual time too.
 */
export function monotonicNow(): number {
  const scheduled = asyncScheduler.now();
  return isVirtualTime(scheduled) ? scheduled : performance.now();
}

/**
 * Whether a reading of `asyncScheduler.now()` is a virtual frame (point 4): frames count
 * from 0 inside `TestScheduler.run()`, where real time reads `Date.now()`, some 1.7e12
 * ms. Told by the reading alone: comparing it with a second read of `Date.now()` costs
 * a clock read per request, and took a process preempted between the two reads for
 * virtual time (a RateLimiter start recorded at an epoch time stalled the limiter).
 */
export function isVirtualTime(reading: number): boolean {
  return reading < VIRTUAL_BELOW;
}

/** A clock reading below this (a date in 1973) is a virtual frame. */
const VIRTUAL_BELOW = 1e11;

/**
 * Makes `subscribe` what every instance of `type` runs on each subscription (point 5):
 * `type`'s constructor calls `super()` with no subscribe function, and `subscribe`
 * reads its Observable from `this`. The method is not enumerable and not in the type.
 */
export function subscribeOnPrototype<O extends Observable<T>, T>(
  type: abstract new (...args: never[]) => O,
  subscribe: (this: O, subscriber: Subscriber<T>) => TeardownLogic,
): void {
  Object.defineProperty(type.prototype, '_subscribe', { value: subscribe, writable: true, configurable: true });
}
