/**
 * The one way the library starts an input: {@link startInput}. A fan-out, a Task and
 * an input Observable (lib/internal/inputObservable.ts, under every limiter) all start
 * their inputs here, and hear back through an {@link InputTarget}.
 */
import { EmptyError, Observable, from } from 'rxjs';
import type { ObservableInput } from 'rxjs';
import type { Link, List } from './list';
import { EngineSubscriber } from './rxjs';
import { describe, isObservableInput } from './validate';

/**
 * Receives what a started input does. One object may receive the outcomes of many
 * inputs, by index (a fan-out), so starting an input allocates no callback of its own.
 */
export interface InputTarget {
  /**
   * A target with `inputValue` mirrors its inputs: every value is passed on to it, as
   * `semaphore.run` mirrors its input. Without it only the last value is kept, as a
   * task's result, and an input that completes without one fails with `EmptyError`.
   */
  inputValue?(index: number, value: unknown): void;
  /** An Observable input is about to be subscribed: `run` is how to stop it. */
  inputRunning(index: number, run: InputRun): void;
  /**
   * The input ended, once, after its teardown has run: `ok` with its last value, or
   * with its error. A Promise's outcome is reported even after the target has stopped
   * the input (a Promise cannot be stopped): a target that has ended ignores it.
   */
  inputEnded(index: number, ok: boolean, value: unknown): void;
  /** How error messages name input `index` (`inputs[3]`, `inputs.profile`), built only when one is needed. */
  inputName(index: number): string;
}

/**
 * Starts `input` for `target`: calls it if it is a function, awaits a Promise, or
 * subscribes an Observable (anything `from()` takes) with one {@link InputRun}. A
 * function that throws, or returns something that is not an ObservableInput, ends the
 * input with that error.
 *
 * The per-input hot path of every fan-out, so it avoids Observable machinery where it
 * can: a Promise is awaited directly, an Observable is subscribed with one InputRun (no
 * SafeSubscriber, observer wrapper or closures), and nothing is chained to a parent
 * Subscription, whose finalizer array would make removal O(n).
 */
export function startInput(target: InputTarget, index: number, input: unknown, fn: string): void {
  let source: unknown = input;
  if (typeof source === 'function') {
    try {
      source = (source as () => unknown)();
    } catch (err) {
      target.inputEnded(index, false, err);
      return;
    }
    // The common case first: a native Promise needs no further checks.
    if (source instanceof Promise) return awaitPromise(source, target, index);
    if (!isObservableInput(source)) {
      target.inputEnded(
        index,
        false,
        new TypeError(`${fn}: ${target.inputName(index)} is a function that returned ${describe(source)}, not an ObservableInput`),
      );
      return;
    }
  }
  if (!(source instanceof Observable) && typeof (source as PromiseLike<unknown>).then === 'function') {
    return awaitPromise(source as PromiseLike<unknown>, target, index);
  }
  const run = new InputRun(target, index, fn);
  target.inputRunning(index, run);
  let thrown: { error: unknown } | undefined;
  try {
    from(source as ObservableInput<unknown>).subscribe(run);
  } catch (error) {
    // A source that fails to start, or, once it has ended, a teardown that threw.
    thrown = { error };
  }
  const state = run.state;
  run.state = state & ~SUBSCRIBING;
  if ((state & ENDED) === 0) {
    if (thrown !== undefined && !run.closed) run.error(thrown.error);
    return;
  }
  // A synchronous input has ended, and been torn down, by the time `subscribe` returns
  // (lib/internal/rxjs.ts, point 2): its outcome is reported now, after that teardown.
  target.inputEnded(index, (state & OK) !== 0, run.last);
  if (thrown !== undefined) throw thrown.error;
}

/** {@link InputRun} state bits. */
const SUBSCRIBING = 1;
const ENDED = 2;
const OK = 4;
const HAS_VALUE = 8;

/**
 * One running Observable input. On completion or error it unsubscribes itself first
 * (running the source's finalizers), leaves the list it is in, and only then reports,
 * so a slot, permit or socket is never handed on while the input still holds it. If it
 * ends while still inside `subscribe()`, {@link startInput} reports once `subscribe()`
 * has returned. Unsubscribed from outside, it reports nothing: whoever stopped it knows.
 *
 * Small, as one lives per running input: flags in one field, and its links in a list
 * (a fan-out's running inputs) in the object itself.
 */
export class InputRun extends EngineSubscriber<unknown> implements Link<InputRun> {
  /** SUBSCRIBING | ENDED | OK | HAS_VALUE. */
  state = SUBSCRIBING;
  /** The last value, or the error. */
  last: unknown = undefined;
  list: List<InputRun> | undefined = undefined;
  prevItem: InputRun | undefined = undefined;
  nextItem: InputRun | undefined = undefined;
  private readonly mirror: boolean;

  constructor(
    private readonly target: InputTarget,
    private readonly index: number,
    private readonly fn: string,
  ) {
    super();
    this.mirror = target.inputValue !== undefined;
  }

  protected override _next(value: unknown): void {
    if (this.mirror) this.target.inputValue!(this.index, value);
    else {
      this.state |= HAS_VALUE;
      this.last = value;
    }
  }

  protected override _error(err: unknown): void {
    this.state |= ENDED;
    this.last = err;
    this.end();
  }

  protected override _complete(): void {
    if (this.mirror || (this.state & HAS_VALUE) !== 0) this.state |= ENDED | OK;
    else {
      this.state |= ENDED;
      this.last = emptyError(this.fn, this.target.inputName(this.index));
    }
    this.end();
  }

  private end(): void {
    try {
      this.unsubscribe();
    } finally {
      this.list?.remove(this);
      if ((this.state & SUBSCRIBING) === 0) this.target.inputEnded(this.index, (this.state & OK) !== 0, this.last);
    }
  }
}

/**
 * Awaits a Promise (or any thenable), reporting its outcome whenever it comes.
 *
 * Input 0 (a Task's only input, made per input of a task group) is reported through two
 * shared functions bound to the target: a bound function is smaller than a closure and
 * the context it would share with its sibling (48 bytes held until the Promise settles,
 * against 104).
 */
function awaitPromise(promise: PromiseLike<unknown>, target: InputTarget, index: number): void {
  try {
    if (index === 0) promise.then(fulfilledFirst.bind(target), rejectedFirst.bind(target));
    else {
      promise.then(
        (value) => {
          target.inputValue?.(index, value);
          target.inputEnded(index, true, value);
        },
        (err: unknown) => target.inputEnded(index, false, err),
      );
    }
  } catch (err) {
    // A thenable whose `then` throws.
    target.inputEnded(index, false, err);
  }
}

function fulfilledFirst(this: InputTarget, value: unknown): void {
  this.inputValue?.(0, value);
  this.inputEnded(0, true, value);
}

function rejectedFirst(this: InputTarget, err: unknown): void {
  this.inputEnded(0, false, err);
}

/**
 * Marks a Promise input that will never be started as handled (as `Promise.all` does
 * for the Promises it is given), so that its rejection, if any, is not reported as
 * unhandled: an input left behind by a run that ended early, a queued job that left.
 * A function input has made no Promise yet; anything else has nothing to mark.
 */
export function markHandled(input: unknown): void {
  if (typeof input !== 'object' || input === null || input instanceof Observable) return;
  const then = (input as Partial<PromiseLike<unknown>>).then;
  if (typeof then !== 'function') return;
  try {
    then.call(input, undefined, ignore);
  } catch {
    // A thenable whose `then` throws has no rejection to report.
  }
}

function ignore(): void {}

/** rxjs's own EmptyError (so `instanceof EmptyError` holds), with a message saying which input. */
export function emptyError(fn: string, name: string): EmptyError {
  const err = new EmptyError();
  err.message = `${fn}: ${name} completed without a value`;
  return err;
}
