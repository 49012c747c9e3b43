import { Gate } from '../internal/gate';
import type { Room, Waiter } from '../internal/gate';

/**
 * A transport's `maxSockets` slots, the room of a {@link Gate}: a request is handed to
 * the client only when it can have a socket at once, so a request dropped while it
 * waits costs nothing (no socket is ever opened for it).
 *
 * The queue moves on a microtask after a slot frees, so a burst of unsubscriptions
 * empties it before anything starts.
 */
export class Slots implements Room {
  /** Requests holding a slot. */
  private active = 0;
  private readonly gate = new Gate(this);
  /** A pump is scheduled. */
  private scheduled = false;
  /** Set by close(): nothing starts after it. */
  private closed = false;

  /**
   * @param limit The number of slots (`Infinity` for no limit).
   * @param busy Slots taken by something else right now (e.g. sockets still closing).
   */
  constructor(
    private readonly limit: number,
    private readonly busy?: () => number,
  ) {}

  take(): boolean {
    if (this.closed || this.active + (this.busy === undefined ? 0 : this.busy()) >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Admits `waiter` at once, in a slot, if one is free and nobody waits; else queues it. */
  enter(waiter: Waiter): boolean {
    return this.gate.enter(waiter);
  }

  /** Drops a waiter that is still waiting (no effect once it has been admitted). */
  leave(waiter: Waiter): void {
    this.gate.leave(waiter);
  }

  /** Gives back the slot of a request that has ended. */
  release(): void {
    this.active--;
    this.schedule();
  }

  /** Looks at the queue again on a microtask (after a slot freed or a busy slot cleared). */
  schedule(): void {
    if (this.scheduled || this.gate.waiting === 0) return;
    this.scheduled = true;
    queueMicrotask(this.pump);
  }

  /**
   * Starts nothing more, and admits each waiter at once, without a slot: it must see
   * that its transport is closed, and fail its request.
   */
  close(): void {
    this.closed = true;
    for (const waiter of this.gate.takeAll()) waiter.admit();
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    this.gate.pump();
  };
}
