import { EmptyError, Observable, Subscriber, from, observable as symbolObservable } from 'rxjs';
import type { ObservableInput, Unsubscribable } from 'rxjs';
import type { TaskInput } from '../types';
import { describe } from './validate';

const NOT_INPUT = 'an ObservableInput (Observable, Promise, iterable, ...) or a function returning one';

/** Whether rxjs `from()` accepts the value. Strings count: they are iterables. */
export function isObservableInput(value: unknown): value is ObservableInput<unknown> {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return true;
  if (typeof value !== 'object') return false;
  const v = value as Record<PropertyKey, unknown>;
  return (
    value instanceof Observable ||
    typeof v[symbolObservable] === 'function' ||
    typeof v.then === 'function' ||
    typeof v[Symbol.iterator] === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function' ||
    typeof v.length === 'number' ||
    typeof v.getReader === 'function'
  );
}

export function isTaskInput(value: unknown): value is TaskInput<unknown> {
  return typeof value === 'function' || isObservableInput(value);
}

/** Throws the library's TypeError for an element that is not a task input. */
export function checkTaskInput<T>(fn: string, param: string, value: unknown): TaskInput<T> {
  if (!isTaskInput(value)) throw new TypeError(`${fn}: ${param} must be ${NOT_INPUT}, got ${describe(value)}`);
  return value as TaskInput<T>;
}

function notInputReturned(fn: string, param: string, value: unknown): TypeError {
  return new TypeError(`${fn}: ${param} is a function that returned ${describe(value)}, not an ObservableInput`);
}

/**
 * A task input as a cold Observable. A function is called on each subscription; if it
 * throws or returns something that is not an ObservableInput, the subscriber gets the error.
 */
export function toObservable<T>(input: TaskInput<T>, fn: string, param: string): Observable<T> {
  if (typeof input !== 'function') return from(input);
  return new Observable<T>((subscriber) => {
    const made = input();
    if (!isObservableInput(made)) throw notInputReturned(fn, param, made);
    return from(made).subscribe(subscriber);
  });
}

/** Receives the one outcome of a started input. */
export type SettleCallback = (ok: boolean, value: unknown) => void;

/**
 * Receives the outcomes of many started inputs, by index (a pool). One object for all
 * its inputs, so starting an input allocates no callback of its own.
 */
export interface SettleTarget {
  inputSettled(index: number, ok: boolean, value: unknown): void;
  /** How error messages name input `index` (`inputs[3]`), built only when one is needed. */
  inputName(index: number): string;
}

/** A {@link SettleCallback} as a {@link SettleTarget}. */
class CallbackTarget implements SettleTarget {
  constructor(
    private readonly settle: SettleCallback,
    private readonly param: string | undefined,
  ) {}
  inputSettled(_index: number, ok: boolean, value: unknown): void {
    this.settle(ok, value);
  }
  inputName(index: number): string {
    return this.param ?? `inputs[${index}]`;
  }
}

/**
 * Starts one input and reports its outcome once, after the input's teardown: its last
 * value on completion, an `EmptyError` if it completes without a value, or its error. Returns how to stop it,
 * or `undefined` if there is nothing to stop (it settled synchronously, or is a Promise).
 *
 * `param` names the input in error messages; it is built lazily from `fn` and `index`.
 */
export function startInput(input: unknown, settle: SettleCallback, fn: string, index: number, param?: string): Unsubscribable | undefined {
  return startInputFor(new CallbackTarget(settle, param), input, fn, index);
}

/**
 * {@link startInput} reporting to `target.inputSettled(index, ...)`. The outcome is
 * reported once; a handle is returned only for an input that has not settled yet (an
 * Observable still running), and a pool can keep it in a {@link RunningInputs}.
 *
 * This is the per-input hot path of every pool, so it avoids Observable machinery and
 * allocation where it can: a Promise is awaited directly (it cannot be cancelled anyway,
 * so the caller must ignore an outcome that comes after it has ended), an Observable is
 * subscribed with one {@link InputSubscriber} (no SafeSubscriber, observer wrapper or
 * closures per input), and inner subscriptions are never chained to a parent
 * Subscription, whose finalizer array would make removal O(n).
 */
export function startInputFor(target: SettleTarget, input: unknown, fn: string, index: number): RunningInput | undefined {
  let source: unknown = input;
  if (typeof source === 'function') {
    try {
      source = (source as () => unknown)();
    } catch (err) {
      target.inputSettled(index, false, err);
      return undefined;
    }
    // The common case first: a native Promise needs no further checks.
    if (source instanceof Promise) return awaitPromise(source, target, index);
    if (!isObservableInput(source)) {
      target.inputSettled(index, false, notInputReturned(fn, target.inputName(index), source));
      return undefined;
    }
  }
  if (!(source instanceof Observable) && typeof (source as PromiseLike<unknown>).then === 'function') {
    return awaitPromise(source as PromiseLike<unknown>, target, index);
  }
  const subscriber = new InputSubscriber(target, fn, index);
  from(source as ObservableInput<unknown>).subscribe(subscriber);
  // A synchronous input has ended, and been torn down, by the time `subscribe` returns:
  // its outcome is reported now, after that teardown.
  const state = subscriber.state;
  subscriber.state = state & ~SUBSCRIBING;
  if ((state & ENDED) !== 0) {
    target.inputSettled(index, (state & OK) !== 0, subscriber.last);
    return undefined;
  }
  return subscriber;
}

/** {@link InputSubscriber} state bits. */
const SUBSCRIBING = 1;
const ENDED = 2;
const OK = 4;
const HAS_VALUE = 8;

/** A running Observable input: how to stop it, and its place in a {@link RunningInputs}. */
export type RunningInput = InputSubscriber;

/**
 * Subscribes one input and keeps its last value. A `Subscriber` subclass, so rxjs uses
 * it as it is (no SafeSubscriber and observer wrapper around it). The outcome is
 * reported only once the input's own teardown has run (as mergeMap does), so a slot,
 * permit or socket is never handed on while the input still holds it: on completion or
 * error it unsubscribes itself (running the source's finalizers), leaves its
 * {@link RunningInputs}, and then reports, unless it is still inside `subscribe`, in
 * which case `startInputFor` reports once `subscribe` has returned (rxjs runs the
 * teardown of a source that ended synchronously as `subscribe` returns).
 *
 * Kept small (one of these lives per running input): flags in one `state` field, and
 * the links of the running list in the object itself.
 */
export class InputSubscriber extends Subscriber<unknown> {
  /** SUBSCRIBING | ENDED | OK | HAS_VALUE. */
  state = SUBSCRIBING;
  /** The last value, or the error. */
  last: unknown = undefined;
  /** The list this input is in while it runs, and its neighbours there. */
  list: RunningInputs | undefined = undefined;
  previous: InputSubscriber | undefined = undefined;
  following: InputSubscriber | undefined = undefined;

  constructor(
    private readonly target: SettleTarget,
    private readonly fn: string,
    private readonly index: number,
  ) {
    super();
  }

  protected override _next(value: unknown): void {
    this.state |= HAS_VALUE;
    this.last = value;
  }

  protected override _error(err: unknown): void {
    this.state |= ENDED;
    this.last = err;
    this.finish();
  }

  protected override _complete(): void {
    if ((this.state & HAS_VALUE) !== 0) this.state |= ENDED | OK;
    else {
      this.state |= ENDED;
      this.last = emptyError(this.fn, this.target.inputName(this.index));
    }
    this.finish();
  }

  private finish(): void {
    try {
      this.unsubscribe();
    } finally {
      this.list?.remove(this);
      if ((this.state & SUBSCRIBING) === 0) this.target.inputSettled(this.index, (this.state & OK) !== 0, this.last);
    }
  }
}

/**
 * The Observable inputs a pool is running, in start order: a doubly linked list through
 * the inputs themselves, so adding and removing are O(1) and allocate nothing (a Map
 * keyed by index costs a hash insert and delete per input, and rehashes as it grows and
 * shrinks).
 */
export class RunningInputs {
  private first: InputSubscriber | undefined = undefined;
  private last: InputSubscriber | undefined = undefined;

  add(input: RunningInput): void {
    input.list = this;
    input.previous = this.last;
    input.following = undefined;
    if (this.last === undefined) this.first = input;
    else this.last.following = input;
    this.last = input;
  }

  remove(input: RunningInput): void {
    if (input.list !== this) return;
    const { previous, following } = input;
    if (previous === undefined) this.first = following;
    else previous.following = following;
    if (following === undefined) this.last = previous;
    else following.previous = previous;
    input.list = input.previous = input.following = undefined;
  }

  /**
   * Empties the list, then unsubscribes every input that was in it, newest first: an
   * input queued for a shared permit (behind its older siblings) leaves the queue before
   * an older one gives its permit back, so no sibling is started only to be cancelled.
   */
  unsubscribeAll(): void {
    const inputs: InputSubscriber[] = [];
    for (let input = this.first; input !== undefined; input = input.following) inputs.push(input);
    for (const input of inputs) input.list = input.previous = input.following = undefined;
    this.first = this.last = undefined;
    for (let i = inputs.length - 1; i >= 0; i--) inputs[i]!.unsubscribe();
  }
}

/**
 * Awaits a Promise. There is nothing to stop (a Promise cannot be cancelled), so no
 * handle is returned: every caller ignores an outcome that arrives after it has ended.
 */
function awaitPromise(promise: PromiseLike<unknown>, target: SettleTarget, index: number): undefined {
  promise.then(
    (value) => target.inputSettled(index, true, value),
    (err: unknown) => target.inputSettled(index, false, err),
  );
  return undefined;
}

/** rxjs's own EmptyError (so `instanceof EmptyError` holds), with a message saying which input. */
export function emptyError(fn: string, param: string): EmptyError {
  const err = new EmptyError();
  err.message = `${fn}: ${param} completed without a value`;
  return err;
}
