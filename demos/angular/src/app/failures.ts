import { HttpErrorResponse } from '@angular/common/http';

/**
 * Whether a slot of a `returnExceptions` result holds a failure.
 *
 * gather and asCompleted put the thrown value itself in the slot. Angular's
 * `HttpErrorResponse` has an Error's shape (`name`, `message`) but is not an
 * `instanceof Error`, so both are checked.
 */
export function failed(slot: unknown): slot is Error {
  return slot instanceof Error || slot instanceof HttpErrorResponse;
}

/** A failure in a few words, for the page: `503 Service Unavailable`, `TimeoutError`, ... */
export function describeFailure(error: Error): string {
  if (error instanceof HttpErrorResponse)
    return error.status === 0 ? 'network error' : `${error.status} ${error.statusText}`;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? `${status} (${error.name})` : error.name;
}
