import { Observable } from 'rxjs';
import type { ObservableInput, Observer, Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { Lock, lockPermit } from './lock';
import type { Limiter, TaskInput } from './types';
import { BaseWaiter, Gate } from './internal/gate';
import type { Room } from './internal/gate';
import { inputObservable } from './internal/inputObservable';
import { markHandled } from './internal/input';
import type { Permits } from './internal/permits';
import { checkFunction, checkNonNegativeInteger, checkTaskInput, fail } from './internal/validate';

/**
 * Runs inputs under a lock once a predicate over shared state holds (asyncio.Condition,
 * used as `async with condition: await condition.wait_for(predicate)`).
 *
 * `condition.runWhen(predicate, input)` is a cold Observable: each subscription takes
 * the condition's lock and calls `predicate()`. If it returns true, the input runs under
 * the lock, as `lock.run(input)` would run it. If not, the subscription gives the lock
 * back and sleeps, holding nothing, until `notify()` or `notifyAll()` wakes it; then it
 * takes the lock again (queueing behind whoever asked for it first) and checks the
 * predicate again. `condition.run(input)` runs an input under the lock with no predicate:
 * that is where the shared state is changed, and `notify` called.
 *
 * ```text
 * a producer under the lock at frame 2 sets ready = true and calls notify()
 *
 * runWhen(() => ready, c):   --c|       asleep from 0 (ready false), woken at 2, c runs
 * c subscribed:              --^!
 * ```
 *
 * - `notify(n)` wakes the `n` subscriptions that have slept longest (in arrival order),
 *   `notifyAll()` every one; either may be called at any time, holding the lock or not.
 *   A subscription woken by a notification that lets go before it has checked its
 *   predicate again passes the notification on to the next sleeper, so no wake-up is lost.
 *   One whose predicate is still false goes back to sleep, at the back.
 * - **Complete / error**: as the input's, after its teardown, the lock going on to the
 *   next waiter (as for a Lock). A predicate that throws fails the subscription with what
 *   it threw, and frees the lock.
 * - **Unsubscribe**: while waiting for the lock or asleep, the subscription leaves at once;
 *   while running, the input is unsubscribed and the lock freed after its teardown.
 *
 * @example
 * ```ts
 * import { Condition } from 'rxjs-asyncio';
 * import { defer, of } from 'rxjs';
 *
 * const condition = new Condition();
 * const items: string[] = [];
 * condition
 *   .runWhen(() => items.length > 0, defer(() => of(items.shift())))
 *   .subscribe((item) => console.log('consumed', item));
 * condition
 *   .run(defer(() => {
 *     items.push('apple');
 *     condition.notify();
 *     return of('produced');
 *   }))
 *   .subscribe((what) => console.log(what));
 * // Logs:
 * // produced
 * // consumed apple
 * ```
 *
 * @see {@link Lock}, the lock it runs under.
 * @see {@link Event} for a plain flag.
 */
export class Condition implements Limiter {
  readonly #lock: Lock;
  /** The lock's permit, which every run of the condition takes. */
  readonly #permit: Permits;
  readonly #sleepers = new Sleepers();

  /**
   * @param lock The lock to run under (several conditions may share one); a new `Lock`
   * if omitted. Anything but a `Lock` is a `TypeError`.
   */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) fail('type', 'Condition', 'lock', 'a Lock', lock);
    this.#lock = lock ?? new Lock();
    this.#permit = lockPermit(this.#lock);
  }

  /** Whether an input holds the condition's lock right now. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /** Subscriptions asleep right now, waiting for a notification. */
  get waiting(): number {
    return this.#sleepers.gate.waiting;
  }

  /**
   * Runs an input under the condition's lock (`async with condition:`): a cold
   * Observable, exactly as `lock.run(input)`.
   *
   * ```text
   * input:            -x|
   * run(input):       -x|
   * input subscribed: ^-!
   * ```
   *
   * @example
   * ```ts
   * const condition = new Condition();
   * const state = { ready: false };
   * condition.runWhen(() => state.ready, of('go')).subscribe(console.log);
   * condition.run(defer(() => ((state.ready = true), condition.notifyAll(), of('set')))).subscribe(console.log);
   * // Logs:
   * // set
   * // go
   * ```
   *
   * @param input An ObservableInput or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it only while holding the lock.
   * @throws TypeError at call time if `input` is not a task input.
   */
  run<T>(input: TaskInput<T>): Observable<T> {
    return inputObservable(input, 'Condition.run', 'input', this.#permit);
  }

  /**
   * Runs an input under the lock once `predicate()`, called holding the lock, returns
   * true (`async with condition: await condition.wait_for(predicate)`).
   *
   * ```text
   * notify() at frame 3 after the state changed
   *
   * input:            -x|
   * runWhen(p, input):----x|     asleep until 3, then under the lock
   * input subscribed: ---^-!
   * ```
   *
   * The predicate is called once per lock acquisition: at subscription, and after each
   * wake-up. A function input is called only once the predicate has held.
   *
   * @example
   * ```ts
   * const condition = new Condition();
   * const jobs: string[] = [];
   * condition.runWhen(() => jobs.length > 0, () => of(jobs.shift())).subscribe(console.log);
   * jobs.push('first job');
   * condition.notify();
   * // Logs: first job
   * ```
   *
   * @param predicate Called holding the lock; the input runs when it returns true.
   * @param input An ObservableInput or a function returning one.
   * @returns An Observable mirroring the input once it runs.
   * @throws TypeError at call time if `predicate` is not a function or `input` is not a task input.
   */
  runWhen<T>(predicate: () => boolean, input: TaskInput<T>): Observable<T> {
    checkFunction('Condition.runWhen', 'predicate', predicate);
    checkTaskInput<T>('Condition.runWhen', 'input', input);
    return new Observable<T>((subscriber) => {
      const sleeper = new Sleeper(this.#permit, this.#sleepers, predicate, input, subscriber as Subscriber<unknown>);
      subscriber.add(sleeper);
      sleeper.start();
    });
  }

  /**
   * Wakes up to `n` sleeping subscriptions, those that have slept longest first; each
   * takes the lock and checks its predicate again. Needs no lock.
   *
   * @param n How many to wake: a non-negative integer. Default 1.
   * @throws TypeError or RangeError at call time for a bad `n`.
   */
  notify(n = 1): void {
    this.#sleepers.wake(checkNonNegativeInteger('Condition.notify', 'n', n));
  }

  /** Wakes every sleeping subscription. Needs no lock. */
  notifyAll(): void {
    this.#sleepers.wake(Infinity);
  }
}

/**
 * The subscriptions asleep on a condition: a gate whose room is the wake-ups owed by
 * notifications, handed to the sleepers in arrival order. Wake-ups are owed only to
 * those asleep when `wake` is called: a notification never wakes a later sleeper.
 */
class Sleepers implements Room {
  /** Wake-ups not yet handed out, at most the number of sleepers. */
  private wakeups = 0;
  readonly gate: Gate = new Gate(this);

  take(): boolean {
    if (this.wakeups === 0) return false;
    this.wakeups--;
    return true;
  }

  wake(n: number): void {
    this.wakeups = Math.min(this.wakeups + n, this.gate.waiting);
    this.gate.pump();
    // Owed to sleepers that left while they were being woken: owed to nobody now.
    this.wakeups = Math.min(this.wakeups, this.gate.waiting);
  }
}

/** What a lock acquisition that found the predicate false fails with: the subscription sleeps. */
const NOT_YET: unique symbol = Symbol('not yet');

/**
 * One subscription to `runWhen`: a series of attempts, each a run under the lock (a
 * `inputObservable`) that checks the predicate first; between two attempts, a sleeper at the
 * condition's gate.
 */
class Sleeper extends BaseWaiter implements Unsubscribable {
  /** Woken by a notification and not yet checked the predicate again: leaving passes it on. */
  private woken = false;
  /** The attempt in progress: waiting for the lock, or running the input. */
  private attempt: Subscription | undefined;
  /** One attempt: under the lock, the predicate, then the input. */
  private readonly attempts: Observable<unknown>;
  private readonly observer: Partial<Observer<unknown>>;

  constructor(
    permit: Permits,
    private readonly sleepers: Sleepers,
    private readonly predicate: () => boolean,
    private readonly input: TaskInput<unknown>,
    private readonly subscriber: Subscriber<unknown>,
  ) {
    super();
    // A Promise input may sleep here for ever, or be left asleep: what it rejects with
    // still reaches the subscriber once it runs.
    markHandled(input);
    this.attempts = inputObservable(() => this.check(), 'Condition.runWhen', 'input', permit);
    this.observer = {
      next: (value) => subscriber.next(value),
      error: (err: unknown) => (err === NOT_YET ? this.sleep() : subscriber.error(err)),
      complete: () => subscriber.complete(),
    };
  }

  start(): void {
    this.attempt = this.attempts.subscribe(this.observer);
  }

  /** Holding the lock: the input if the predicate holds, else NOT_YET (the lock goes back). */
  private check(): ObservableInput<unknown> {
    this.woken = false;
    if (!this.predicate()) throw NOT_YET;
    const input = this.input;
    return typeof input === 'function' ? input() : input;
  }

  /** The predicate was false: sleep until a notification (the lock is given back right after). */
  private sleep(): void {
    this.attempt = undefined;
    this.sleepers.gate.enter(this);
  }

  /** Woken by a notification: try again. */
  admit(): void {
    this.woken = true;
    this.start();
  }

  unsubscribe(): void {
    this.attempt?.unsubscribe();
    this.attempt = undefined;
    this.sleepers.gate.leave(this);
    if (this.woken) {
      // Woken, but gone before looking: the notification goes to the next sleeper.
      this.woken = false;
      this.sleepers.wake(1);
    }
  }
}
