import { Observable } from 'rxjs';
import type { ObservableInput, ObservedValueOf, Subscriber, Unsubscribable } from 'rxjs';
import { CancelledError, InvalidStateError, TaskGroupError } from './errors';
import { Task, ownTask, rejected } from './task';
import type { TaskOwner } from './task';
import type { TaskInput } from './types';
import { markHandled, startInput } from './internal/input';
import type { InputRun, InputTarget } from './internal/input';
import { checkFunction, checkTaskInput, describe, isObservableInput } from './internal/validate';

/**
 * What a task group emits for a body that returns `B`: the value type of an
 * ObservableInput, `undefined` for nothing (`void`), both for a union of them
 * (`taskGroup((group) => (cond ? group.createTask(num$) : undefined))` emits
 * `number | undefined`).
 */
export type TaskGroupResult<B> = B extends ObservableInput<unknown> ? ObservedValueOf<B> : undefined;

/** Makes the group of a run (the constructor is private: groups come from `taskGroup`). */
let makeGroup: (run: GroupRun) => TaskGroup;

/**
 * The group a {@link taskGroup} body receives: `createTask` starts a Task that the group
 * owns, so the group ends only once it has ended, and its failure stops the group.
 *
 * One group per subscription to `taskGroup(body)`; exported as a type only (groups are
 * never made by hand). Keep it to start tasks later, from a task, a timer or a callback:
 * once the group has ended, or while a failure stops it, `createTask` throws
 * `InvalidStateError`.
 *
 * @see {@link taskGroup}
 */
export class TaskGroup {
  readonly #run: GroupRun;

  static {
    makeGroup = (run) => new TaskGroup(run);
  }

  /** Groups are made by {@link taskGroup}, one per subscription. */
  private constructor(run: GroupRun) {
    this.#run = run;
  }

  /**
   * Starts an input now, as a Task owned by the group (asyncio's `TaskGroup.create_task`),
   * and returns it. The group does not end before the task has; a failure of the task
   * cancels the rest of the group; a task cancelled with `task.cancel()` is not a failure.
   *
   * ```text
   * input:              --x|
   * group.createTask(): --(x|)       started at once, like createTask
   * ```
   *
   * @example
   * ```ts
   * taskGroup((group) => {
   *   const a = group.createTask(timer(10).pipe(map(() => 'a')));
   *   return a.pipe(map((value) => value.toUpperCase()));
   * }).subscribe(console.log);
   * // Logs: A
   * ```
   *
   * @param input An Observable, a Promise, ... or a function returning one (called now).
   * @returns The running task.
   * @throws TypeError if `input` is not a task input; InvalidStateError if the group has
   * ended, or is being stopped by a failure or an unsubscription.
   */
  createTask<T>(input: TaskInput<T>): Task<T> {
    return this.#run.createTask(input);
  }
}

/**
 * Runs a body and the tasks it starts as one unit (asyncio.TaskGroup, `async with
 * TaskGroup() as group:`): nothing of it outlives the group, and the first failure stops
 * all of it.
 *
 * Cold: each subscription makes a fresh {@link TaskGroup} and calls `body(group)`. The
 * body may start tasks with `group.createTask(input)` (at once, or later: from a task,
 * a callback, a timer) and may return an input of its own (an Observable, a Promise).
 * The group emits once every task and the body's input have ended: the body's result
 * (its input's last value), or `undefined` if it returned nothing; then it completes.
 *
 * ```text
 * a:                 ----a|
 * b:                 --b|
 * body:              ------r|        returned by the body
 * taskGroup(body):   -------(r|)     all ended: the body's result
 *
 * a:                 ------a|
 * b:                 --#             b fails
 * taskGroup(body):   --#             TaskGroupError([b's error])
 * a subscribed:      ^-!             a cancelled in the same frame
 * ```
 *
 * - **Complete**: after the body's input and every task of the group have ended. A
 *   body's Observable that completes without a value fails like a task's input does
 *   (`EmptyError`).
 * - **Error**: the first failure of a task or of the body cancels every other task and
 *   the body (their teardowns run), then the group fails with a `TaskGroupError` whose
 *   `errors` are every failure, in the order they happened (a teardown that throws while
 *   the group stops adds its error). A task cancelled with `task.cancel()`, or ended by a
 *   `CancelledError`, is not a failure. A body that fails with a `CancelledError` stops
 *   the group as a failure would, and the group fails with that `CancelledError` (unless
 *   other failures make a `TaskGroupError`), as asyncio propagates a cancellation.
 * - **Unsubscribe**: every task of the group and the body are cancelled.
 * - Once the group has ended or is stopping, `group.createTask` throws
 *   `InvalidStateError` and starts nothing.
 *
 * Unlike `gather`, whose inputs are fixed up front, a group grows while it runs (a
 * crawler's workers start tasks for the links they find); unlike asyncio's siblings in
 * `gather`, a group's tasks never outlive a failure. A Promise cannot be stopped: a task
 * or body that is a Promise is cancelled at once and its outcome ignored.
 *
 * @example
 * ```ts
 * import { taskGroup } from 'rxjs-asyncio';
 * import { timer, map } from 'rxjs';
 *
 * taskGroup((group) => {
 *   const user = group.createTask(timer(20).pipe(map(() => 'ada')));
 *   const posts = group.createTask(timer(10).pipe(map(() => 3)));
 *   return Promise.all([user, posts].map((task) => lastValueFrom(task)));
 * }).subscribe(console.log);
 * // Logs: [ 'ada', 3 ]
 * ```
 *
 * @typeParam B The body's type: what it returns gives the group's result type.
 * @param body Called with the group on each subscription; returns an ObservableInput
 *   whose last value is the group's result, or nothing.
 * @returns A cold Observable of the body's result.
 * @see createTask, gather
 */
export function taskGroup<B extends (group: TaskGroup) => ObservableInput<unknown> | void>(body: B): Observable<TaskGroupResult<ReturnType<B>>>;
export function taskGroup<R>(body: (group: TaskGroup) => ObservableInput<R> | void): Observable<R | undefined>;
export function taskGroup<R>(body: (group: TaskGroup) => ObservableInput<R> | void): Observable<R | undefined> {
  checkFunction('taskGroup', 'body', body);
  return new Observable<R | undefined>((subscriber) => {
    const run = new GroupRun(subscriber as Subscriber<unknown>);
    subscriber.add(run);
    run.start(body as (group: TaskGroup) => unknown);
  });
}

/** Running: tasks may be created. */
const RUNNING = 0;
/** A failure or an unsubscription is stopping everything. */
const STOPPING = 1;
/** Emitted, failed or torn down. Final. */
const ENDED = 2;

/**
 * One subscription to a task group: its body, its tasks, and the failures seen.
 */
class GroupRun implements InputTarget, TaskOwner, Unsubscribable {
  private phase = RUNNING;
  /**
   * The tasks not yet ended, oldest first, with holes (`undefined`) where tasks have
   * ended: the task of key `k` (see `createTask`) is at `k - trimmed`. Ending costs one
   * store, and releases the task at once. A hole costs only its slot, so holes are
   * dropped (`compact`) only once there are more than seven per task left (a group whose
   * tasks all end at once is never compacted before the last few), and from the front
   * without touching any task when they are mostly there, as they are when tasks end in
   * the order they started.
   */
  private tasks: (Task<unknown> | undefined)[] = [];
  /** Slots dropped from the front of `tasks` so far. */
  private trimmed = 0;
  /** Holes in `tasks`. */
  private holes = 0;
  /** Holes at the front of `tasks`: the index of its oldest task, or its length. */
  private head = 0;
  /** Tasks not yet ended: those in `tasks`. */
  private live = 0;
  /** The body (its function, then its input) has not ended yet. */
  private bodyRunning = true;
  /** How to stop the body's input, if it is an Observable. */
  private body: InputRun | undefined;
  /** The body's result. */
  private result: unknown = undefined;
  /** Failures, in the order they happened. */
  private readonly errors: unknown[] = [];
  /** The body failed with a CancelledError: what the group fails with if nothing else failed. */
  private cancelled: CancelledError | undefined;
  private readonly group = makeGroup(this);

  constructor(private readonly subscriber: Subscriber<unknown>) {}

  start(body: (group: TaskGroup) => unknown): void {
    let input: unknown;
    try {
      input = body(this.group);
    } catch (err) {
      this.bodyEnded(false, err);
      return;
    }
    if (input === undefined) this.bodyEnded(true, undefined);
    else if (!isObservableInput(input)) {
      // A misuse, not a failure of the body: the group stops and fails with the TypeError itself.
      if (this.phase === RUNNING) this.fail(new TypeError(`taskGroup: body returned ${describe(input)}, not an ObservableInput or nothing`), false);
    } else if (this.phase === RUNNING) startInput(this, 0, input, 'taskGroup');
    // The group failed while the body ran (a task that failed at once): its Promise, if it
    // returned one, is never awaited, and must not be reported as unhandled.
    else markHandled(input);
  }

  /** TaskGroup.createTask: the input is checked first (by the Task when one is made). */
  createTask<T>(input: TaskInput<T>): Task<T> {
    if (this.phase !== RUNNING) {
      checkTaskInput('TaskGroup.createTask', 'input', input);
      // Started never: a Promise given now must not be reported as unhandled (a function is not called).
      markHandled(input);
      throw new InvalidStateError(`TaskGroup.createTask: the group ${this.phase === ENDED ? 'has ended' : 'is stopping'}`);
    }
    const task = new Task(input, 'TaskGroup.createTask');
    // Its key: its place among the tasks this group has owned.
    if (ownTask(task, this, this.trimmed + this.tasks.length)) {
      this.tasks.push(task as Task<unknown>);
      this.live++;
    } else this.ended(rejected(task), rejected(task) ? task.exception() : undefined);
    return task;
  }

  /** A task of the group ended (TaskOwner). */
  taskEnded(key: number, failed: boolean, error: unknown): void {
    this.live--;
    // Stopping: stopAll has taken the tasks, and cancels them.
    if (this.phase !== RUNNING) return;
    const tasks = this.tasks;
    const index = key - this.trimmed;
    tasks[index] = undefined;
    if (index === this.head) {
      let head = index + 1;
      while (head < tasks.length && tasks[head] === undefined) head++;
      this.head = head;
    }
    if (++this.holes > 1024 && this.holes > 7 * this.live) this.compact();
    this.ended(failed, error);
  }

  /** Drops the holes from `tasks`, keeping the order of the tasks. */
  private compact(): void {
    const tasks = this.tasks;
    const head = this.head;
    this.head = 0;
    if (2 * head >= this.holes) {
      // Mostly at the front: dropped without touching a task (their keys stay).
      this.tasks = tasks.slice(head);
      this.trimmed += head;
      this.holes -= head;
      return;
    }
    let kept = 0;
    for (let i = head; i < tasks.length; i++) {
      const task = tasks[i];
      if (task === undefined) continue;
      ownTask(task, this, this.trimmed + kept);
      tasks[kept++] = task;
    }
    tasks.length = kept;
    this.holes = 0;
  }

  /** A task ended, with `error` if it failed (as `exception()` says: a task cancelled has none). */
  private ended(failed: boolean, error: unknown): void {
    if (this.phase !== RUNNING) return;
    // A rejection with `undefined` is a failure too, as gather counts it.
    if (failed) this.fail(error);
    else this.check();
  }

  // The body's input, as an InputTarget.

  inputRunning(_index: number, run: InputRun): void {
    this.body = run;
  }

  inputEnded(_index: number, ok: boolean, value: unknown): void {
    this.bodyEnded(ok, value);
  }

  inputName(): string {
    return 'body';
  }

  private bodyEnded(ok: boolean, value: unknown): void {
    this.body = undefined;
    // Stopped already: a Promise body settling late, or a body that threw because the group had ended.
    if (this.phase !== RUNNING) return;
    this.bodyRunning = false;
    if (ok) {
      this.result = value;
      this.check();
    } else this.fail(value);
  }

  /**
   * The first failure: everything else is cancelled, then the group fails, with a
   * TaskGroupError of the failures (or the body's CancelledError, or, for a misuse that
   * is not `grouped`, that error itself).
   */
  private fail(err: unknown, grouped = true): void {
    if (grouped) this.record(err);
    this.stopAll();
    if (!grouped) this.subscriber.error(err);
    else if (this.errors.length > 0) this.subscriber.error(new TaskGroupError(this.errors));
    else this.subscriber.error(this.cancelled);
  }

  private record(err: unknown): void {
    if (err instanceof CancelledError) {
      if (this.errors.length === 0) this.cancelled ??= err;
    } else this.errors.push(err);
  }

  /** Emits the body's result once the body and every task have ended. */
  private check(): void {
    if (this.phase !== RUNNING || this.bodyRunning || this.live > 0) return;
    this.phase = ENDED;
    this.subscriber.next(this.result);
    this.subscriber.complete();
  }

  /**
   * Cancels the body, then every task, newest first (a task queued for a shared permit
   * leaves the queue before an older one frees it), STOPPING meanwhile, then ENDED. What
   * a teardown throws is recorded as a failure.
   */
  private stopAll(): void {
    this.phase = STOPPING;
    this.bodyRunning = false;
    const body = this.body;
    this.body = undefined;
    try {
      body?.unsubscribe();
    } catch (err) {
      this.record(err);
    }
    const tasks = this.tasks;
    this.tasks = [];
    for (let i = tasks.length - 1; i >= 0; i--) {
      try {
        tasks[i]?.cancel();
      } catch (err) {
        this.record(err);
      }
    }
    this.phase = ENDED;
  }

  /** Teardown: an unsubscription before the group ended cancels all of it (a teardown's error is rethrown). */
  unsubscribe(): void {
    if (this.phase !== RUNNING) return;
    this.stopAll();
    if (this.errors.length > 0) throw this.errors[0];
  }
}
