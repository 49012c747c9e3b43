/**
 * A Redis limiter (`RedisSemaphore`, `RedisRateLimiter`) could not reach Redis, so it
 * did not run the input: it never runs one without the limit.
 *
 * `run()` fails with it when Redis cannot be reached (or refuses the limiter's script),
 * and so do the waiters already queued in this process when the connection is lost.
 * `cause` is the underlying error: the client's connection error when one was seen
 * (`connect ECONNREFUSED ...`), Redis's reply error, or an `Error` saying what state
 * the connection is in. `key` names the limiter.
 *
 * ```text
 * Redis stopped at frame 2
 *
 * limiter.run(input), subscribed at 1:   -----...      queued
 *                                        --#           the connection closed: LimiterUnavailableError
 * limiter.run(input), subscribed at 4:   ----#         at once, nothing run
 * ```
 *
 * @example
 * ```ts
 * const redis = new Redis({ port: 1 }); // nothing listens there
 * new RedisSemaphore({ redis, key: 'api', permits: 5 }).run(job).subscribe({
 *   error: (err) => console.log(err instanceof LimiterUnavailableError, err.message),
 * });
 * // Logs:
 * // true RedisSemaphore api: Redis is unreachable (connect ECONNREFUSED 127.0.0.1:1)
 * ```
 */
export class LimiterUnavailableError extends Error {
  /** Always `'LimiterUnavailableError'`. */
  override readonly name = 'LimiterUnavailableError';
  /** The key of the limiter. */
  readonly key: string;
  /** The underlying error. */
  override readonly cause: unknown;

  constructor(limiter: string, key: string, cause: unknown) {
    super(`${limiter} ${key}: Redis is unreachable (${causeMessage(cause)})`, { cause });
    this.key = key;
    this.cause = cause;
  }
}

/** The cause's message (or its text), duck-typed so that errors from another realm count too. */
function causeMessage(cause: unknown): string {
  const message = typeof cause === 'object' && cause !== null ? (cause as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message !== '' ? message : String(cause);
}
