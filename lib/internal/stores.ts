/**
 * Where a queue keeps its items: the store decides the order they come out in (first in
 * first out, last in first out, least first). Every operation leaves the store as it
 * was if it throws (a priority queue's `compare` may), so no item is lost or doubled.
 */
export interface Store<T> {
  readonly size: number;
  push(item: T): void;
  /** Removes and returns the next item; only called when `size > 0`. */
  pop(): T;
  /** Removes every item; returns how many there were. */
  clear(): number;
}

const INITIAL = 16;

/** First in, first out: a ring buffer that doubles when full, so both ends are O(1). */
export class FifoStore<T> implements Store<T> {
  size = 0;
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL);
  /** Index of the oldest item. */
  private head = 0;
  /** `items.length - 1`: the length is a power of two. */
  private mask = INITIAL - 1;

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  pop(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  clear(): number {
    const n = this.size;
    this.items = new Array<T | undefined>(INITIAL);
    this.head = 0;
    this.mask = INITIAL - 1;
    this.size = 0;
    return n;
  }

  private grow(): void {
    const old = this.items;
    const items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) items[i] = old[(this.head + i) & this.mask];
    this.items = items;
    this.head = 0;
    this.mask = items.length - 1;
  }
}

/** Last in, first out. */
export class LifoStore<T> implements Store<T> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  pop(): T {
    return this.items.pop() as T;
  }

  clear(): number {
    const n = this.items.length;
    this.items.length = 0;
    return n;
  }
}

/**
 * Least first, by `compare` (as for `Array.prototype.sort`; a result that is neither
 * below nor above 0 means equal): a binary heap. Equal items come out in the order they
 * were put. Each operation makes all its comparisons before it moves anything, so a
 * `compare` that throws leaves the heap as it was.
 */
export class HeapStore<T> implements Store<T> {
  private readonly items: T[] = [];
  /** The put order of `items[i]`, to keep equal items first in, first out. */
  private readonly order: number[] = [];
  private puts = 0;
  /** The positions an item moves down through in `pop`, reused. */
  private readonly path: number[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** Whether `a` (put `ia`-th) comes out before `b` (put `ib`-th). */
  private before(a: T, ia: number, b: T, ib: number): boolean {
    const c = this.compare(a, b);
    return c < 0 || (!(c > 0) && ia < ib);
  }

  push(item: T): void {
    const { items, order } = this;
    const put = this.puts;
    // Where the item goes, rising from the end: comparisons only...
    let at = items.length;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, put, items[parent]!, order[parent]!)) break;
      at = parent;
    }
    // ...then the moves: the ancestors between the end and `at` go down one level.
    for (let i = items.length; i > at;) {
      const parent = (i - 1) >> 1;
      items[i] = items[parent]!;
      order[i] = order[parent]!;
      i = parent;
    }
    items[at] = item;
    order[at] = put;
    this.puts = put + 1;
  }

  pop(): T {
    const { items, order, path } = this;
    const top = items[0]!;
    const last = items.length - 1;
    // The last item sinks from the root: its way down, with comparisons only...
    const item = items[last]!;
    const put = order[last]!;
    path.length = 0;
    for (let at = 0; ;) {
      let child = 2 * at + 1;
      if (child >= last) break;
      if (child + 1 < last && this.before(items[child + 1]!, order[child + 1]!, items[child]!, order[child]!)) child++;
      if (!this.before(items[child]!, order[child]!, item, put)) break;
      path.push(child);
      at = child;
    }
    // ...then the moves: each child on the way goes up one level, and the item in the hole.
    let hole = 0;
    for (const child of path) {
      items[hole] = items[child]!;
      order[hole] = order[child]!;
      hole = child;
    }
    items[hole] = item;
    order[hole] = put;
    items.pop();
    order.pop();
    return top;
  }

  clear(): number {
    const n = this.items.length;
    this.items.length = 0;
    this.order.length = 0;
    return n;
  }
}
