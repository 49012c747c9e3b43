/**
 * What `counts()` of a Redis limiter emits: one snapshot of the shared limit, across
 * every process that uses its key.
 */
export interface RedisLimiterCounts {
  /** Permits free (a `RedisSemaphore`), or starts the window allows now (a `RedisRateLimiter`). */
  readonly available: number;
  /** Waiters queued, in every process still alive. */
  readonly waiting: number;
}
