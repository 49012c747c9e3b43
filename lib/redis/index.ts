// Public surface of `rxjs-asyncio/redis`: limits shared by many processes and machines,
// kept in Redis through your ioredis client (Node only; ioredis >= 5 is a peer dependency).

// Limiters (both are `Limiter`s: withPermit, rateLimit and a session's options take them)
export { RedisSemaphore } from './RedisSemaphore';
export type { RedisSemaphoreOptions } from './RedisSemaphore';
export { RedisRateLimiter } from './RedisRateLimiter';
export type { RedisRateLimiterOptions } from './RedisRateLimiter';
export type { RedisLimiterCounts } from './types';

// Errors (closing cancels queued work with CancelledError)
export { LeaseLostError } from './errors/LeaseLostError';
export { LimiterUnavailableError } from './errors/LimiterUnavailableError';
export { CancelledError } from '../errors';
