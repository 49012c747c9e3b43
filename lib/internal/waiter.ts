import type { Subscriber, Unsubscribable } from 'rxjs';
import { Task } from '../task';
import type { Progress } from '../types';
import { scheduleDeadline } from './pool';
import { checkDuration, checkFunction, checkOptions, describe } from './validate';

/** `wait` returns when every task is done (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';
/** `wait` returns when any task is done (succeeded, failed or cancelled). */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait` returns when any task fails, or when all are done if none fails. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';

/** When `wait` and `waitUntil` emit: `ALL_COMPLETED`, `FIRST_COMPLETED` or `FIRST_EXCEPTION`. */
export type ReturnWhen = typeof ALL_COMPLETED | typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION;
const RETURN_WHEN: readonly string[] = [ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION];

/** What `wait` and `waitUntil` emit: `done` in completion order, `pending` in submission order. */
export interface WaitResult<T> {
  /** The tasks done (succeeded, failed or cancelled), in completion order. */
  readonly done: Task<T>[];
  /** The tasks still running, in submission order: they keep running. */
  readonly pending: Task<T>[];
}

/** Options of `wait` and `waitUntil`. */
export interface WaitOptions {
  /** When to emit. Default `ALL_COMPLETED`. */
  readonly returnWhen?: ReturnWhen;
  /** Emit whatever is done after this many ms (no error). */
  readonly timeout?: number;
  /** Called after each task settles. */
  readonly onProgress?: (progress: Progress) => void;
}

export interface ParsedWaitOptions {
  readonly returnWhen: ReturnWhen;
  readonly timeout: number | undefined;
  readonly onProgress: ((progress: Progress) => void) | undefined;
}

export function checkReturnWhen(fn: string, param: string, value: unknown): ReturnWhen {
  if (typeof value !== 'string' || !RETURN_WHEN.includes(value)) {
    throw new (typeof value === 'string' ? RangeError : TypeError)(`${fn}: ${param} must be one of ${RETURN_WHEN.join(', ')}, got ${describe(value)}`);
  }
  return value as ReturnWhen;
}

export function parseWaitOptions(fn: string, options: WaitOptions | undefined, known: readonly string[]): ParsedWaitOptions {
  const o = checkOptions(fn, options, known);
  return {
    returnWhen: o.returnWhen === undefined ? ALL_COMPLETED : checkReturnWhen(fn, 'options.returnWhen', o.returnWhen),
    timeout: o.timeout === undefined ? undefined : checkDuration(fn, 'options.timeout', o.timeout),
    onProgress: o.onProgress === undefined ? undefined : checkFunction(fn, 'options.onProgress', o.onProgress),
  };
}

/**
 * The state behind `wait` and `waitUntil`: tasks in submission order, the done ones in
 * completion order, and the rule for when to emit. Emitting completes the subscriber;
 * a teardown before that cancels the tasks this waiter started itself.
 */
export class Waiter<T> {
  /** Every task, in submission order. */
  private readonly tasks: Task<T>[] = [];
  /** Which of `tasks` this waiter created (and so may cancel), by index. */
  private readonly own: boolean[] = [];
  /** Done tasks, in completion order. */
  private readonly done: Task<T>[] = [];
  /** Listeners on tasks not yet done. */
  private readonly watchers = new Set<Unsubscribable>();
  private failed = 0;
  /** No more tasks will be added. */
  private ended = false;
  /** The result was emitted (or the run failed): tasks are no longer ours to cancel. */
  private finished = false;
  private readonly deadline: Unsubscribable | undefined;

  constructor(
    private readonly fn: string,
    private readonly subscriber: Subscriber<WaitResult<T>>,
    private readonly options: ParsedWaitOptions,
    /** The number of inputs when known up front. */
    private readonly knownTotal: number | undefined,
    /**
     * Whether the condition may hold before `end()`. `wait` adds all its inputs first
     * (so done and pending always partition them); `waitUntil` emits as soon as it can.
     */
    private readonly eager: boolean,
  ) {
    this.deadline = scheduleDeadline(options.timeout, () => this.emit());
    subscriber.add(() => this.teardown());
  }

  /** Adds an input: a Task is watched as it is, anything else is started as a Task. */
  add(input: unknown, param: string): void {
    const own = !(input instanceof Task);
    const task = own ? new Task<T>(input as never, this.fn, param) : (input as Task<T>);
    this.tasks.push(task);
    this.own.push(own);
    let sync = true;
    let settled = false;
    const onSettled = (failed: boolean): void => {
      settled = true;
      if (!sync) this.watchers.delete(watcher);
      this.settle(task, failed);
    };
    const watcher = task.subscribe({
      error: () => onSettled(!task.cancelled()),
      complete: () => onSettled(false),
    });
    sync = false;
    if (!settled) {
      if (this.finished) watcher.unsubscribe();
      else this.watchers.add(watcher);
    }
  }

  /** No more tasks will be added: the waiter can now tell when all are done. */
  end(): void {
    this.ended = true;
    this.check();
  }

  private settle(task: Task<T>, failed: boolean): void {
    if (this.finished) return;
    this.done.push(task);
    if (failed) this.failed++;
    if (this.options.onProgress !== undefined) {
      try {
        this.options.onProgress({ done: this.done.length, failed: this.failed, total: this.ended ? this.tasks.length : this.knownTotal });
      } catch (err) {
        this.subscriber.error(err);
        return;
      }
    }
    this.check();
  }

  private check(): void {
    if (this.finished || (!this.ended && !this.eager)) return;
    const { returnWhen } = this.options;
    if (
      (this.ended && this.done.length === this.tasks.length) ||
      (returnWhen === FIRST_COMPLETED && this.done.length > 0) ||
      (returnWhen === FIRST_EXCEPTION && this.failed > 0)
    ) {
      this.emit();
    }
  }

  private emit(): void {
    if (this.finished) return;
    this.finished = true;
    const pending = this.tasks.filter((task) => !task.done());
    this.subscriber.next({ done: this.done.slice(), pending });
    this.subscriber.complete();
  }

  private teardown(): void {
    this.deadline?.unsubscribe();
    for (const watcher of this.watchers) watcher.unsubscribe();
    this.watchers.clear();
    if (this.finished) return;
    // Torn down before emitting: the caller no longer wants these tasks.
    this.finished = true;
    // Newest first, so a task queued for a shared permit leaves before an older one frees it.
    for (let i = this.tasks.length - 1; i >= 0; i--) if (this.own[i]) this.tasks[i]!.cancel();
  }
}
