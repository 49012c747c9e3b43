import { LinkedList } from './list';
import type { Linked } from './list';

/** A request waiting in a {@link SlotQueue}: started when it gets a slot. */
export interface SlotWaiter extends Linked<SlotWaiter> {
  /** Called once a slot is the request's (or, after `close()`, without one: see there). */
  start(): void;
}

/**
 * A first-come, first-served queue for a transport's `maxSockets` slots: a request
 * is handed to the client only when it can have a socket at once, so a request
 * dropped while it waits costs nothing (no socket is ever opened for it).
 *
 * The queue moves on a microtask after a slot frees, so a burst of unsubscriptions
 * empties it before anything starts. Waiters carry their own links: entering and
 * leaving allocate nothing.
 */
export class SlotQueue {
  /** Requests holding a slot. */
  private active = 0;
  private readonly waiting = new LinkedList<SlotWaiter>();
  // Whether a drain is scheduled.
  private scheduled = false;
  // Set by close(): nothing starts after it.
  private closed = false;

  /**
   * @param limit The number of slots (`Infinity` for no limit).
   * @param busy Slots taken by something else right now (e.g. sockets still closing).
   */
  constructor(
    private readonly limit: number,
    private readonly busy?: () => number,
  ) {}

  /**
   * Starts `waiter` at once, in a slot, if one is free and nobody waits; else queues
   * it until one is. Returns whether it started at once.
   */
  enter(waiter: SlotWaiter): boolean {
    if (this.waiting.size === 0 && this.hasRoom()) {
      this.active++;
      waiter.start();
      return true;
    }
    this.waiting.push(waiter);
    return false;
  }

  /** Drops a waiter that is still waiting (no effect once it has started). */
  leave(waiter: SlotWaiter): void {
    this.waiting.delete(waiter);
  }

  /** Gives back the slot of a request that has ended. */
  release(): void {
    this.active--;
    this.schedule();
  }

  /** Looks at the queue again on a microtask (after a slot freed or a busy slot cleared). */
  schedule(): void {
    if (this.scheduled || this.waiting.size === 0) return;
    this.scheduled = true;
    queueMicrotask(this.drain);
  }

  /**
   * Starts nothing more, and calls each waiting starter at once, without a slot: a
   * starter must see that its transport is closed, and fail its request.
   */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.drain()) waiter.start();
  }

  private hasRoom(): boolean {
    return !this.closed && this.active + (this.busy === undefined ? 0 : this.busy()) < this.limit;
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    while (this.waiting.size > 0 && this.hasRoom()) {
      const waiter = this.waiting.shift()!;
      this.active++;
      waiter.start();
    }
  };
}
