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
 * 5. The function given to `new Observable(subscribe)` is called with the Observable
 *    as `this` (rxjs keeps it as `_subscribe` and calls it as a method), so a subclass
 *    made in great numbers (a Task per input of a task group) can share one function
 *    instead of making a closure per instance.
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
 * A subscribe function for `new Observable(...)` that reads its Observable from `this`
 * (point 5): one function for every instance of a class, where a closure per instance
 * would cost an allocation each.
 */
export function subscribeWithThis<O extends Observable<T>, T>(
  subscribe: (this: O, subscriber: Subscriber<T>) => TeardownLogic,
): (subscriber: Subscriber<T>) => TeardownLogic {
  return subscribe as (subscriber: Subscriber<T>) => TeardownLogic;
}
