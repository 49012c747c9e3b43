import { Gate } from './gate';
import type { Room } from './gate';
import type { Admission } from './inputObservable';

/**
 * A count of permits, the room of a {@link Gate}: what a `Semaphore`, a `Lock` and a
 * `Condition`'s lock hold. A permit is taken as a waiter is admitted and given back by
 * `release()`, which hands it on to the next waiter.
 */
export class Permits implements Room, Admission {
  /** Permits not held by anyone. */
  available: number;
  /** The subscriptions waiting for a permit, first come, first served. */
  readonly gate: Gate = new Gate(this);

  constructor(permits: number) {
    this.available = permits;
  }

  take(): boolean {
    if (this.available === 0) return false;
    this.available--;
    return true;
  }

  release(): void {
    this.available++;
    this.gate.pump();
  }
}
