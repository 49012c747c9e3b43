/**
 * A task was cancelled (asyncio.CancelledError): `task.cancel()`, or a session closed
 * while the request was in flight. Subscribers of a cancelled task receive it.
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'the task was cancelled') {
    super(message);
  }
}

/**
 * An operation is not allowed in the task's current state (asyncio.InvalidStateError):
 * `result()` or `exception()` on a task that is not done.
 */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
  constructor(message = 'the task is not done') {
    super(message);
  }
}
