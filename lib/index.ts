// Public surface of `rxjs-asyncio`. Each group is one concept of asyncio.

// Inputs and results
export type { TaskInput, ResultOf, Progress, PoolOptions, Settled } from './types';

// Errors (TimeoutError and EmptyError are rxjs's own classes, re-exported for convenience)
export { CancelledError, InvalidStateError } from './errors';
export { TimeoutError, EmptyError } from 'rxjs';
