/**
 * A task was cancelled (asyncio.CancelledError): `task.cancel()`, or a session closed
 * while the request was in flight. Subscribers of a cancelled task receive it.
 *
 * ```
 * input:                  --------a|
 * task:                   ----#         task.cancel() at frame 4: CancelledError
 * input subscriptions:    ^---!
 * ```
 *
 * ```ts
 * const task = createTask(timer(1000));
 * task.subscribe({ error: (err) => console.log(err instanceof CancelledError, err.message) });
 * task.cancel();
 * // Logs: true the task was cancelled
 * ```
 */
export class CancelledError extends Error {
  /** Always `'CancelledError'`. */
  override readonly name = 'CancelledError';
  constructor(message = 'the task was cancelled') {
    super(message);
  }
}

/**
 * An operation is not allowed in the task's current state (asyncio.InvalidStateError):
 * `result()` or `exception()` on a task that is not done.
 *
 * Thrown synchronously, never emitted: no stream ends with it.
 *
 * ```ts
 * const task = createTask(timer(1000));
 * try {
 *   task.result();
 * } catch (err) {
 *   if (err instanceof InvalidStateError) console.log(err.message);
 * }
 * // Logs: result(): the task is not done yet
 * ```
 */
export class InvalidStateError extends Error {
  /** Always `'InvalidStateError'`. */
  override readonly name = 'InvalidStateError';
  constructor(message = 'the task is not done') {
    super(message);
  }
}
