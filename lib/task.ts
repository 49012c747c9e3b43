import { AsyncSubject, Observable } from 'rxjs';
import { CancelledError, InvalidStateError } from './errors';
import { startInput } from './internal/input';
import { subscribeOnPrototype } from './internal/rxjs';
import type { InputRun, InputTarget } from './internal/input';
import { checkTaskInput } from './internal/validate';
import type { TaskInput } from './types';

type TaskState = 'pending' | 'fulfilled' | 'rejected' | 'cancelled';

/** Tasks ended so far, in this process: the next task to end gets this number plus one. */
let endings = 0;
/**
 * A task's place in the order tasks ended, in this process: a task that ended earlier
 * has a smaller number; 0 while it is pending. So any list of tasks can be put in
 * completion order (`wait` does), even those that ended in the same instant.
 */
export let completionOrder: <T>(task: Task<T>) => number;
/**
 * Makes `owner` hear of the end of `task` (a task group owns the tasks it creates), with
 * `key`: whatever the owner needs to find the task (the latest given, if called again).
 * Returns `false`, and does nothing, if the task has ended already.
 */
export let ownTask: <T>(task: Task<T>, owner: TaskOwner, key: number) => boolean;
/** Whether a task that has ended was rejected (with any value, `undefined` included), as its owner counts a failure. */
export let rejected: <T>(task: Task<T>) => boolean;
/**
 * Keeps the outcome `#state` says (`value`: the result or the error), and tells the
 * subscribers, then the owner (the task's `key`, taken from `#ended` before it was set).
 */
let tell: <T>(task: Task<T>, value: unknown, key: number, owner: TaskOwner | undefined) => void;

/** Hears of a task's end, once, after its subscribers have: a task group, for the tasks it owns. */
export interface TaskOwner {
  /** The task of `key` ended; `failed` if it was rejected (cancelled is not failed), with `error` (any value, `undefined` included). */
  taskEnded(key: number, failed: boolean, error: unknown): void;
}

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
 * - Error: the error, replayed to late subscribers. An input that fails with a
 *   `CancelledError` (it waited on a Task that was cancelled, say) ends the task
 *   cancelled too, as in asyncio.
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
  // A task is made per input of a task group, so it is kept small: five fields, and no
  // closure or private method (either would cost a field); its subscribe function and
  // its InputTarget members are on the prototype.
  #state: TaskState = 'pending';
  /**
   * While pending, how error messages name the input (the constructor's `param`, read
   * only while the input runs), or, once it has one, the owner told when the task ends
   * (a task group's tasks are all named `input`: one field for both saves 8 bytes a
   * task); once done, the result or the error, as `#state` says.
   */
  #result: unknown;
  /**
   * When the task ended, among all tasks (`completionOrder`); while pending, the key its
   * owner gave it (`ownTask`), if it has one: one field for both saves 8 bytes a task.
   */
  #ended = 0;
  /**
   * Replays the one outcome to the subscribers that came before it; made by the first of
   * them (a task nobody subscribes to before it ends, as most of a group's, needs none).
   */
  #outcome: AsyncSubject<T> | undefined;
  /** How to stop the input while it runs (an Observable's; a Promise cannot be stopped). */
  #run: InputRun | undefined;

  static {
    completionOrder = (task) => (task.#state === 'pending' ? 0 : task.#ended);
    rejected = (task) => task.#state === 'rejected';
    ownTask = (task, owner, key) => {
      if (task.#state !== 'pending') return false;
      task.#result = owner;
      task.#ended = key;
      return true;
    };
    tell = (task, value, key, owner) => {
      const outcome = task.#outcome;
      task.#outcome = undefined;
      task.#result = value;
      if (task.#state === 'fulfilled') {
        outcome?.next(value as never);
        outcome?.complete();
      } else outcome?.error(value);
      owner?.taskEnded(key, task.#state === 'rejected', value);
    };
    // A subscriber gets the outcome at once if the task is done, else when it comes.
    subscribeOnPrototype<Task<unknown>, unknown>(Task, function (subscriber) {
      if (this.#state === 'pending') return (this.#outcome ??= new AsyncSubject()).subscribe(subscriber);
      if (this.#state === 'fulfilled') {
        subscriber.next(this.#result);
        subscriber.complete();
      } else subscriber.error(this.#result);
      return undefined;
    });
    // A task is the InputTarget of its own input (lib/internal/input.ts), so starting one
    // allocates no target object. The target's members are on the prototype, not
    // enumerable and not in the type: they are no part of the Task API.
    const target: { [K in keyof InputTarget]: PropertyDescriptor } = {
      inputRunning: {
        value(this: Task<unknown>, _index: number, run: InputRun): void {
          this.#run = run;
        },
      },
      inputEnded: {
        value(this: Task<unknown>, _index: number, ok: boolean, value: unknown): void {
          if (this.#state !== 'pending') return;
          this.#run = undefined;
          const owner = ownerOf(this.#result);
          const key = this.#ended;
          this.#ended = ++endings;
          // Cancellation passes through: a task that failed because what it waited on was cancelled is cancelled.
          this.#state = ok ? 'fulfilled' : value instanceof CancelledError ? 'cancelled' : 'rejected';
          tell(this, value, key, owner);
        },
      },
      inputName: {
        value(this: Task<unknown>): string {
          return typeof this.#result === 'string' ? this.#result : 'input';
        },
      },
    };
    Object.defineProperties(Task.prototype, target);
  }

  /**
   * Starts `input` now, as {@link createTask} does (prefer that). `fn` and `param`
   * name the caller in error messages.
   */
  constructor(input: TaskInput<T>, fn = 'Task', param = 'input') {
    checkTaskInput(fn, param, input);
    super();
    this.#result = param;
    startInput(this as unknown as InputTarget, 0, input, fn);
  }

  /**
   * Cancels the task: unsubscribes its input (aborting in-flight I/O), and every
   * subscriber receives `CancelledError`. Returns `false` if the task was already done.
   */
  cancel(): boolean {
    if (this.#state !== 'pending') return false;
    const cancelled = new CancelledError();
    const owner = ownerOf(this.#result);
    this.#state = 'cancelled';
    // Set before the input's teardown runs, which may read the task.
    this.#result = cancelled;
    const key = this.#ended;
    this.#ended = ++endings;
    const run = this.#run;
    this.#run = undefined;
    try {
      run?.unsubscribe();
    } finally {
      // A teardown that threw still leaves the task cancelled, and its subscribers told.
      tell(this, cancelled, key, owner);
    }
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
    if (this.#state === 'pending') throw new InvalidStateError('result(): the task is not done yet');
    if (this.#state !== 'fulfilled') throw this.#result;
    return this.#result as T;
  }

  /**
   * The task's error, or `undefined` if it succeeded. Throws `CancelledError` if it was
   * cancelled, `InvalidStateError` if it is not done yet.
   */
  exception(): unknown {
    if (this.#state === 'pending') throw new InvalidStateError('exception(): the task is not done yet');
    if (this.#state === 'cancelled') throw this.#result;
    return this.#state === 'rejected' ? this.#result : undefined;
  }
}

/** The owner a pending task's `#result` holds, if it holds one rather than the input's name. */
function ownerOf(pending: unknown): TaskOwner | undefined {
  return typeof pending === 'object' ? (pending as TaskOwner) : undefined;
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
