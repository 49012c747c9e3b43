import { HttpErrorResponse } from '@angular/common/http';

/**
 * Whether a slot of a `returnExceptions` result holds a failure.
 *
 * gather and asCompleted put the thrown value itself in the slot, typed `Error`.
 * Angular's `HttpErrorResponse` has an Error's shape (`name`, `message`) but is not an
 * `instanceof Error`, so both are checked.
 */
export function failed(slot: unknown): slot is Error {
  return slot instanceof Error || slot instanceof HttpErrorResponse;
}
