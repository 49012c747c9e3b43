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

// Concurrency control (asyncio.Semaphore; a sliding-window rate limiter)
export { Semaphore } from './semaphore';
export { RateLimiter } from './rateLimiter';
export type { RateLimiterOptions } from './rateLimiter';
export { withPermit } from './operators/withPermit';
export { rateLimit } from './operators/rateLimit';

// Errors (TimeoutError and EmptyError are rxjs's own classes, re-exported for convenience)
export { CancelledError, InvalidStateError } from './errors';
export { TimeoutError, EmptyError } from 'rxjs';
