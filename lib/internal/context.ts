/**
 * Async context (Node's `AsyncLocalStorage`) for work that starts later than it was
 * asked for: a job queued on a Semaphore is started by whichever job gives its permit
 * back, a rate limiter's waiter by a timer, an input of a fan-out by the completion of
 * another. Without care each would run in the context of whatever started it, and a
 * server sharing one Semaphore between requests would mix their logs and traces.
 *
 * So the context of the asker is captured when its work has to wait, and restored
 * around the start. In Node this is an `AsyncResource` (about 0.1 µs to make and to
 * enter; `AsyncLocalStorage.snapshot()` costs 20 µs here). Elsewhere there is no such
 * context, and nothing is captured.
 *
 * `node:async_hooks` is reached through `process.getBuiltinModule` (Node 20.16+), never
 * imported, so a browser bundle of the core sees no `node:` module.
 */

/** A captured async context. */
export interface Context {
  runInAsyncScope<A, R>(fn: (this: A, arg: A) => R, thisArg: A, arg: A): R;
}

interface AsyncHooks {
  AsyncResource: new (type: string, options: { requireManualDestroy: boolean }) => Context;
}

const hooks = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:async_hooks') as
  AsyncHooks | undefined;
const Resource = hooks?.AsyncResource;

/** The async context of the caller, or `undefined` where the runtime has none. */
export function captureContext(): Context | undefined {
  // No destroy hook: the resource is dropped with its waiter.
  return Resource === undefined ? undefined : new Resource('rxjs-asyncio', { requireManualDestroy: true });
}

/** Calls `fn.call(target, target)` in `context` (or as it is, without one). */
export function runInContext<A, R>(context: Context | undefined, fn: (this: A, arg: A) => R, target: A): R {
  return context === undefined ? fn.call(target, target) : context.runInAsyncScope(fn, target, target);
}
