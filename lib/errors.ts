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
 * An operation is not allowed in the current state (asyncio.InvalidStateError):
 * `result()` or `exception()` on a task that is not done, `group.createTask()` on a task
 * group that has ended (or is being stopped by a failure), `queue.taskDone()` called
 * more times than items were put.
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

/**
 * A task group failed (asyncio's ExceptionGroup from a TaskGroup): a task of the group,
 * or its body, failed, so every other task and the body were cancelled, and once all of
 * them had ended the group failed with this error.
 *
 * `errors` holds every failure, in the order they happened: the first one (which caused
 * the rest to be cancelled), then any that came while the group was being stopped (a
 * teardown that threw). Cancellations are not failures and are never in it. An
 * `AggregateError`, so `err instanceof AggregateError` holds too.
 *
 * ```
 * a:                 ------a|
 * b:                 --#             b fails at frame 2
 * taskGroup(...):    --#             TaskGroupError([b's error]), a unsubscribed at 2
 * ```
 *
 * ```ts
 * taskGroup((group) => {
 *   group.createTask(timer(1000));
 *   group.createTask(throwError(() => new Error('boom')));
 * }).subscribe({ error: (err) => console.log(err instanceof TaskGroupError, err.errors.map(String)) });
 * // Logs: true [ 'Error: boom' ]
 * ```
 */
export class TaskGroupError extends AggregateError {
  /** Always `'TaskGroupError'`. */
  override readonly name = 'TaskGroupError';
  /** Every failure, in the order they happened. */
  declare readonly errors: unknown[];
  constructor(errors: readonly unknown[]) {
    super(errors, `taskGroup: ${errors.length} ${errors.length === 1 ? 'failure' : 'failures'}: ${errors.map(summary).join('; ')}`);
  }
}

/** `Error: boom` for an Error, the value itself otherwise, as short as the message can take. */
function summary(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * A barrier was reset or aborted while callers waited at it, or is broken
 * (asyncio.BrokenBarrierError). Every `barrier.wait()` waiting then fails with it; after
 * `abort()`, every later `wait()` fails with it too, until `reset()`.
 *
 * ```
 * barrier.wait():    ----#           abort() at frame 4
 * ```
 *
 * ```ts
 * const barrier = new Barrier(2);
 * barrier.wait().subscribe({ error: (err) => console.log(err instanceof BrokenBarrierError, err.message) });
 * barrier.abort();
 * // Logs: true the barrier is broken
 * ```
 */
export class BrokenBarrierError extends Error {
  /** Always `'BrokenBarrierError'`. */
  override readonly name = 'BrokenBarrierError';
  constructor(message = 'the barrier is broken') {
    super(message);
  }
}

/**
 * `queue.putNowait(item)` on a full queue, or on one where puts are already waiting
 * for room (asyncio.QueueFull). Thrown synchronously, never emitted.
 *
 * ```ts
 * const queue = new Queue<number>(1);
 * queue.putNowait(1);
 * try {
 *   queue.putNowait(2);
 * } catch (err) {
 *   console.log(err instanceof QueueFullError, err.message);
 * }
 * // Logs: true Queue.putNowait: the queue is full
 * ```
 */
export class QueueFullError extends Error {
  /** Always `'QueueFullError'`. */
  override readonly name = 'QueueFullError';
  constructor(message = 'the queue is full') {
    super(message);
  }
}

/**
 * `queue.getNowait()` on an empty queue, or on one where gets are already waiting for
 * an item (asyncio.QueueEmpty). Thrown synchronously, never emitted.
 *
 * ```ts
 * try {
 *   new Queue<number>().getNowait();
 * } catch (err) {
 *   console.log(err instanceof QueueEmptyError, err.message);
 * }
 * // Logs: true Queue.getNowait: the queue is empty
 * ```
 */
export class QueueEmptyError extends Error {
  /** Always `'QueueEmptyError'`. */
  override readonly name = 'QueueEmptyError';
  constructor(message = 'the queue is empty') {
    super(message);
  }
}

/**
 * The queue was shut down (asyncio.QueueShutDown): a `put()` waiting for room, and every
 * put after `shutdown()`, fails with it; so does a `get()` once the queue is shut down
 * and empty (`items()` completes instead).
 *
 * ```
 * queue.put(x):      ---#            shutdown() at frame 3, while the put waited for room
 * queue.get():       ---#            shutdown() at frame 3, the queue empty
 * ```
 *
 * ```ts
 * const queue = new Queue<string>();
 * queue.get().subscribe({ error: (err) => console.log(err instanceof QueueShutDownError, err.message) });
 * queue.shutdown();
 * // Logs: true Queue.get: the queue is shut down
 * ```
 */
export class QueueShutDownError extends Error {
  /** Always `'QueueShutDownError'`. */
  override readonly name = 'QueueShutDownError';
  constructor(message = 'the queue is shut down') {
    super(message);
  }
}
