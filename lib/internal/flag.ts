import type { Observable, Subscriber, Unsubscribable } from 'rxjs';
import { BaseWaiter, Gate } from './gate';
import type { Room, Waiter } from './gate';

/**
 * A flag that subscriptions wait on until it is raised: the room of a {@link Gate}.
 * `Event` is one, and so is a queue's "every item done" for `join()`.
 *
 * Raising it admits every waiter queued at that moment, in arrival order, even if one
 * of them lowers the flag again while they are being admitted (asyncio's `set()` wakes
 * every waiter at once): a waiter is let through if the flag is raised, or if it has
 * been raised since the waiter entered.
 */
export class Flag implements Room {
  /** Whether the flag is raised now. */
  raised = false;
  /** How many times the flag has been raised: a waiter that entered before the last raise is let through. */
  raises = 0;
  readonly gate: Gate = new Gate(this);

  take(waiter: Waiter): boolean {
    return this.raised || (waiter as FlagWaiter<unknown>).round < this.raises;
  }

  /** Raises the flag and admits every waiter (no effect if it is raised already). */
  raise(): void {
    if (this.raised) return;
    this.raised = true;
    this.raises++;
    this.gate.pump();
  }

  lower(): void {
    this.raised = false;
  }

  /**
   * A cold Observable that, on each subscription, emits `value` and completes once the
   * flag is raised (at once if it is). Unsubscribing while waiting leaves the queue.
   */
  wait<V>(value: V): Observable<V> {
    return this.gate.observe((subscriber) => new FlagWaiter(this, subscriber, value));
  }
}

/** One subscription waiting on a {@link Flag}. */
class FlagWaiter<V> extends BaseWaiter implements Unsubscribable {
  /**
   * The flag's raise count when this waiter entered, one less if the flag was raised
   * then: a waiter that asks while the flag is raised is let through even if the flag is
   * lowered before the gate gets to it (one that asks from inside another's admission
   * is queued until that has returned).
   */
  readonly round: number;

  constructor(
    private readonly flag: Flag,
    private readonly subscriber: Subscriber<V>,
    private readonly value: V,
  ) {
    super();
    this.round = flag.raised ? flag.raises - 1 : flag.raises;
  }

  admit(): void {
    this.subscriber.next(this.value);
    this.subscriber.complete();
  }

  unsubscribe(): void {
    this.flag.gate.leave(this);
  }
}
