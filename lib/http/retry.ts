/**
 * Retries of a request (aiohttp-retry, ky's `retry`): which requests a policy retries,
 * and the operator that sends one again. The policy itself is read, with the other
 * options, in request.ts (`readRetry`). The waits run on RxJS's `asyncScheduler`, so
 * every retry, backoff and `Retry-After` is marble-testable.
 */
import type { Observable } from 'rxjs';
import { TimeoutError, asyncScheduler, catchError, of, retry, throwError, timer } from 'rxjs';
import { MAX_DELAY, fail } from '../internal/validate';
import { HttpStatusError } from './errors/HttpStatusError';
import { NetworkError } from './errors/NetworkError';
import type { RetryPolicy } from './request';
import type { HttpMethod, HttpResponse } from './types';

const NON_NEGATIVE = 'a non-negative number of milliseconds';
/** The statuses whose `Retry-After` is honoured. */
const RETRY_AFTER: readonly number[] = [413, 429, 503];

/**
 * The policy a request is sent under, or `undefined` when it is sent once: no policy, a
 * limit of 0, a method the policy does not list, or a body that is a stream (a Node
 * `Readable`: read once, it cannot be sent again).
 */
export function retryFor(policy: RetryPolicy, method: HttpMethod, data: unknown): RetryPolicy | undefined {
  return policy.limit > 0 && policy.methods.includes(method) && typeof (data as { pipe?: unknown } | undefined)?.pipe !== 'function' ? policy : undefined;
}

/**
 * Sends a request again, as `policy` says: `attempt` is one whole try (its own permit,
 * rate-limit start and timeout; a cold Observable subscribed once per try) that fails
 * with an `HttpStatusError` on a status in `statusCodes`, whatever `raise` says. Such a
 * failure, a `NetworkError` or a timeout is retried, at most `limit` times, after
 * `delay(n)` ms (or a `Retry-After` on a 413, 429 or 503), capped at `maxDelay`. Once
 * the limit is reached, the last failure is raised, or, unless `raise`, the response of
 * the last `HttpStatusError` returned. Anything else (a `CancelledError`, a
 * `ResponseTooLargeError`...) is raised at once. Between two tries nothing is
 * subscribed: no permit is held, only the wait's timer, which unsubscribing clears.
 *
 * ```text
 * attempt:               --#  --#  --r|       # an HttpStatusError of a 503
 * withRetry (waits 3):   --------------r|     two retries, 3 frames apart
 * ```
 */
export function withRetry(attempt: Observable<HttpResponse>, policy: RetryPolicy, raise: boolean): Observable<HttpResponse> {
  return attempt.pipe(
    retry({
      count: policy.limit,
      delay: (err: unknown, n) =>
        err instanceof NetworkError || err instanceof TimeoutError || (err instanceof HttpStatusError && policy.statusCodes.includes(err.status))
          ? timer(waitBefore(policy, n, err))
          : throwError(() => err),
    }),
    catchError((err: unknown) => (!raise && err instanceof HttpStatusError ? of(err.response) : throwError(() => err))),
  );
}

/** The wait in ms before retry `n`: `Retry-After` where it applies, else the policy's delay; capped at `maxDelay`. */
function waitBefore(policy: RetryPolicy, n: number, err: unknown): number {
  const after = err instanceof HttpStatusError && RETRY_AFTER.includes(err.status) ? retryAfter(err.response.headers['retry-after']) : undefined;
  const wanted = after ?? policy.delay(n);
  if (typeof wanted !== 'number') fail('type', 'retry', `delay(${n})`, NON_NEGATIVE, wanted);
  if (!(wanted >= 0)) fail('range', 'retry', `delay(${n})`, NON_NEGATIVE, wanted);
  return Math.min(wanted, policy.maxDelay, MAX_DELAY);
}

/** `Retry-After` in ms: delay-seconds, or an HTTP-date from now (the scheduler's now, so virtual time works). */
export function retryAfter(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date starts with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT").
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return at >= 0 ? Math.max(0, at - asyncScheduler.now()) : undefined;
}
