/**
 * Lists of inputs, as `gather`, `asCompleted` and `wait` take them, and the feeds that
 * hand them to a fan-out one at a time.
 */
import { Observable } from 'rxjs';
import type { Unsubscribable } from 'rxjs';
import { markHandled } from './input';
import { FifoStore } from './stores';
import { checkTaskInput, describe, fail, isPlainObject, isTaskInput } from './validate';

/**
 * The inputs of one call, read at call time: an array (checked element by element
 * now), a record or a `Map` (keys kept, values checked now), or any other iterable or
 * async iterable (checked as it is pulled, since pulling is lazy).
 */
export type InputList =
  | { readonly kind: 'array'; readonly items: readonly unknown[] }
  | { readonly kind: 'record' | 'map'; readonly keys: readonly unknown[]; readonly items: readonly unknown[] }
  | { readonly kind: 'iterable'; readonly iterable: Iterable<unknown> }
  | { readonly kind: 'async'; readonly iterable: AsyncIterable<unknown> };

const EXPECTED = 'an iterable (array, Set, Map, generator, ...) or async iterable of task inputs';

/**
 * Reads the `inputs` argument of `fn`. A record is a list only where results are keyed
 * (`keyed`, for gather); a `Map` is keyed there, and the list of its values elsewhere.
 * A string is refused: it is iterable, but never meant as a list.
 */
export function readInputs(fn: string, inputs: unknown, keyed: boolean): InputList {
  const expected = keyed ? `${EXPECTED} or a record of them` : EXPECTED;
  if (Array.isArray(inputs)) {
    // The parameter's name is built only for an input that fails the check.
    for (let i = 0; i < inputs.length; i++) if (!isTaskInput(inputs[i])) checkTaskInput(fn, `inputs[${i}]`, inputs[i]);
    return { kind: 'array', items: inputs };
  }
  if (typeof inputs !== 'object' || inputs === null || inputs instanceof Observable) return fail('type', fn, 'inputs', expected, inputs);
  if (inputs instanceof Map) {
    const keys = [...inputs.keys()];
    const items = keys.map((key) => checkTaskInput(fn, mapName(key), inputs.get(key)));
    return { kind: 'map', keys, items };
  }
  if (typeof (inputs as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') return { kind: 'iterable', iterable: inputs as Iterable<unknown> };
  if (typeof (inputs as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
    return { kind: 'async', iterable: inputs as AsyncIterable<unknown> };
  }
  if (keyed && isPlainObject(inputs)) {
    const keys = Object.keys(inputs);
    const items = keys.map((key) => checkTaskInput(fn, recordName(key), inputs[key]));
    return { kind: 'record', keys, items };
  }
  return fail('type', fn, 'inputs', expected, inputs);
}

/** The number of inputs of a list, when known at call time. */
export function countOf(list: InputList): number | undefined {
  return list.kind === 'iterable' || list.kind === 'async' ? undefined : list.items.length;
}

/** How messages name input `index` of `list`: `inputs[3]`, `inputs.profile`, `inputs.get("profile")`. */
export function nameIn(list: InputList, index: number): string {
  if (list.kind === 'record') return recordName(list.keys[index] as string);
  if (list.kind === 'map') return mapName(list.keys[index]);
  return `inputs[${index}]`;
}

function recordName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `inputs.${key}` : `inputs[${JSON.stringify(key)}]`;
}

function mapName(key: unknown): string {
  return `inputs.get(${describe(key)})`;
}

/** What a feed's `pull()` returns when it has no more inputs, ever. */
export const DONE: unique symbol = Symbol('DONE');
/** What a feed's `pull()` returns when it has no input now but may have later: it calls its owner's `pump()` then. */
export const WAIT: unique symbol = Symbol('WAIT');

/** Whom a feed tells that it may have inputs again (a fan-out, a watch), or that it failed. */
export interface FeedOwner {
  /** Takes what the feed has now. */
  pump(): void;
  feedFailed(err: unknown): void;
}

/** Where a fan-out takes its inputs from, one at a time, only when it has room for one. */
export interface Feed {
  /** The next input, `WAIT` or `DONE`. Throws if the list itself failed (an iterator threw). */
  pull(): unknown;
  /** Gives back what the feed holds: ends an unfinished iterator, marks inputs it will never hand out as handled. */
  release(): void;
}

// A Promise input that waits for room rejects on its own schedule: with nothing
// attached to it yet, Node would report the rejection unhandled (and end the process)
// before the run takes it up. So every Promise a feed holds back is marked handled as
// it starts waiting; the run still sees the rejection when it subscribes to it.

/**
 * A feed over the inputs of one subscription to a call. Generators and other iterators
 * are pulled lazily (a Set, or an array, Map or Set iterator, is taken whole: its inputs
 * exist already), each element checked. `window`: how many inputs the run starts before it waits for
 * room (its concurrency); the inputs past it that exist already are marked handled.
 */
export function feedOf(fn: string, list: InputList, owner: FeedOwner, window = Infinity): Feed {
  switch (list.kind) {
    case 'iterable':
      // A Set, or an iterator over an array, a Map or a Set (`array.values()`), holds its
      // inputs already: taken whole, they are marked as an array's are. A generator's are
      // made as it is pulled, so a run marks each one it takes.
      return holdsItsInputs(list.iterable) ? new ArrayFeed([...list.iterable], window, fn) : new IteratorFeed(fn, list.iterable);
    case 'async':
      return new AsyncIteratorFeed(fn, list.iterable, owner);
    default:
      return new ArrayFeed(list.items, window);
  }
}

/** The prototypes of the iterators over an array, a Map and a Set. */
const COLLECTION_ITERATORS: ReadonlySet<unknown> = new Set([[].values(), new Map().values(), new Set().values()].map((it) => Object.getPrototypeOf(it)));

function holdsItsInputs(iterable: Iterable<unknown>): boolean {
  return iterable instanceof Set || COLLECTION_ITERATORS.has(Object.getPrototypeOf(iterable));
}

class ArrayFeed implements Feed {
  private next = 0;
  /** Inputs from here on were marked as they began to wait. */
  private readonly marked: number;
  constructor(
    private readonly items: readonly unknown[],
    window: number,
    /** Set where the items were not checked at call time: each is checked as it is pulled. */
    private readonly fn?: string,
  ) {
    this.marked = Math.min(window, items.length);
    for (let i = this.marked; i < items.length; i++) markHandled(items[i]);
  }

  pull(): unknown {
    if (this.next === this.items.length) return DONE;
    const value = this.items[this.next];
    if (this.fn !== undefined && !isTaskInput(value)) checkTaskInput(this.fn, `inputs[${this.next}]`, value);
    this.next++;
    return value;
  }

  release(): void {
    // Left before the window was filled (an input that failed as it started): the rest of it.
    while (this.next < this.marked) markHandled(this.items[this.next++]);
  }
}

class IteratorFeed implements Feed {
  private readonly iterator: Iterator<unknown>;
  private index = 0;
  private finished = false;

  constructor(
    private readonly fn: string,
    iterable: Iterable<unknown>,
  ) {
    this.iterator = iterable[Symbol.iterator]();
  }

  pull(): unknown {
    const step = this.iterator.next();
    if (step.done) {
      this.finished = true;
      return DONE;
    }
    const value: unknown = step.value;
    if (!isTaskInput(value)) checkTaskInput(this.fn, `inputs[${this.index}]`, value);
    this.index++;
    return value;
  }

  release(): void {
    if (this.finished) return;
    this.finished = true;
    // The inputs not pulled have not been made: the iterator is ended, as `break` in a
    // for-of loop ends it (a generator's `finally` runs).
    this.iterator.return?.();
  }
}

/**
 * An async iterable, pulled one `next()` at a time and only when the fan-out has room,
 * so at most `concurrency` inputs are taken ahead of being finished.
 */
class AsyncIteratorFeed implements Feed {
  private readonly iterator: AsyncIterator<unknown>;
  private index = 0;
  /** A `next()` is in flight. */
  private pending = false;
  /** The input it brought, not yet pulled. */
  private ready: { value: unknown } | undefined;
  private finished = false;

  constructor(
    private readonly fn: string,
    iterable: AsyncIterable<unknown>,
    private readonly owner: FeedOwner,
  ) {
    this.iterator = iterable[Symbol.asyncIterator]();
  }

  pull(): unknown {
    if (this.ready !== undefined) {
      const { value } = this.ready;
      this.ready = undefined;
      return value;
    }
    if (this.finished) return DONE;
    if (!this.pending) this.ask();
    return WAIT;
  }

  private ask(): void {
    this.pending = true;
    Promise.resolve(this.iterator.next()).then(
      (step) => {
        this.pending = false;
        if (this.finished) {
          // Brought after the run let go (a timeout, an unsubscribe): never to be started.
          if (!step.done) markHandled(step.value);
          return;
        }
        if (step.done) this.finished = true;
        else {
          const value: unknown = step.value;
          try {
            if (!isTaskInput(value)) checkTaskInput(this.fn, `inputs[${this.index}]`, value);
          } catch (err) {
            this.owner.feedFailed(err);
            return;
          }
          this.index++;
          markHandled(value);
          this.ready = { value };
        }
        this.owner.pump();
      },
      (err: unknown) => {
        this.pending = false;
        this.finished = true;
        this.owner.feedFailed(err);
      },
    );
  }

  release(): void {
    this.ready = undefined;
    if (this.finished) return;
    this.finished = true;
    const ended = this.iterator.return?.();
    // An iterator that fails to end has nobody left to tell.
    if (ended !== undefined) Promise.resolve(ended).then(undefined, () => undefined);
  }
}

/** How messages name the `index`-th value of an operator's source. */
export function sourceValueName(index: number): string {
  return `source value #${index}`;
}

/**
 * The feed of an operator (gatherAll, asCompletedAll, waitUntil): the source's values wait here,
 * first in, first out, until the fan-out has room.
 */
export class SourceFeed implements Feed {
  private readonly items = new FifoStore<unknown>();
  /** The source has completed: once the queue is empty, the feed is DONE. */
  ended = false;
  /** Inputs received from the source so far. */
  received = 0;
  /** The subscription to the source, once made: released with the feed. */
  source: Unsubscribable | undefined;

  constructor(private readonly fn: string) {}

  /** A value of the source; throws if it is not a task input. */
  push(value: unknown): void {
    if (!isTaskInput(value)) checkTaskInput(this.fn, sourceValueName(this.received), value);
    markHandled(value);
    this.items.push(value);
    this.received++;
  }

  pull(): unknown {
    if (this.items.size > 0) return this.items.pop();
    return this.ended ? DONE : WAIT;
  }

  release(): void {
    this.items.clear();
    this.source?.unsubscribe();
  }
}
