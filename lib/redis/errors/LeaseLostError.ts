/**
 * A permit of a `RedisSemaphore` was lost while its input ran: its lease could not be
 * renewed in time (Redis unreachable, or this process too busy to renew it), or Redis
 * no longer knew it (expired, restarted, failed over). A waiter of either Redis limiter
 * fails with it too if its process's own lease ran out, since its place in the queue may
 * have been dropped.
 *
 * So that the shared limit is never silently exceeded, the input is unsubscribed
 * first (its teardown runs), then the subscriber gets this error. `key` names the
 * limiter, `id` the lost permit (or place).
 *
 * ```text
 * new RedisSemaphore({ ..., leaseMs: 30 }), Redis stopped at frame 2
 *
 * input:                  ----------a|
 * semaphore.run(input):   ------#         the lease ran out unrenewed: LeaseLostError
 * input subscribed:       ^-----!         unsubscribed before the error
 * ```
 *
 * @example
 * ```ts
 * semaphore.run(longJob).subscribe({
 *   error: (err) => console.log(err instanceof LeaseLostError, err.message),
 * });
 * // (Redis stops while longJob runs.)
 * // Logs:
 * // true RedisSemaphore crawl: permit 3f2a…1: its lease could not be renewed in time
 * ```
 */
export class LeaseLostError extends Error {
  /** Always `'LeaseLostError'`. */
  override readonly name = 'LeaseLostError';
  /** The key of the semaphore. */
  readonly key: string;
  /** The id of the permit that was lost. */
  readonly id: string;

  /**
   * @param limiter The limiter's class, for the message (`'RedisSemaphore'`).
   * @param key The limiter's key.
   * @param id The permit's (or waiter's) id.
   * @param reason Why it was lost, for the message.
   */
  constructor(limiter: string, key: string, id: string, reason: string) {
    super(`${limiter} ${key}: permit ${id}: ${reason}`);
    this.key = key;
    this.id = id;
  }
}
