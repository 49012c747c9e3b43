/**
 * Every argument check of the library, in one place. Each throws at call time, with a
 * message of one shape, `fn: param must be <expected>, got <value>`: a `TypeError` for a
 * value of the wrong kind, a `RangeError` for the right kind out of range.
 *
 * Checks on a request's path build their message only when they fail.
 */
import { Observable, observable as symbolObservable } from 'rxjs';
import type { ObservableInput } from 'rxjs';
import type { Limiter, TaskInput } from '../types';

/** A short, readable rendering of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  // A symbol, a boolean, undefined and null read as they are written.
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const shown = keys.slice(0, 5).join(', ');
    return keys.length > 5 ? `{ ${shown}, ... }` : `{ ${shown} }`;
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of ${name}` : 'an object';
}

/** Throws the library's error for a bad argument. */
export function fail(kind: 'type' | 'range', fn: string, param: string, expected: string, value: unknown): never {
  const message = `${fn}: ${param} must be ${expected}, got ${describe(value)}`;
  throw kind === 'type' ? new TypeError(message) : new RangeError(message);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads an options bag: an object whose own keys are all `known`, or `undefined` (then
 * an empty one) unless it is `'required'`. Returns a copy of its own properties only, so that an
 * inherited property (a polluted `Object.prototype.concurrency`, say) is never read as
 * an option. `'plain'` refuses anything but a plain object (a request's config).
 */
export function readOptions<O extends object>(
  fn: string,
  param: string,
  options: O | undefined,
  known: readonly string[],
  kind: 'optional' | 'required' | 'plain' = 'optional',
): Partial<O> {
  // Without a prototype: left out, the options are still no way to an inherited one.
  if (options === undefined && kind !== 'required') return Object.create(null) as Partial<O>;
  const plain = kind === 'plain';
  if (plain ? !isPlainObject(options) : typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('type', fn, param, plain ? 'a plain object' : 'an object', options);
  }
  const own: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(options as object)) {
    if (!known.includes(key)) {
      const value = (options as Record<string, unknown>)[key];
      throw new TypeError(`${fn}: ${param}.${key} is not a known option (expected one of ${known.join(', ')}), got ${describe(value)}`);
    }
    own[key] = (options as Record<string, unknown>)[key];
  }
  return own as Partial<O>;
}

/**
 * The options of `fn` read by {@link readOptions} (`o`, named `param`), one at a time:
 * `read(key, check, fallback)` is option `key` checked by `check` (its messages naming
 * `param.key`) when it is given, else `fallback`.
 */
export function optionReader<O extends object>(
  fn: string,
  param: string,
  o: Partial<O>,
): <T>(key: keyof O & string, check: (fn: string, param: string, value: unknown) => T, fallback: T) => T {
  return (key, check, fallback) => (o[key] === undefined ? fallback : check(fn, `${param}.${key}`, o[key]));
}

/** The longest delay a timer takes: a longer one fires after 1 ms. */
export const MAX_DELAY = 2 ** 31 - 1;
const TOO_LONG = `at most ${MAX_DELAY} ms (a longer timer fires after 1 ms)`;

/**
 * A check of a numeric parameter: a number `accepts` takes, said in words as `expected`;
 * `tooLarge`, if given, is the more precise message for a finite number above MAX_DELAY.
 */
function numberCheck(expected: string, accepts: (n: number) => boolean, tooLarge?: string): (fn: string, param: string, value: unknown) => number {
  return (fn, param, value) => {
    if (typeof value !== 'number') return fail('type', fn, param, expected, value);
    if (accepts(value)) return value;
    return fail('range', fn, param, tooLarge !== undefined && value > MAX_DELAY && Number.isFinite(value) ? tooLarge : expected, value);
  };
}

/** A positive integer, or `Infinity` (a concurrency limit, a number of sockets). */
export const checkConcurrency = /* @__PURE__ */ numberCheck('a positive integer or Infinity', (n) => n === Infinity || (Number.isInteger(n) && n >= 1));
/** A positive integer (permits, counts). */
export const checkPositiveInteger = /* @__PURE__ */ numberCheck('a positive integer', (n) => Number.isInteger(n) && n >= 1);
/** A non-negative integer (a redirect limit). */
export const checkNonNegativeInteger = /* @__PURE__ */ numberCheck('a non-negative integer', (n) => Number.isInteger(n) && n >= 0);
/** A size in bytes: a non-negative integer, or `Infinity` for no limit (a body's largest size). */
export const checkByteLimit = /* @__PURE__ */ numberCheck(
  'a non-negative integer number of bytes or Infinity',
  (n) => n === Infinity || (Number.isSafeInteger(n) && n >= 0),
);
/** A deadline in ms: non-negative, at most what a timer takes; `Infinity` for none. */
export const checkDuration = /* @__PURE__ */ numberCheck(
  'a non-negative number of milliseconds',
  (n) => n === Infinity || (n >= 0 && n <= MAX_DELAY),
  `${TOO_LONG} or Infinity`,
);
/** A request timeout in ms: positive, at most what a timer takes; `Infinity` for none. */
export const checkTimeout = /* @__PURE__ */ numberCheck(
  `a positive number of milliseconds (at most ${MAX_DELAY}) or Infinity`,
  (n) => n === Infinity || (n > 0 && n <= MAX_DELAY),
);
/** A window of time in ms: positive and finite (a rate limiter's interval). */
export const checkInterval = /* @__PURE__ */ numberCheck('a positive, finite number of milliseconds', (n) => n > 0 && n <= MAX_DELAY, TOO_LONG);

export function checkBoolean(fn: string, param: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail('type', fn, param, 'a boolean', value);
  return value;
}

export function checkFunction<F>(fn: string, param: string, value: unknown): F {
  if (typeof value !== 'function') fail('type', fn, param, 'a function', value);
  return value as F;
}

/** A string among `allowed`: a `TypeError` for a non-string, a `RangeError` for another string. */
export function checkOneOf<S extends string>(fn: string, param: string, value: unknown, allowed: readonly S[]): S {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as S;
  return fail(typeof value === 'string' ? 'range' : 'type', fn, param, `one of ${allowed.join(', ')}`, value);
}

/** A {@link Limiter}: an object with a `run` method (a Semaphore, a RateLimiter, a Lock, a Redis limiter, ...). */
export function checkLimiter(fn: string, param: string, value: unknown): Limiter {
  if (typeof value !== 'object' || value === null || typeof (value as Partial<Limiter>).run !== 'function') {
    fail('type', fn, param, 'a Limiter (an object with a run(input) method)', value);
  }
  return value as Limiter;
}

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

export const INPUT_EXPECTED = 'an ObservableInput (Observable, Promise, iterable, ...) or a function returning one';

/** A task input: an ObservableInput, or a function (called later) returning one. */
export function checkTaskInput<T>(fn: string, param: string, value: unknown): TaskInput<T> {
  if (!isTaskInput(value)) fail('type', fn, param, INPUT_EXPECTED, value);
  return value as TaskInput<T>;
}
