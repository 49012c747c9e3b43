import type { Observable, Subscriber, Unsubscribable } from 'rxjs';
import { InvalidStateError, QueueEmptyError, QueueFullError, QueueShutDownError } from './errors';
import { Flag } from './internal/flag';
import { BaseWaiter, Gate, admitWaiter } from './internal/gate';
import type { Room, Waiter } from './internal/gate';
import { runInContext } from './internal/context';
import { FifoStore } from './internal/stores';
import type { Store } from './internal/stores';
import { checkBoolean, checkConcurrency } from './internal/validate';

/** Gives a subclass's store and name to a queue it is constructing (PriorityQueue, LifoQueue). */
export let configureQueue: <T>(queue: Queue<T>, name: string, store: Store<T>) => void;

/**
 * A first-in, first-out queue between streams that produce items and streams that
 * consume them (asyncio.Queue), optionally bounded.
 *
 * `put(item)` and `get()` are cold Observables: a put waits (when subscribed) until there
 * is room, adds the item, emits once and completes; a get waits until there is an item,
 * emits it and completes. `items()` gets item after item for one subscriber, until the
 * queue is shut down and empty. Waiting puts and gets are each served first come, first
 * served: an item goes to the get that asked first, and a newcomer never jumps the
 * queue. Every item put is got exactly once: a get that lets go while waiting takes
 * nothing, and a put that lets go while waiting leaves its item out.
 *
 * ```text
 * new Queue<string>(1)
 *
 * put('a') at 0:       (v|)              room: in at once
 * put('b') at 0:       ---(v|)           full until the get at 3 takes 'a'
 * get() at 3:          ---(a|)
 * get() at 1:          -------           waits...
 * ```
 *
 * - `putNowait(item)` and `getNowait()` never wait: they throw `QueueFullError` and
 *   `QueueEmptyError` instead (also while others are waiting: they do not jump the queue).
 * - `taskDone()` marks one item as processed; `join()` emits once every item put has been
 *   marked done (at once if none is pending).
 * - `shutdown(immediate)`: puts fail with `QueueShutDownError` from then on (those waiting
 *   too); gets take what is left, then fail with it, and `items()` completes. With
 *   `immediate`, the items left are dropped and count as done.
 *
 * Waiters are admitted in the async context they subscribed in. Cancellation is
 * unsubscription: nothing else is ever cancelled.
 *
 * @example
 * ```ts
 * import { Queue } from 'rxjs-asyncio';
 *
 * const queue = new Queue<string>();
 * queue.items().subscribe({ next: (item) => console.log('got', item), complete: () => console.log('shut down') });
 * queue.putNowait('a');
 * queue.put('b').subscribe();
 * queue.shutdown();
 * // Logs:
 * // got a
 * // got b
 * // shut down
 * ```
 *
 * @see {@link PriorityQueue}, {@link LifoQueue} for other orders.
 */
export class Queue<T> {
  /** The most items the queue holds: an integer >= 1, or `Infinity`. */
  readonly maxsize: number;
  readonly #core: QueueCore<T>;

  static {
    configureQueue = (queue, name, store) => {
      queue.#core.name = name;
      queue.#core.store = store;
    };
  }

  /**
   * @param maxsize The most items the queue holds, an integer >= 1 or `Infinity` (the
   * default): a put waits while the queue is full. A non-number is a `TypeError`, any
   * other bad value a `RangeError`.
   */
  constructor(maxsize: number = Infinity) {
    this.maxsize = checkConcurrency('Queue', 'maxsize', maxsize);
    this.#core = new QueueCore<T>(this.maxsize);
  }

  /** The number of items in the queue now. */
  get size(): number {
    return this.#core.store.size;
  }

  /** Whether the queue holds no item. */
  empty(): boolean {
    return this.#core.store.size === 0;
  }

  /** Whether the queue holds `maxsize` items (never, for an unbounded queue). */
  full(): boolean {
    return this.#core.store.size >= this.maxsize;
  }

  /**
   * Puts an item: a cold Observable that, on each subscription, waits until there is
   * room, adds `item`, emits once and completes. Each subscription puts the item once.
   *
   * ```text
   * a full queue; a get at frame 2 makes room
   *
   * put(x):   --(v|)
   * ```
   *
   * Complete: once the item is in (a waiting get receives it first). Error:
   * `QueueShutDownError` if the queue is shut down, before or while waiting; a
   * `PriorityQueue`'s `compare` that throws fails the put (the item stays out).
   * Unsubscribe while waiting: the item is left out.
   *
   * @example
   * ```ts
   * const queue = new Queue<number>();
   * queue.put(1).subscribe(() => console.log('in', queue.size));
   * // Logs: in 1
   * ```
   *
   * @param item The item.
   * @returns A cold `Observable<void>`.
   */
  put(item: T): Observable<void> {
    const core = this.#core;
    return core.putters.observe((subscriber) => new Putter(core, item, subscriber));
  }

  /**
   * Gets an item: a cold Observable that, on each subscription, waits until there is an
   * item, emits it and completes.
   *
   * ```text
   * a put at frame 3
   *
   * get():    ---(x|)
   * ```
   *
   * Error: `QueueShutDownError` once the queue is shut down and empty. Unsubscribe while
   * waiting: nothing is taken.
   *
   * @example
   * ```ts
   * const queue = new Queue<string>();
   * queue.get().subscribe((item) => console.log(item));
   * queue.putNowait('hello');
   * // Logs: hello
   * ```
   *
   * @returns A cold Observable of one item.
   */
  get(): Observable<T> {
    return this.#core.getting(false);
  }

  /**
   * Every item this subscriber gets: a cold Observable that gets an item, emits it, and
   * asks for the next, at the back of the line of waiting gets, until the queue is shut
   * down and empty; then it completes. Several `items()` subscribers share the items,
   * each going to the one that has waited longest.
   *
   * ```text
   * puts of a, b, c at frames 1, 2, 3; shutdown() at 4
   *
   * items():  -abc|
   * ```
   *
   * The next item is asked for as soon as `next` returns: for work that takes time per
   * item, run several `get()`s in turn instead (`get().pipe(concatMap(work), repeat())`).
   *
   * @example
   * ```ts
   * const queue = new Queue<number>();
   * queue.items().subscribe({ next: (item) => console.log(item), complete: () => console.log('done') });
   * queue.putNowait(1);
   * queue.putNowait(2);
   * queue.shutdown();
   * // Logs:
   * // 1
   * // 2
   * // done
   * ```
   *
   * @returns A cold Observable of items.
   */
  items(): Observable<T> {
    return this.#core.getting(true);
  }

  /**
   * Puts an item at once, without waiting.
   *
   * @param item The item.
   * @throws QueueFullError if the queue is full or puts are waiting; QueueShutDownError
   * if it is shut down; what a `PriorityQueue`'s `compare` throws.
   */
  putNowait(item: T): void {
    const core = this.#core;
    if (core.isShutdown) throw new QueueShutDownError(`${core.name}.putNowait: the queue is shut down`);
    if (core.putters.waiting > 0 || core.store.size >= this.maxsize) throw new QueueFullError(`${core.name}.putNowait: the queue is full`);
    core.add(item);
  }

  /**
   * Gets an item at once, without waiting.
   *
   * @returns The item.
   * @throws QueueEmptyError if the queue is empty or gets are waiting; QueueShutDownError
   * if it is shut down and empty.
   */
  getNowait(): T {
    const core = this.#core;
    if (core.store.size === 0 && core.isShutdown) throw new QueueShutDownError(`${core.name}.getNowait: the queue is shut down`);
    if (core.getters.waiting > 0 || core.store.size === 0) throw new QueueEmptyError(`${core.name}.getNowait: the queue is empty`);
    return core.take();
  }

  /**
   * Marks one item got from the queue as processed: when every item put has been, the
   * `join()`s waiting emit.
   *
   * @throws InvalidStateError if called more times than items were put.
   */
  taskDone(): void {
    this.#core.done();
  }

  /**
   * Waits for every item put to be processed: a cold Observable that emits once (and
   * completes) when `taskDone()` has been called for every item put, at once if none is
   * pending.
   *
   * ```text
   * two items pending; taskDone() at frames 2 and 5
   *
   * join():   -----(v|)
   * ```
   *
   * @example
   * ```ts
   * const queue = new Queue<string>();
   * queue.putNowait('job');
   * queue.join().subscribe(() => console.log('all done'));
   * queue.getNowait();
   * console.log('processing');
   * queue.taskDone();
   * // Logs:
   * // processing
   * // all done
   * ```
   *
   * @returns A cold `Observable<void>`.
   */
  join(): Observable<void> {
    return this.#core.finished.wait(undefined);
  }

  /**
   * Shuts the queue down: puts fail with `QueueShutDownError` from now on, those waiting
   * included; gets take the items left, then fail with it, and `items()` completes.
   *
   * @param immediate Also drop the items left now, counting them as done (so `join()`
   * emits once the items already got are done too). Default `false`.
   * @throws TypeError at call time if `immediate` is not a boolean.
   */
  shutdown(immediate = false): void {
    this.#core.shutdown(checkBoolean(`${this.#core.name}.shutdown`, 'immediate', immediate));
  }
}

/** The state of one queue, and its three lines of waiters: gets, puts and joins. */
class QueueCore<T> {
  /** The class name, for messages. */
  name = 'Queue';
  store: Store<T> = new FifoStore<T>();
  isShutdown = false;
  /** Items put and not yet marked done. */
  private unfinished = 0;
  /** Raised while no item is pending: what `join()` waits for. */
  readonly finished = new Flag();
  /** Room for a get: an item in the store (or the shutdown, which fails it). */
  private readonly getRoom: Room = { take: () => this.store.size > 0 || this.isShutdown };
  /** Room for a put: a free place (or the shutdown, which fails it). */
  private readonly putRoom: Room = { take: () => this.store.size < this.maxsize || this.isShutdown };
  /** Gets waiting for an item. */
  readonly getters: Gate = new Gate(this.getRoom);
  /** Puts waiting for room. */
  readonly putters: Gate = new Gate(this.putRoom);

  constructor(private readonly maxsize: number) {
    this.finished.raise();
  }

  /** Adds an item (the store may throw first), and hands it to a waiting get. */
  add(item: T): void {
    this.store.push(item);
    this.unfinished++;
    this.finished.lower();
    this.getters.pump();
  }

  /** Takes the next item (the store may throw first), and lets a waiting put in. */
  take(): T {
    const item = this.store.pop();
    this.putters.pump();
    return item;
  }

  getting(repeat: boolean): Observable<T> {
    return this.getters.observe((subscriber) => new Getter(this, subscriber, repeat));
  }

  done(): void {
    if (this.unfinished === 0) throw new InvalidStateError(`${this.name}.taskDone: called more times than items were put`);
    if (--this.unfinished === 0) this.finished.raise();
  }

  shutdown(immediate: boolean): void {
    // A put or get asked from inside another waiter's admission (its callback) waits
    // until that admission returns, even with room: if it has room, it asked before this
    // shutdown, and is let in first, as it would have been at once anywhere else.
    admitWaiting(this.putters, this.putRoom);
    admitWaiting(this.getters, this.getRoom);
    this.isShutdown = true;
    if (immediate) {
      this.unfinished = Math.max(0, this.unfinished - this.store.clear());
      if (this.unfinished === 0) this.finished.raise();
    }
    this.getters.pump();
    this.putters.pump();
  }
}

/**
 * Admits, now, those of the waiters queued at `gate` at this moment that there is room
 * for, first come first served, each once (one that asks again as it is admitted, as an
 * `items()` subscriber does, is not among them).
 */
function admitWaiting(gate: Gate, room: Room): void {
  const queued: Waiter[] = [];
  for (let waiter = gate.first; waiter !== undefined; waiter = waiter.nextItem) queued.push(waiter);
  for (const waiter of queued) {
    if (waiter.list === undefined) continue;
    if (!room.take(waiter)) return;
    gate.leave(waiter);
    runInContext(waiter.context, admitWaiter, waiter);
  }
}

/** One subscription to `get()` (once) or `items()` (again after each item). */
class Getter<T> extends BaseWaiter implements Unsubscribable {
  constructor(
    private readonly core: QueueCore<T>,
    private readonly subscriber: Subscriber<T>,
    private readonly repeat: boolean,
  ) {
    super();
  }

  admit(): void {
    const { core, subscriber } = this;
    if (core.store.size === 0) {
      // Shut down and empty.
      if (this.repeat) subscriber.complete();
      else subscriber.error(new QueueShutDownError(`${core.name}.get: the queue is shut down`));
      return;
    }
    let item: T;
    try {
      item = core.take();
    } catch (err) {
      subscriber.error(err);
      return;
    }
    subscriber.next(item);
    if (!this.repeat) subscriber.complete();
    // The next item, at the back of the line (admitted by the loop running now, not on the stack).
    else if (!subscriber.closed) core.getters.enter(this);
  }

  unsubscribe(): void {
    this.core.getters.leave(this);
  }
}

/** One subscription to `put(item)`. */
class Putter<T> extends BaseWaiter implements Unsubscribable {
  constructor(
    private readonly core: QueueCore<T>,
    private readonly item: T,
    private readonly subscriber: Subscriber<void>,
  ) {
    super();
  }

  admit(): void {
    const { core, subscriber } = this;
    if (core.isShutdown) {
      subscriber.error(new QueueShutDownError(`${core.name}.put: the queue is shut down`));
      return;
    }
    try {
      core.add(this.item);
    } catch (err) {
      subscriber.error(err);
      return;
    }
    subscriber.next();
    subscriber.complete();
  }

  unsubscribe(): void {
    this.core.putters.leave(this);
  }
}
