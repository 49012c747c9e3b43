import { Observable } from 'rxjs';
import type { Subscriber, Unsubscribable } from 'rxjs';
import { captureContext, runInContext } from './context';
import type { Context } from './context';
import { List } from './list';
import type { Link } from './list';

/** Something waiting at a {@link Gate}: it carries its own queue links. */
export interface Waiter extends Link<Waiter> {
  /** Room was taken for this waiter: start its work (in the context it asked in). */
  admit(): void;
  /** The async context it asked in, captured by the gate when it had to queue. */
  context: Context | undefined;
}

/** The fields of a {@link Waiter}, for a waiter class to extend: no links and no context until it queues. */
export abstract class BaseWaiter implements Waiter {
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  abstract admit(): void;
}

/** A gate's rule for room: a count of permits, a window of recent starts, free sockets, items in a queue. */
export interface Room {
  /**
   * Takes room for `waiter`, the one to be admitted next, if there is any; says whether
   * it did. Most rooms do not look at the waiter; an event's does (it admits those that
   * were waiting when it was set, even if it has been cleared since).
   */
  take(waiter: Waiter): boolean;
  /**
   * Waiters are queued and there is no room now: arrange for `pump()` when there may
   * be (a rate limiter's timer). Rooms that free themselves by a release need none.
   */
  blocked?(): void;
  /** The last waiter left the queue (a rate limiter drops its timer). */
  idle?(): void;
}

/**
 * The library's one admission queue: first come, first served, with a pluggable rule
 * for room. `Semaphore`, `RateLimiter`, a transport's sockets and the primitives built
 * on them differ only in their {@link Room}.
 *
 * - **No barging**: a newcomer is admitted at once only when nobody is queued and there
 *   is room; otherwise it queues, even at a moment when room happens to be free.
 * - **Leaving** is O(1) and immediate; a waiter that has left is never admitted, so room
 *   freed while it was leaving goes to the next one.
 * - **A trampoline**: {@link pump} admits in a loop, and a pump asked for while one runs
 *   (room freed by a waiter whose work ended synchronously) is absorbed by the loop that
 *   runs, so 100,000 synchronous jobs behind one permit do not grow the stack. An
 *   admission made at once by {@link enter} runs in that loop too: a waiter that enters
 *   while another is being admitted (an `items()` subscriber asking for its next item
 *   from inside the delivery of the last one) is queued, and admitted by the running
 *   loop once the admission in progress has returned, so a long run of re-entries does
 *   not grow the stack either.
 * - **Async context**: a waiter that queues is admitted in the async context it asked
 *   in, not in that of whatever freed the room.
 */
export class Gate {
  /** The waiters, oldest first. */
  private readonly queue = new List<Waiter>();
  /** Admitting (in `pump`, or at once in `enter`): room freed and waiters that enter now are seen by the running loop. */
  private pumping = false;

  constructor(private readonly room: Room) {}

  /** The number of waiters queued now. */
  get waiting(): number {
    return this.queue.size;
  }

  /** The waiter queued longest (the next ones through its `nextItem`), if any. */
  get first(): Waiter | undefined {
    return this.queue.first;
  }

  /**
   * Admits `waiter` at once if nobody is queued, no admission is in progress and there
   * is room; else queues it. Returns whether it was admitted at once.
   */
  enter(waiter: Waiter): boolean {
    if (this.queue.size === 0 && !this.pumping && this.room.take(waiter)) {
      this.admitWhileRoom(waiter);
      return true;
    }
    waiter.context = captureContext();
    this.queue.push(waiter);
    // While admitting, the running loop looks at the queue again (and says blocked at its end).
    if (!this.pumping) this.room.blocked?.();
    return false;
  }

  /**
   * A cold Observable whose every subscription is a waiter at this gate: `make` makes
   * it for the subscriber, it is the subscription's teardown, and it enters at once.
   */
  observe<T>(make: (subscriber: Subscriber<T>) => Waiter & Unsubscribable): Observable<T> {
    return new Observable<T>((subscriber) => {
      // A subscriber closed already (given to subscribe() after it was unsubscribed) takes nothing.
      if (subscriber.closed) return;
      const waiter = make(subscriber);
      subscriber.add(waiter);
      this.enter(waiter);
    });
  }

  /** Takes a waiter out of the queue; returns whether it was queued. */
  leave(waiter: Waiter): boolean {
    if (!this.queue.remove(waiter)) return false;
    if (this.queue.size === 0) this.room.idle?.();
    return true;
  }

  /**
   * Admits queued waiters, oldest first, while there is room: call it whenever room may
   * have been freed. An admission that throws (a teardown that threw) does not strand
   * the rest: the loop goes on, and the first error is rethrown at the end.
   */
  pump(): void {
    if (!this.pumping) this.admitWhileRoom(undefined);
  }

  /**
   * The trampoline: admits `first` (room already taken for it, in the caller's own
   * context), then queued waiters while there is room, each in its own context.
   */
  private admitWhileRoom(first: Waiter | undefined): void {
    this.pumping = true;
    let thrown: { error: unknown } | undefined;
    try {
      if (first !== undefined) {
        try {
          first.admit();
        } catch (error) {
          thrown = { error };
        }
      }
      let waiter: Waiter | undefined;
      while ((waiter = this.queue.first) !== undefined && this.room.take(waiter)) {
        this.queue.remove(waiter);
        try {
          runInContext(waiter.context, admitWaiter, waiter);
        } catch (error) {
          thrown ??= { error };
        }
      }
    } finally {
      this.pumping = false;
    }
    if (this.queue.size > 0) this.room.blocked?.();
    if (thrown !== undefined) throw thrown.error;
  }

  /** Empties the queue (nothing is admitted) and returns the waiters, oldest first. */
  takeAll<W extends Waiter>(): W[] {
    return this.queue.takeAll() as W[];
  }
}

/** `waiter.admit()`, as `runInContext` calls a function of its `this`. */
export function admitWaiter(this: Waiter): void {
  this.admit();
}
