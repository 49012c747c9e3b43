import { AsyncSubject, Observable } from 'rxjs';
import type { Unsubscribable } from 'rxjs';
import { CancelledError, InvalidStateError } from './errors';
import { checkTaskInput, startInput } from './internal/input';
import type { TaskInput } from './types';

type TaskState = 'pending' | 'fulfilled' | 'rejected' | 'cancelled';

/**
 * Work that has started and will end once (asyncio.Task): an Observable of its one result.
 *
 * A Task subscribes to its input as soon as it is created, exactly once. Every
 * subscriber, early or late, receives the result (the input's last value) and
 * completion, or the error. Unsubscribing from a Task only stops listening: the work
 * goes on for the others; `cancel()` is what stops it.
 *
 * ```
 * input:         --a--b|
 * task:          -----(b|)     every subscriber, whenever it subscribes
 * after cancel:  #             CancelledError, and the input is unsubscribed
 * ```
 *
 * - Complete: the last value, then completion, replayed to late subscribers.
 *   An input that completes without a value fails the task with `EmptyError`.
 * - Error: the error, replayed to late subscribers.
 * - Unsubscribe: that subscriber stops listening; the task runs on.
 *
 * ```ts
 * const task = createTask(() => fetch(url).then((r) => r.status));
 * task.subscribe((status) => console.log(status));
 * // Logs: 200
 * task.result(); // 200 once done; InvalidStateError before
 * ```
 */
export class Task<T> extends Observable<T> {
  #state: TaskState = 'pending';
  #value: T | undefined;
  #error: unknown;
  /** Replays the one outcome to every subscriber. */
  readonly #outcome = new AsyncSubject<T>();
  /** How to stop the input while it runs. */
  #source: Unsubscribable | undefined;

  /**
   * Starts `input` now, as {@link createTask} does (prefer that). `fn` and `param`
   * name the caller in error messages.
   */
  constructor(input: TaskInput<T>, fn = 'Task', param = 'input') {
    checkTaskInput(fn, param, input);
    super((subscriber) => this.#outcome.subscribe(subscriber));
    const stop = startInput(input, (ok, value) => this.#settle(ok, value), fn, -1, param);
    if (this.#state === 'pending') this.#source = stop;
  }

  #settle(ok: boolean, value: unknown): void {
    if (this.#state !== 'pending') return;
    this.#source = undefined;
    if (ok) {
      this.#state = 'fulfilled';
      this.#value = value as T;
      this.#outcome.next(value as T);
      this.#outcome.complete();
    } else {
      this.#state = 'rejected';
      this.#error = value;
      this.#outcome.error(value);
    }
  }

  /**
   * Cancels the task: unsubscribes its input (aborting in-flight I/O), and every
   * subscriber receives `CancelledError`. Returns `false` if the task was already done.
   */
  cancel(): boolean {
    if (this.#state !== 'pending') return false;
    this.#state = 'cancelled';
    const source = this.#source;
    this.#source = undefined;
    source?.unsubscribe();
    this.#error = new CancelledError();
    this.#outcome.error(this.#error);
    return true;
  }

  /** Whether the task has ended: with a result, an error, or cancelled. */
  done(): boolean {
    return this.#state !== 'pending';
  }

  /** Whether the task was cancelled. */
  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /**
   * The task's result. Throws the task's error if it failed, `CancelledError` if it was
   * cancelled, `InvalidStateError` if it is not done yet.
   */
  result(): T {
    switch (this.#state) {
      case 'fulfilled':
        return this.#value as T;
      case 'pending':
        throw new InvalidStateError('result(): the task is not done yet');
      default:
        throw this.#error;
    }
  }

  /**
   * The task's error, or `undefined` if it succeeded. Throws `CancelledError` if it was
   * cancelled, `InvalidStateError` if it is not done yet.
   */
  exception(): unknown {
    switch (this.#state) {
      case 'fulfilled':
        return undefined;
      case 'rejected':
        return this.#error;
      case 'cancelled':
        throw this.#error;
      default:
        throw new InvalidStateError('exception(): the task is not done yet');
    }
  }
}

/**
 * Starts an input now, once, and returns its {@link Task} (asyncio.create_task). The
 * only hot function of the library: the input is subscribed before this returns.
 *
 * ```
 * input:                 --a--b|
 * createTask(input):     -----(b|)    the input subscribed at once, not on subscription
 * a subscriber at 7:             (b|) late subscribers get the result too
 * ```
 *
 * - Complete: the task emits the input's last value, then completes, to every
 *   subscriber; an input that completes empty fails the task with `EmptyError`.
 * - Error: the input's error, to every subscriber, early or late.
 * - Unsubscribe: a subscriber only stops listening; `task.cancel()` unsubscribes the
 *   input and fails the task with `CancelledError`.
 *
 * ```ts
 * const task = createTask(http.get('/delay/1'));
 * // ... later, any number of times:
 * task.subscribe((response) => console.log(response.status));
 * ```
 *
 * @param input An Observable, a Promise, ... or a function returning one (called now).
 * @returns The running task.
 * @see wait
 */
export function createTask<T>(input: TaskInput<T>): Task<T> {
  return new Task(input, 'createTask');
}
