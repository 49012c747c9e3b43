/**
 * What the multi-process specs and their workers (worker.ts) say to each other over IPC.
 * A module of its own, so that a spec can import it without loading the worker.
 */

/** A job's `ms` for a job that runs until it is stopped (IPC carries JSON, which has no Infinity). */
export const FOREVER = -1;

export type LimiterConfig =
  | { readonly kind: 'semaphore'; readonly key: string; readonly permits: number; readonly leaseMs: number }
  | { readonly kind: 'rate'; readonly key: string; readonly count: number; readonly interval: number };

export type ToWorker =
  | { readonly type: 'init'; readonly name: string; readonly redisPort: number; readonly counterPort: number; readonly limiter: LimiterConfig }
  /** `count` jobs of `ms` each (FOREVER: until stopped), all subscribed at once. */
  | { readonly type: 'jobs'; readonly prefix: string; readonly count: number; readonly ms: number }
  /** One job, then `counts()`: answered `queued` once Redis has it. */
  | { readonly type: 'enqueue'; readonly job: string; readonly ms: number }
  /** `loops` loops, each running one job of `ms` after another until `stop`; a failure is reported and the loop goes on. */
  | { readonly type: 'loop'; readonly prefix: string; readonly loops: number; readonly ms: number }
  | { readonly type: 'stop' }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'queued'; readonly job: string; readonly waiting: number }
  | { readonly type: 'done'; readonly job: string }
  | { readonly type: 'failed'; readonly job: string; readonly error: string; readonly message: string; readonly causeIsError: boolean }
  | { readonly type: 'closed' };
