import { EmptyError, Observable, from, observable as symbolObservable } from 'rxjs';
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
 * Starts one input and reports its outcome once, after the input's teardown: its last
 * value on completion, an `EmptyError` if it completes without a value, or its error. Returns how to stop it,
 * or `undefined` if there is nothing to stop (it settled synchronously, or is a Promise).
 *
 * This is the per-input hot path of every pool, so it avoids Observable machinery where
 * it can: a Promise is awaited directly (it cannot be cancelled anyway, so the caller
 * must ignore an outcome that comes after it has ended), and inner subscriptions are never chained to a parent
 * Subscription, whose finalizer array would make removal O(n).
 *
 * `param` names the input in error messages; it is built lazily from `fn` and `index`.
 */
export function startInput(input: unknown, settle: SettleCallback, fn: string, index: number, param?: string): Unsubscribable | undefined {
  let source: unknown = input;
  if (typeof source === 'function') {
    try {
      source = (source as () => unknown)();
    } catch (err) {
      settle(false, err);
      return undefined;
    }
    if (!isObservableInput(source)) {
      settle(false, notInputReturned(fn, param ?? `inputs[${index}]`, source));
      return undefined;
    }
  }
  if (!(source instanceof Observable) && typeof (source as PromiseLike<unknown>).then === 'function') {
    return awaitPromise(source as PromiseLike<unknown>, settle);
  }
  let ended = false;
  let ok = false;
  let hasValue = false;
  let last: unknown;
  const subscription = from(source as ObservableInput<unknown>).subscribe({
    next: (value) => {
      hasValue = true;
      last = value;
    },
    error: (err: unknown) => {
      ended = true;
      last = err;
    },
    complete: () => {
      ended = true;
      ok = hasValue;
      if (!hasValue) last = emptyError(fn, param ?? `inputs[${index}]`);
    },
  });
  // The outcome is reported only once the input's own teardown has run (as mergeMap
  // does), so a slot, permit or socket is never handed on while the input still holds
  // it. A synchronous input is torn down by the time `subscribe` returns; otherwise a
  // finalizer added now runs right after the source's teardown.
  if (ended) {
    settle(ok, last);
    return undefined;
  }
  subscription.add(() => {
    if (ended) settle(ok, last);
  });
  return subscription;
}

/**
 * Awaits a Promise. There is nothing to stop (a Promise cannot be cancelled), so no
 * handle is returned: every caller ignores an outcome that arrives after it has ended.
 */
function awaitPromise(promise: PromiseLike<unknown>, settle: SettleCallback): undefined {
  promise.then(
    (value) => settle(true, value),
    (err: unknown) => settle(false, err),
  );
  return undefined;
}

/** rxjs's own EmptyError (so `instanceof EmptyError` holds), with a message saying which input. */
export function emptyError(fn: string, param: string): EmptyError {
  const err = new EmptyError();
  err.message = `${fn}: ${param} completed without a value`;
  return err;
}
