// Public surface of `rxjs-asyncio`. Each group is one concept of asyncio.

// Inputs and results
export type { TaskInput, ResultOf, Progress, PoolOptions, Settled, Limiter } from './types';

// Tasks (asyncio.create_task)
export { Task, createTask } from './task';

// Running many inputs at once (asyncio.gather, as_completed, wait, wait_for)
export { gather } from './gather';
export type { GatherOptions, GatherResult, GatherSettledResult } from './gather';
export { asCompleted } from './asCompleted';
export type { AsCompletedOptions } from './asCompleted';
export { wait, ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION } from './wait';
export type { ReturnWhen, WaitOptions, WaitResult } from './wait';
export { waitFor } from './waitFor';

// Operators
export { gatherAll } from './operators/gatherAll';
export { asCompletedAll } from './operators/asCompletedAll';
export { waitUntil } from './operators/waitUntil';
export type { WaitUntilOptions } from './operators/waitUntil';
export { deadline } from './operators/deadline';

// Structured concurrency (asyncio.TaskGroup)
export { taskGroup } from './taskGroup';
export type { TaskGroup, TaskGroupResult } from './taskGroup';

// Concurrency control (asyncio.Semaphore, Lock; a sliding-window rate limiter)
export { Semaphore } from './semaphore';
export { Lock } from './lock';
export { RateLimiter } from './rateLimiter';
export type { RateLimiterOptions } from './rateLimiter';
export { withPermit } from './operators/withPermit';
export { rateLimit } from './operators/rateLimit';

// Synchronization (asyncio.Event, Condition, Barrier)
export { Event } from './event';
export { Condition } from './condition';
export { Barrier } from './barrier';

// Queues (asyncio.Queue, PriorityQueue, LifoQueue)
export { Queue } from './queue';
export { PriorityQueue } from './priorityQueue';
export { LifoQueue } from './lifoQueue';

// Errors (TimeoutError and EmptyError are rxjs's own classes, re-exported for convenience)
export { CancelledError, InvalidStateError, TaskGroupError, BrokenBarrierError, QueueFullError, QueueEmptyError, QueueShutDownError } from './errors';
export { TimeoutError, EmptyError } from 'rxjs';
