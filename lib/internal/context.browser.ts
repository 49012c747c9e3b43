/**
 * The browser build's lib/internal/context.ts: a browser has no async context to keep
 * (no `AsyncLocalStorage`), so nothing is captured and work runs as it is.
 */
import type { Context } from './context';

export type { Context };

/** Always `undefined`: there is no async context here. */
export function captureContext(): Context | undefined {
  return undefined;
}

/** Calls `fn.call(target, target)` (a context is never captured here). */
export function runInContext<A, R>(context: Context | undefined, fn: (this: A, arg: A) => R, target: A): R {
  return context === undefined ? fn.call(target, target) : context.runInAsyncScope(fn, target, target);
}
