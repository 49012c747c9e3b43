/**
 * Retries of a request (aiohttp-retry, ky's `retry`): a policy read from the `retry`
 * option, and the operator that sends a request again. The waits run on RxJS's
 * `asyncScheduler`, so every retry, backoff and `Retry-After` is marble-testable.
 */
import type { Observable } from 'rxjs';
import { TimeoutError, asyncScheduler, catchError, mergeMap, of, retry, throwError, timer } from 'rxjs';
import { MAX_DELAY, checkDuration, checkFunction, checkNonNegativeInteger, describe, fail, readOptions } from '../internal/validate';
import { HttpStatusError } from './errors/HttpStatusError';
import { NetworkError } from './errors/NetworkError';
import type { HttpMethod, HttpResponse } from './types';

/** The `retry` option of a session or a request: a retry limit, or all of it. */
export type RetryOptions =
  | number
  | {
      /** How many times a request is sent again at most. Default 2. */
      readonly limit?: number;
      /** The methods retried (any case). Default the idempotent GET, HEAD, PUT, DELETE, OPTIONS. */
      readonly methods?: readonly string[];
      /** The statuses retried. Default 408, 413, 429, 500, 502, 503, 504. */
      readonly statusCodes?: readonly number[];
      /** The wait in ms before retry `n` (1 for the first). Default 300 ms × 2^(n-1), with full jitter. */
      readonly delay?: (n: number) => number;
      /** The longest wait, `Retry-After` included. Default 30,000 ms. */
      readonly maxDelay?: number;
    };

/** A retry policy, checked. */
export interface RetryPolicy {
  readonly limit: number;
  readonly methods: readonly HttpMethod[];
  readonly statusCodes: readonly number[];
  readonly delay: (n: number) => number;
  readonly maxDelay: number;
}

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'];
const ALL_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const STATUS_CODES: readonly number[] = [408, 413, 429, 500, 502, 503, 504];
/** The statuses whose `Retry-After` is honoured. */
const RETRY_AFTER: readonly number[] = [413, 429, 503];
const KEYS = ['limit', 'methods', 'statusCodes', 'delay', 'maxDelay'];

/** 300 ms × 2^(n-1), with full jitter: anywhere from 0 to that, so clients that failed together do not retry together. */
function backoff(n: number): number {
  return Math.random() * 300 * 2 ** (n - 1);
}

/** Reads the `retry` option of `fn` (`param` is its name there), at call time. */
export function readRetry(fn: string, param: string, value: unknown): RetryPolicy {
  if (typeof value === 'number') return { ...DEFAULTS, limit: checkNonNegativeInteger(fn, param, value) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('type', fn, param, 'a retry limit or an object', value);
  const o = readOptions(fn, param, value as Exclude<RetryOptions, number>, KEYS);
  return {
    limit: o.limit === undefined ? DEFAULTS.limit : checkNonNegativeInteger(fn, `${param}.limit`, o.limit),
    methods: o.methods === undefined ? METHODS : checkMethods(fn, `${param}.methods`, o.methods),
    statusCodes: o.statusCodes === undefined ? STATUS_CODES : checkStatusCodes(fn, `${param}.statusCodes`, o.statusCodes),
    delay: o.delay === undefined ? backoff : checkFunction(fn, `${param}.delay`, o.delay),
    maxDelay: o.maxDelay === undefined ? DEFAULTS.maxDelay : checkDuration(fn, `${param}.maxDelay`, o.maxDelay),
  };
}

const DEFAULTS: RetryPolicy = { limit: 2, methods: METHODS, statusCodes: STATUS_CODES, delay: backoff, maxDelay: 30_000 };

function checkMethods(fn: string, param: string, value: unknown): HttpMethod[] {
  const expected = `an array of HTTP methods (${ALL_METHODS.join(', ')})`;
  if (!Array.isArray(value)) return fail('type', fn, param, expected, value);
  return value.map((method: unknown, i) => {
    const upper = typeof method === 'string' ? method.toUpperCase() : undefined;
    if (upper === undefined || !ALL_METHODS.includes(upper))
      fail(upper === undefined ? 'type' : 'range', fn, `${param}[${i}]`, `one of ${ALL_METHODS.join(', ')}`, method);
    return upper as HttpMethod;
  });
}

function checkStatusCodes(fn: string, param: string, value: unknown): number[] {
  if (!Array.isArray(value)) return fail('type', fn, param, 'an array of status codes', value);
  return value.map((code: unknown, i) => {
    if (typeof code !== 'number') fail('type', fn, `${param}[${i}]`, 'a status code from 100 to 599', code);
    if (!(Number.isInteger(code) && code >= 100 && code <= 599)) fail('range', fn, `${param}[${i}]`, 'a status code from 100 to 599', code);
    return code;
  });
}

/** A response whose status says "try again": carried as an error through rxjs's `retry`, and given back if it was the last. */
class RetryableStatus extends Error {
  constructor(readonly response: HttpResponse) {
    super(`status ${response.status}`);
  }
}

/**
 * Sends a request again, as `policy` says: `attempt` is one whole try (its own permit,
 * rate-limit start and timeout; a cold Observable subscribed once per try). A status
 * in `statusCodes`, a `NetworkError` or a timeout is retried, at most `limit` times,
 * after `delay(n)` ms (or a `Retry-After` on a 413, 429 or 503), capped at
 * `maxDelay`. Once the limit is reached, the last failure is raised, or the last
 * response returned when its status was the reason (and `raiseForStatus` is off).
 *
 * ```text
 * attempt:               --503|  --503|  --200|
 * withRetry (waits 3):   --------------------200|    two retries, 3 frames apart
 * ```
 */
export function withRetry(attempt: Observable<HttpResponse>, policy: RetryPolicy | undefined, method: HttpMethod): Observable<HttpResponse> {
  if (policy === undefined || policy.limit === 0 || !policy.methods.includes(method)) return attempt;
  const { statusCodes } = policy;
  return attempt.pipe(
    mergeMap((response) => (statusCodes.includes(response.status) ? throwError(() => new RetryableStatus(response)) : of(response))),
    retry({ count: policy.limit, delay: (err: unknown, n) => (isRetryable(err, statusCodes) ? timer(waitBefore(policy, n, err)) : throwError(() => err)) }),
    catchError((err: unknown) => (err instanceof RetryableStatus ? of(err.response) : throwError(() => err))),
  );
}

function isRetryable(err: unknown, statusCodes: readonly number[]): boolean {
  return (
    err instanceof RetryableStatus ||
    err instanceof NetworkError ||
    err instanceof TimeoutError ||
    (err instanceof HttpStatusError && statusCodes.includes(err.status))
  );
}

/** The wait in ms before retry `n`: `Retry-After` where it applies, else the policy's delay; capped at `maxDelay`. */
function waitBefore(policy: RetryPolicy, n: number, err: unknown): number {
  const response = err instanceof RetryableStatus || err instanceof HttpStatusError ? err.response : undefined;
  const after = response !== undefined && RETRY_AFTER.includes(response.status) ? retryAfter(response.headers['retry-after']) : undefined;
  const wanted = after ?? policy.delay(n);
  if (typeof wanted !== 'number' || !(wanted >= 0)) {
    throw new TypeError(`retry: delay(${n}) must return a non-negative number of milliseconds, got ${describe(wanted)}`);
  }
  return Math.min(wanted, policy.maxDelay, MAX_DELAY);
}

/** `Retry-After` in ms: delay-seconds, or an HTTP-date from now (the scheduler's now, so virtual time works). */
export function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date starts with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT").
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - asyncScheduler.now());
}
