import type { Observable, ObservableInput, ObservedValueOf } from 'rxjs';

/**
 * Anything that can become a task: an Observable, a Promise, an iterable, ... or a
 * function returning one. A function is called only when its task is started, so a
 * Promise-returning function does no work before a concurrency slot is free.
 */
export type TaskInput<T> = ObservableInput<T> | (() => ObservableInput<T>);

/** The result type of a task input: `ResultOf<() => Promise<number>>` is `number`. */
export type ResultOf<I> = I extends () => infer O ? ObservedValueOf<O> : I extends ObservableInput<unknown> ? ObservedValueOf<I> : never;

/** What `onProgress` receives after each input settles. */
export interface Progress {
  /** Inputs settled so far, failed ones included. */
  readonly done: number;
  /** Inputs that failed so far. */
  readonly failed: number;
  /** Number of inputs; `undefined` while a lazy iterable (or operator source) is not exhausted. */
  readonly total: number | undefined;
}

/** Options shared by `gather`, `asCompleted` and their operators. */
export interface PoolOptions {
  /** At most this many inputs subscribed at once, started in submission order. Default `Infinity`. */
  readonly concurrency?: number;
  /** Deadline in ms for the whole run, from subscription: `TimeoutError`, running inputs unsubscribed. */
  readonly timeout?: number;
  /** Put failures in the results (as the thrown value) instead of failing. Default `false`. */
  readonly returnExceptions?: boolean;
  /** Called after each input settles. */
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * With `returnExceptions: true`, a slot holds either the result or the thrown value.
 * The thrown value is typed `Error`, the common case, but it is whatever was thrown,
 * which need not be one (Angular's `HttpErrorResponse` is not, nor is a thrown string):
 * tell a failure from a result with a check that fits what your inputs throw, not with
 * `instanceof Error` alone.
 */
export type Settled<T> = T | Error;

/**
 * Anything that limits work (asyncio's `async with limiter:`): `run(input)` is a cold
 * Observable that, on each subscription, waits until the limiter lets the input start,
 * then subscribes to it and mirrors it. `Semaphore`, `RateLimiter` and the limiters of
 * the other entry points implement it, so `withPermit`, `rateLimit` and a session's
 * `semaphore` and `rateLimiter` options take any of them.
 */
export interface Limiter {
  /**
   * Runs `input` under the limit: a cold Observable that, on each subscription, waits
   * until the limiter lets the input start, then subscribes to it (calling it first, if
   * it is a function) and mirrors it.
   *
   * @param input An ObservableInput (Observable, Promise, iterable, ...) or a function returning one.
   * @returns An Observable mirroring the input, subscribed to it once the limiter allows.
   */
  run<T>(input: TaskInput<T>): Observable<T>;
}
