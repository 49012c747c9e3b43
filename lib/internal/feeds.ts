import { Observable } from 'rxjs';
import { checkTaskInput, isTaskInput } from './input';
import { DONE, WAIT } from './pool';
import type { Feed } from './pool';
import { describe } from './validate';

/**
 * The inputs of a function such as `gather`, read once at call time: an array (checked
 * element by element now), a record (keys kept, values checked now), or any other
 * iterable (checked as it is pulled, since pulling is lazy).
 */
export type InputList =
  | { readonly kind: 'array'; readonly items: readonly unknown[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly items: readonly unknown[] }
  | { readonly kind: 'iterable'; readonly iterable: Iterable<unknown> };

const EXPECTED = 'an iterable (array, Set, generator, ...) of task inputs';

export function readInputs(fn: string, inputs: unknown, allowRecord: boolean): InputList {
  const expected = allowRecord ? `${EXPECTED} or a record of them` : EXPECTED;
  if (Array.isArray(inputs)) {
    // The parameter's name is built only for an input that fails the check.
    for (let i = 0; i < inputs.length; i++) if (!isTaskInput(inputs[i])) checkTaskInput(fn, `inputs[${i}]`, inputs[i]);
    return { kind: 'array', items: inputs };
  }
  if (typeof inputs !== 'object' || inputs === null || inputs instanceof Observable) {
    throw new TypeError(`${fn}: inputs must be ${expected}, got ${describe(inputs)}`);
  }
  if (typeof (inputs as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    return { kind: 'iterable', iterable: inputs as Iterable<unknown> };
  }
  const proto: unknown = Object.getPrototypeOf(inputs);
  if (allowRecord && (proto === Object.prototype || proto === null)) {
    const keys = Object.keys(inputs);
    const record = inputs as Record<string, unknown>;
    const items = keys.map((key) => checkTaskInput(fn, `inputs.${key}`, record[key]));
    return { kind: 'record', keys, items };
  }
  throw new TypeError(`${fn}: inputs must be ${expected}, got ${describe(inputs)}`);
}

/** A feed over the inputs of one subscription. Iterables are pulled lazily and each element checked. */
export function feedOf(fn: string, list: InputList): Feed {
  if (list.kind !== 'iterable') {
    const { items } = list;
    let next = 0;
    return {
      total: items.length,
      pull: () => (next < items.length ? items[next++] : DONE),
      release: () => undefined,
    };
  }
  const iterator = list.iterable[Symbol.iterator]();
  let index = 0;
  let finished = false;
  return {
    total: undefined,
    pull: () => {
      const step = iterator.next();
      if (step.done) {
        finished = true;
        return DONE;
      }
      const value: unknown = step.value;
      if (!isTaskInput(value)) checkTaskInput(fn, `inputs[${index}]`, value);
      index++;
      return value;
    },
    release: () => {
      // Like `break` in a for-of loop: let a generator run its `finally` blocks.
      if (!finished) {
        finished = true;
        iterator.return?.();
      }
    },
  };
}

/**
 * A feed for operators: the source's values are queued until the pool has room.
 * The queue is an array with a moving head, compacted now and then, so both ends are O(1).
 */
export class QueueFeed implements Feed {
  readonly total = undefined;
  private items: unknown[] = [];
  private head = 0;
  /** The source has completed: once the queue is empty, the feed is DONE. */
  ended = false;
  /** Inputs received from the source so far. */
  received = 0;

  constructor(private readonly fn: string) {}

  push(value: unknown): void {
    if (!isTaskInput(value)) checkTaskInput(this.fn, `source value #${this.received}`, value);
    this.items.push(value);
    this.received++;
  }

  pull(): unknown {
    if (this.head < this.items.length) {
      const value = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return value;
    }
    return this.ended ? DONE : WAIT;
  }

  release(): void {
    this.items = [];
    this.head = 0;
  }
}
