import { Observable } from 'rxjs';
import type { Subscriber, Unsubscribable } from 'rxjs';
import { BrokenBarrierError } from './errors';
import { BaseWaiter, Gate } from './internal/gate';
import type { Room, Waiter } from './internal/gate';
import { checkPositiveInteger } from './internal/validate';

/**
 * Lets a fixed number of streams wait for each other (asyncio.Barrier): each round,
 * nobody passes until `parties` of them have arrived.
 *
 * `barrier.wait()` is a cold Observable: each subscription arrives at the barrier and
 * waits. When the `parties`-th arrives, every waiter of the round passes at once, in
 * arrival order, each emitting its arrival index (0 for the first, `parties - 1` for the
 * last) and completing; the barrier is then empty, ready for the next round. A stream
 * that waits again (a loop of rounds) joins the next round.
 *
 * ```text
 * new Barrier(3); three streams arrive at frames 1, 3 and 6
 *
 * wait() at 1:    ------(0|)
 * wait() at 3:    ------(1|)
 * wait() at 6:    ------(2|)       the third arrival releases the round
 * ```
 *
 * - **Unsubscribe**: a waiter that lets go before its round is released leaves it; the
 *   round then needs another arrival (arrival indices count those still waiting, so they
 *   stay 0 to `parties - 1`, each once).
 * - **Error**: `reset()` fails every waiter with `BrokenBarrierError` and leaves the
 *   barrier empty and usable; `abort()` fails them the same way and breaks the barrier:
 *   every later `wait()` fails at once with `BrokenBarrierError`, until `reset()`.
 *
 * Waiters pass in the async context they arrived in.
 *
 * @example
 * ```ts
 * import { Barrier } from 'rxjs-asyncio';
 *
 * const barrier = new Barrier(2);
 * barrier.wait().subscribe((index) => console.log('a passes as', index));
 * console.log('a is waiting:', barrier.waiting);
 * barrier.wait().subscribe((index) => console.log('b passes as', index));
 * // Logs:
 * // a is waiting: 1
 * // a passes as 0
 * // b passes as 1
 * ```
 *
 * @see {@link Event} to let everyone through at once on a signal.
 */
export class Barrier {
  /** How many must arrive for a round to pass. */
  readonly parties: number;
  readonly #round: Round;

  /**
   * @param parties How many waiters release a round: an integer >= 1. A non-number is a
   * `TypeError`, any other bad value a `RangeError`.
   */
  constructor(parties: number) {
    this.parties = checkPositiveInteger('Barrier', 'parties', parties);
    this.#round = new Round(this.parties);
  }

  /** Subscriptions waiting in the current round. */
  get waiting(): number {
    return this.#round.gate.waiting - this.#round.releasing;
  }

  /** Whether the barrier is broken (by `abort()`, until `reset()`). */
  get broken(): boolean {
    return this.#round.broken;
  }

  /**
   * Arrives at the barrier: a cold Observable that, on each subscription, waits until
   * `parties` subscriptions are waiting, then emits this one's arrival index and completes.
   *
   * ```text
   * new Barrier(2), another wait() at frame 4
   *
   * wait():   ----(0|)
   * ```
   *
   * @example
   * ```ts
   * const barrier = new Barrier(1);
   * barrier.wait().subscribe((index) => console.log(index));
   * // Logs: 0
   * ```
   *
   * @returns A cold Observable of the arrival index (0 to `parties - 1`).
   */
  wait(): Observable<number> {
    const round = this.#round;
    return new Observable<number>((subscriber) => {
      if (round.broken) {
        subscriber.error(new BrokenBarrierError('Barrier.wait: the barrier is broken'));
        return;
      }
      const waiter = new Arrival(round, subscriber);
      subscriber.add(waiter);
      round.arrive(waiter);
    });
  }

  /**
   * Empties the barrier: every subscription waiting fails with `BrokenBarrierError`, and
   * the barrier is ready for a new round (mended, if `abort()` broke it).
   */
  reset(): void {
    this.#round.breakUp(false);
  }

  /**
   * Breaks the barrier: every subscription waiting fails with `BrokenBarrierError`, and
   * so does every later `wait()`, until `reset()`.
   */
  abort(): void {
    this.#round.breakUp(true);
  }
}

/**
 * The arrivals of a barrier: a gate whose room opens for `parties` waiters at once,
 * when the round is full.
 */
class Round implements Room {
  /** Waiters of the round being let through, not yet let through (the first ones queued). */
  releasing = 0;
  broken = false;
  readonly gate: Gate = new Gate(this);
  /** The index the next waiter let through gets: its place in its round. */
  private index = 0;

  constructor(readonly parties: number) {}

  take(waiter: Waiter): boolean {
    const arrival = waiter as Arrival;
    // The first waiter is not of a round being let through: a new round, if it is full.
    if (!arrival.inRound && !this.fill()) return false;
    arrival.inRound = false;
    this.releasing--;
    arrival.index = this.index++;
    return true;
  }

  arrive(waiter: Arrival): void {
    this.gate.enter(waiter);
    this.gate.pump();
  }

  /**
   * Makes the first `parties` waiters the round to let through, if that many wait. Only
   * they pass: one that arrives while they are let through (a party looping back) waits
   * for the next round, and the place of one that leaves meanwhile goes to nobody.
   */
  private fill(): boolean {
    if (this.gate.waiting < this.parties) return false;
    let waiter = this.gate.first as Arrival | undefined;
    for (let i = 0; i < this.parties; i++, waiter = waiter!.nextItem as Arrival | undefined) waiter!.inRound = true;
    this.releasing = this.parties;
    this.index = 0;
    return true;
  }

  /** A waiter left the queue. */
  left(waiter: Arrival): void {
    if (!waiter.inRound) return;
    waiter.inRound = false;
    this.releasing--;
  }

  breakUp(broken: boolean): void {
    this.broken = broken;
    this.releasing = 0;
    const waiters = this.gate.takeAll<Arrival>();
    for (const waiter of waiters) {
      waiter.inRound = false;
      waiter.fail(broken ? 'Barrier.abort' : 'Barrier.reset');
    }
  }
}

/** One subscription waiting at a barrier. */
class Arrival extends BaseWaiter implements Unsubscribable {
  /** Its arrival index, given as its round is let through. */
  index = 0;
  /** Of the round being let through, not let through yet. */
  inRound = false;

  constructor(
    private readonly round: Round,
    private readonly subscriber: Subscriber<number>,
  ) {
    super();
  }

  admit(): void {
    this.subscriber.next(this.index);
    this.subscriber.complete();
  }

  fail(by: string): void {
    this.subscriber.error(new BrokenBarrierError(`${by}: the barrier was broken while waiting`));
  }

  unsubscribe(): void {
    if (this.round.gate.leave(this)) this.round.left(this);
  }
}
