/**
 * The engine behind `wait` and `waitUntil`: tasks watched until a condition holds, then
 * split into those done and those pending.
 */
import type { Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { Task, completionOrder } from '../task';
import type { Progress } from '../types';
import { startDeadline } from './deadline';
import type { Expiring } from './deadline';
import { DONE, WAIT } from './inputs';
import type { Feed, FeedOwner } from './inputs';
import { checkDuration, checkFunction, checkOneOf, readOptions } from './validate';

/** `wait` returns when every task is done (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';
/** `wait` returns when any task is done (succeeded, failed or cancelled). */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait` returns when any task fails, or when all are done if none fails. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';

/** When `wait` and `waitUntil` emit: `ALL_COMPLETED`, `FIRST_COMPLETED` or `FIRST_EXCEPTION`. */
export type ReturnWhen = typeof ALL_COMPLETED | typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION;
const RETURN_WHEN: readonly ReturnWhen[] = [ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION];

/** What `wait` and `waitUntil` emit: every task in exactly one of the two lists. */
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
  /** Called after each task ends. */
  readonly onProgress?: (progress: Progress) => void;
}

export function checkReturnWhen(fn: string, param: string, value: unknown): ReturnWhen {
  return checkOneOf(fn, param, value, RETURN_WHEN);
}

export function readWatchOptions(fn: string, options: WaitOptions | undefined, known: readonly string[]) {
  const o = readOptions(fn, 'options', options, known);
  return {
    returnWhen: o.returnWhen === undefined ? ALL_COMPLETED : checkReturnWhen(fn, 'options.returnWhen', o.returnWhen),
    timeout: o.timeout === undefined ? undefined : checkDuration(fn, 'options.timeout', o.timeout),
    onProgress: o.onProgress === undefined ? undefined : checkFunction<(progress: Progress) => void>(fn, 'options.onProgress', o.onProgress),
  };
}

/** The options of `wait` and `waitUntil`, checked. */
export type WatchOptions = Readonly<ReturnType<typeof readWatchOptions>>;

/**
 * The tasks of one subscription to `wait` or `waitUntil`, and the rule for when to
 * emit. Notifications from the tasks say *when* to look; what is done and what is
 * pending is read from the tasks' own state at that moment, so a task that ended in the
 * same instant as the one that met the condition is in `done`, and every task is in
 * exactly one list. Emitting completes the subscriber; a teardown before that cancels
 * the tasks this watch started itself.
 *
 * It takes every input its feed has as soon as the feed has it (a watch starts every
 * input, so `wait` takes the whole list, an async one as it comes, before it can emit).
 */
export class Watch<T> implements Expiring, FeedOwner, Unsubscribable {
  /** Every task, in submission order. */
  private readonly tasks: Task<T>[] = [];
  /** Which of `tasks` this watch started (and so may cancel), by index. */
  private readonly own: boolean[] = [];
  /** Listeners on tasks not yet heard from. */
  private readonly listeners = new Set<Unsubscribable>();
  /** Tasks heard to have ended, and how many of them failed. */
  private ended = 0;
  private failed = 0;
  /** No more tasks will be added. */
  private complete = false;
  /** The result was emitted (or the run failed): tasks are no longer ours to cancel. */
  private finished = false;
  private readonly deadline: Subscription | undefined;
  /** Where the inputs come from. */
  private readonly feed: Feed;

  constructor(
    private readonly fn: string,
    private readonly subscriber: Subscriber<WaitResult<T>>,
    private readonly options: WatchOptions,
    /** The number of inputs when known up front. */
    private readonly count: number | undefined,
    /**
     * Whether the condition may hold before `end()`. `wait` adds all its inputs first;
     * `waitUntil` emits as soon as it can.
     */
    private readonly eager: boolean,
    /** How messages name input `index`. */
    private readonly inputName: (index: number) => string,
    feed: (owner: FeedOwner) => Feed,
  ) {
    this.feed = feed(this);
    this.deadline = startDeadline(options.timeout, this);
    subscriber.add(this);
  }

  /** Takes what the feed has now; once it is DONE, the watch can tell when all are done. */
  pump(): void {
    try {
      for (;;) {
        if (this.subscriber.closed) return;
        const input = this.feed.pull();
        if (input === WAIT) return;
        if (input === DONE) return this.end();
        this.add(input, this.inputName(this.tasks.length));
      }
    } catch (err) {
      // The list itself failed (an iterator threw, or gave something that is not an input).
      this.feedFailed(err);
    }
  }

  /** The list failed: the tasks it started are cancelled (and the source let go), then the subscriber hears of it. */
  feedFailed(err: unknown): void {
    this.unsubscribe();
    this.subscriber.error(err);
  }

  /** Adds an input: a Task is watched as it is, anything else is started as a Task. */
  private add(input: unknown, param: string): void {
    const own = !(input instanceof Task);
    const task = own ? new Task<T>(input as never, this.fn, param) : (input as Task<T>);
    this.tasks.push(task);
    this.own.push(own);
    let listener: Unsubscribable | undefined;
    let heard = false;
    const onEnd = (failed: boolean): void => {
      heard = true;
      if (listener !== undefined) this.listeners.delete(listener);
      this.heard(failed);
    };
    listener = task.subscribe({ error: () => onEnd(!task.cancelled()), complete: () => onEnd(false) });
    if (heard) return;
    if (this.finished) listener.unsubscribe();
    else this.listeners.add(listener);
  }

  /** No more tasks will be added: the watch can now tell when all are done. */
  private end(): void {
    this.complete = true;
    this.check();
  }

  private heard(failed: boolean): void {
    if (this.finished) return;
    this.ended++;
    if (failed) this.failed++;
    if (this.options.onProgress !== undefined) {
      try {
        this.options.onProgress({ done: this.ended, failed: this.failed, total: this.complete ? this.tasks.length : this.count });
      } catch (err) {
        this.subscriber.error(err);
        return;
      }
    }
    this.check();
  }

  private check(): void {
    if (this.finished || (!this.complete && !this.eager)) return;
    const { returnWhen } = this.options;
    if (
      (this.complete && this.ended === this.tasks.length) ||
      (returnWhen === FIRST_COMPLETED && this.ended > 0) ||
      (returnWhen === FIRST_EXCEPTION && this.failed > 0)
    ) {
      this.emit();
    }
  }

  /** The deadline passed: emit whatever is done (Expiring). */
  expire(): void {
    this.emit();
  }

  private emit(): void {
    if (this.finished) return;
    this.finished = true;
    const done: Task<T>[] = [];
    const pending: Task<T>[] = [];
    for (const task of this.tasks) (task.done() ? done : pending).push(task);
    done.sort((a, b) => completionOrder(a) - completionOrder(b));
    this.subscriber.next({ done, pending });
    this.subscriber.complete();
  }

  unsubscribe(): void {
    this.deadline?.unsubscribe();
    for (const listener of this.listeners) listener.unsubscribe();
    this.listeners.clear();
    if (!this.finished) {
      // Torn down before emitting: the caller no longer wants these tasks.
      this.finished = true;
      // Newest first, so a task queued for a shared permit leaves before an older one frees it.
      for (let i = this.tasks.length - 1; i >= 0; i--) if (this.own[i]) this.tasks[i]!.cancel();
    }
    this.feed.release();
  }
}
