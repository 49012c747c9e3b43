import { Observable, Subscription, from } from 'rxjs';
import type { Observer, Subscriber } from 'rxjs';
import type { TaskInput } from './types';
import { checkTaskInput, isObservableInput } from './internal/input';
import { checkPositiveInteger, describe } from './internal/validate';

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
 *
 * Permits are handed on synchronously but through a trampoline, so a long queue of
 * synchronous inputs runs in a loop, not in nested calls: 100,000 of them behind
 * `new Semaphore(1)` do not grow the stack. Queueing, leaving and handing on are O(1).
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
export class Semaphore {
  /** The number of permits the semaphore was created with. */
  readonly permits: number;

  private readonly pool: PermitPool;

  /**
   * @param permits How many inputs may run at once: an integer >= 1. A non-number is a
   * `TypeError`, any other bad value a `RangeError`.
   */
  constructor(permits: number) {
    this.permits = checkPositiveInteger('Semaphore', 'permits', permits);
    this.pool = new PermitPool(this.permits);
  }

  /** Permits free right now (`permits` minus those held). */
  get available(): number {
    return this.pool.available;
  }

  /** Subscriptions queued for a permit right now (those that left the queue are not counted). */
  get waiting(): number {
    return this.pool.queue.length;
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
    checkTaskInput<T>('Semaphore.run', 'input', input);
    const pool = this.pool;
    return new Observable<T>((subscriber) => {
      const holder = new PermitHolder<T>(pool, input, subscriber);
      // Chained first, so that a consumer unsubscribing during a synchronous first value
      // reaches the holder (and stops a synchronous input) at once.
      subscriber.add(holder);
      if (!holder.closed) pool.request(holder);
    });
  }
}

/** A node of a {@link WaitQueue}: the waiter itself carries the links. */
export interface QueueNode<W> {
  prevWaiter: W | null;
  nextWaiter: W | null;
}

/**
 * A first-in, first-out queue with O(1) push, shift and removal from anywhere: an
 * intrusive doubly linked list, so queueing allocates nothing and a waiter that leaves
 * is unlinked at once rather than searched for. Shared by {@link Semaphore} and
 * `RateLimiter`; not part of the public API.
 *
 * @internal
 */
export class WaitQueue<W extends QueueNode<W>> {
  /** The longest-waiting node, or `null` when the queue is empty. */
  head: W | null = null;
  /** The newest node. */
  private tail: W | null = null;
  /** Nodes in the queue. */
  length = 0;

  push(node: W): void {
    const tail = this.tail;
    node.prevWaiter = tail;
    node.nextWaiter = null;
    if (tail === null) this.head = node;
    else tail.nextWaiter = node;
    this.tail = node;
    this.length++;
  }

  /** Unlinks a node that is in the queue (the caller knows it is). */
  remove(node: W): void {
    const { prevWaiter, nextWaiter } = node;
    if (prevWaiter === null) this.head = nextWaiter;
    else prevWaiter.nextWaiter = nextWaiter;
    if (nextWaiter === null) this.tail = prevWaiter;
    else nextWaiter.prevWaiter = prevWaiter;
    node.prevWaiter = node.nextWaiter = null;
    this.length--;
  }
}

// Phases of a PermitHolder.
/** Created, neither queued nor holding (or unsubscribed before it asked). */
const IDLE = 0;
/** In the semaphore's queue. */
const QUEUED = 1;
/** Holds a permit: its input is (being) subscribed. */
const HOLDING = 2;
/** Left the queue, or gave its permit back. Final. */
const DONE = 3;

// How the input ended, to be passed on once the permit is back.
const RUNNING = 0;
const COMPLETED = 1;
const FAILED = 2;

/** The permits and the queue of one Semaphore. */
class PermitPool {
  /** Permits not held by anyone. */
  available: number;
  /** Holders waiting for a permit, oldest first. */
  readonly queue = new WaitQueue<PermitHolder<unknown>>();
  /** True while `drain` hands out permits: a release inside it only counts the permit, the loop hands it on. */
  private draining = false;

  constructor(permits: number) {
    this.available = permits;
  }

  /** A newcomer asks: it gets a permit only if one is free and nobody is queued before it. */
  request(holder: PermitHolder<unknown>): void {
    if (this.available > 0 && this.queue.head === null) {
      this.available--;
      holder.start();
    } else {
      holder.phase = QUEUED;
      this.queue.push(holder);
    }
  }

  leave(holder: PermitHolder<unknown>): void {
    this.queue.remove(holder);
  }

  release(): void {
    this.available++;
    if (this.queue.head !== null && !this.draining) this.drain();
  }

  /**
   * Hands free permits to the queue, oldest first. A waiter whose input ends
   * synchronously releases inside `start()`; that release only increments `available`
   * and this loop hands the permit on, so the stack stays flat however long the queue.
   * (`start` throws only what a throwing teardown of the input threw.)
   */
  private drain(): void {
    this.draining = true;
    // A throwing teardown must not leave the rest of the queue stranded: the loop goes on
    // and the first such error is rethrown at the end.
    let threw = false;
    let thrown: unknown;
    let holder: PermitHolder<unknown> | null;
    while (this.available > 0 && (holder = this.queue.head) !== null) {
      this.queue.remove(holder);
      this.available--;
      try {
        holder.start();
      } catch (err) {
        if (!threw) {
          threw = true;
          thrown = err;
        }
      }
    }
    this.draining = false;
    if (threw) throw thrown;
  }
}

/**
 * One subscription to `semaphore.run(input)`: a queue node while it waits, then the
 * subscriber of the input while it holds the permit.
 *
 * It extends `Subscription` and has `next`, `error` and `complete`, which is what rxjs
 * recognises as a Subscriber: the input is subscribed with the holder itself, so the
 * input's teardown is added to the holder (and runs in the holder's `super.unsubscribe()`,
 * before the permit goes back), and a synchronous input sees `closed` as soon as the
 * consumer lets go. It deliberately has no other Subscriber members.
 */
class PermitHolder<T> extends Subscription implements Observer<T>, QueueNode<PermitHolder<unknown>> {
  prevWaiter: PermitHolder<unknown> | null = null;
  nextWaiter: PermitHolder<unknown> | null = null;
  /** IDLE, QUEUED, HOLDING or DONE. */
  phase = IDLE;
  /** No more notifications from the input are passed on. */
  private stopped = false;
  /** Inside the input's `subscribe()`: giving the permit back waits until it returns (and the input's teardown has been attached and run). */
  private subscribing = false;
  /** RUNNING, COMPLETED or FAILED. */
  private outcome = RUNNING;
  private failure: unknown = undefined;

  constructor(
    private readonly pool: PermitPool,
    private readonly input: TaskInput<T>,
    private readonly subscriber: Subscriber<T>,
  ) {
    super();
  }

  /** Called with a permit taken for this holder: subscribes to the input. */
  start(): void {
    this.phase = HOLDING;
    let source: unknown = this.input;
    if (typeof source === 'function') {
      try {
        source = (source as () => unknown)();
      } catch (err) {
        this.error(err);
        return;
      }
      if (!isObservableInput(source)) {
        this.error(new TypeError(`Semaphore.run: input is a function that returned ${describe(source)}, not an ObservableInput`));
        return;
      }
    }
    // A Promise is awaited directly (the hot path of promise-returning jobs): it has no
    // teardown to wait for, and a late outcome after unsubscription is ignored.
    if (!(source instanceof Observable) && typeof (source as PromiseLike<T>).then === 'function') {
      try {
        (source as PromiseLike<T>).then(
          (value) => {
            if (this.stopped) return;
            this.subscriber.next(value);
            this.complete();
          },
          (err: unknown) => this.error(err),
        );
      } catch (err) {
        this.error(err);
      }
      return;
    }
    this.subscribing = true;
    let threw = false;
    let thrown: unknown;
    try {
      from(source as Observable<T>).subscribe(this);
    } catch (err) {
      threw = true;
      thrown = err;
    }
    this.subscribing = false;
    // What escapes subscribe() is a failure to start (passed on as the error), or, once the
    // input has ended, a teardown that threw: rethrown as rxjs would, after the permit is back.
    const endedBefore = this.stopped;
    if (threw && !endedBefore) this.error(thrown);
    if (this.closed) this.settle();
    if (threw && endedBefore) throw thrown;
  }

  next(value: T): void {
    if (!this.stopped) this.subscriber.next(value);
  }

  error(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.outcome = FAILED;
    this.failure = err;
    this.unsubscribe();
  }

  complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.outcome = COMPLETED;
    this.unsubscribe();
  }

  /**
   * The one way out, whether the input ended or the consumer let go: leaves the queue,
   * or runs the input's teardown and then gives the permit back.
   */
  override unsubscribe(): void {
    if (this.closed) return;
    this.stopped = true;
    const phase = this.phase;
    if (phase === QUEUED) {
      this.phase = DONE;
      this.pool.leave(this);
    }
    let threw = false;
    let thrown: unknown;
    try {
      super.unsubscribe();
    } catch (err) {
      threw = true;
      thrown = err;
    }
    if (phase === HOLDING && !this.subscribing) this.settle();
    if (threw) throw thrown;
  }

  /** After the input's teardown: gives the permit back, then tells the subscriber how the input ended. */
  private settle(): void {
    if (this.phase !== HOLDING) return;
    this.phase = DONE;
    if (this.outcome === FAILED) {
      // The error first: a consumer that gives up on a failure (gather) unsubscribes its
      // queued inputs before the permit could start one of them only to cancel it.
      try {
        this.subscriber.error(this.failure);
      } finally {
        this.pool.release();
      }
      return;
    }
    try {
      this.pool.release();
    } finally {
      if (this.outcome === COMPLETED) this.subscriber.complete();
    }
  }
}
