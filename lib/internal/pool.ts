import type { Subscriber, Unsubscribable } from 'rxjs';
import { asyncScheduler, TimeoutError } from 'rxjs';
import type { Progress } from '../types';
import { RunningInputs, startInputFor } from './input';
import type { SettleTarget } from './input';

/** What a feed's `pull()` returns when it has no more inputs, ever. */
export const DONE: unique symbol = Symbol('DONE');
/** What a feed's `pull()` returns when it has no input now but may have later (operator sources). */
export const WAIT: unique symbol = Symbol('WAIT');

/**
 * Where a pool takes its inputs from: a lazily pulled iterable, or the queue of an
 * operator's source. The pool only pulls when it has a free slot.
 */
export interface Feed {
  pull(): unknown;
  /** The number of inputs when known up front (arrays, records), else `undefined`. */
  readonly total: number | undefined;
  /** Gives back what the feed holds (ends an unfinished iterator, unsubscribes a source). */
  release(): void;
}

export interface PoolHandlers {
  /** One input settled: `ok` with its result, or not with its error. */
  settle(index: number, ok: boolean, value: unknown): void;
  /** Every input has been taken and has settled. */
  drain(count: number): void;
}

/**
 * Runs inputs from a feed with at most `concurrency` of them subscribed at once, and
 * reports each outcome by index. Per input the work is O(1): running inputs live in a
 * list linked through the inputs themselves ({@link RunningInputs}), the pool itself
 * receives every outcome (no callback per input), and synchronous outcomes are handled
 * by a trampoline (`pumping`), so a million synchronous inputs neither recurse nor
 * allocate more than they must.
 */
export class Pool implements SettleTarget {
  /** Inputs subscribed and not yet settled. */
  private active = 0;
  /** Inputs taken from the feed so far; also the next input's index. */
  private taken = 0;
  /** Settled inputs, and how many of them failed. */
  private settled = 0;
  private failed = 0;
  /** The feed has said DONE. */
  private exhausted = false;
  /** Torn down: nothing more is started or reported. */
  private closed = false;
  /** Inside the `pump` loop: outcomes that arrive now are picked up by the loop itself. */
  private pumping = false;
  private drained = false;
  /** The Observable inputs still running (a Promise has nothing to stop, and a synchronous input has ended). */
  private readonly running = new RunningInputs();

  constructor(
    private readonly fn: string,
    private readonly concurrency: number,
    private readonly feed: Feed,
    private readonly subscriber: Subscriber<unknown>,
    private readonly handlers: PoolHandlers,
    private readonly onProgress: ((progress: Progress) => void) | undefined,
  ) {}

  /** The number of inputs, once known. */
  get total(): number | undefined {
    return this.exhausted ? this.taken : this.feed.total;
  }

  /** Starts inputs while there is room; call again whenever the feed may have more. */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (!this.closed && !this.exhausted && this.active < this.concurrency) {
        const input = this.feed.pull();
        if (input === WAIT) break;
        if (input === DONE) {
          this.exhausted = true;
          break;
        }
        this.start(this.taken++, input);
      }
    } catch (err) {
      // The feed itself failed (an iterator threw): that fails the whole run.
      this.pumping = false;
      this.subscriber.error(err);
      return;
    }
    this.pumping = false;
    if (this.exhausted && this.active === 0 && !this.closed && !this.drained) {
      this.drained = true;
      this.handlers.drain(this.taken);
    }
  }

  private start(index: number, input: unknown): void {
    this.active++;
    const stop = startInputFor(this, input, this.fn, index);
    // A handle comes back only for an input still running.
    if (stop !== undefined) {
      if (this.closed) stop.unsubscribe();
      else this.running.add(stop);
    }
  }

  /** An input's outcome (SettleTarget): synchronously from `start`, or later (by then it has left `running`). */
  inputSettled(index: number, ok: boolean, value: unknown): void {
    this.onSettled(index, ok, value);
  }

  /** How error messages name an input (SettleTarget). */
  inputName(index: number): string {
    return `inputs[${index}]`;
  }

  private onSettled(index: number, ok: boolean, value: unknown): void {
    this.active--;
    if (this.closed) return;
    this.settled++;
    if (!ok) this.failed++;
    if (this.onProgress !== undefined) {
      try {
        this.onProgress({ done: this.settled, failed: this.failed, total: this.total });
      } catch (err) {
        this.subscriber.error(err);
        return;
      }
    }
    this.handlers.settle(index, ok, value);
    this.pump();
  }

  /** Teardown: unsubscribes every running input and releases the feed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.running.unsubscribeAll();
    this.feed.release();
  }
}

/** rxjs's own TimeoutError, with a message that says who timed out. */
export function timeoutError(message: string): TimeoutError {
  const err = new TimeoutError();
  err.message = message;
  return err;
}

/**
 * Schedules `onTimeout` after `ms` on the async scheduler (virtual time under
 * `TestScheduler.run`). Returns the handle to cancel it, or `undefined` for no deadline.
 */
export function scheduleDeadline(ms: number | undefined, onTimeout: () => void): Unsubscribable | undefined {
  if (ms === undefined || ms === Infinity) return undefined;
  return asyncScheduler.schedule(onTimeout, ms);
}
