/** The links an item of a {@link LinkedList} carries itself. */
export interface Linked<T> {
  /** Whether the item is in a list now. */
  listed: boolean;
  prevItem: T | undefined;
  nextItem: T | undefined;
}

/**
 * A first-in, first-out list whose items carry their own links: adding, removing any
 * item and taking the first are a few pointer writes, with no allocation. On every
 * request's path, where a `Set` of short-lived objects costs far more: V8 shrinks and
 * regrows its table as it swings between empty and one item.
 */
export class LinkedList<T extends Linked<T>> {
  private first: T | undefined;
  private last: T | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends `item` (which must not be in a list). */
  push(item: T): void {
    item.listed = true;
    item.prevItem = this.last;
    item.nextItem = undefined;
    if (this.last === undefined) this.first = item;
    else this.last.nextItem = item;
    this.last = item;
    this.count++;
  }

  /** Removes `item` if it is in this list; returns whether it was. */
  delete(item: T): boolean {
    if (!item.listed) return false;
    item.listed = false;
    const { prevItem, nextItem } = item;
    if (prevItem === undefined) this.first = nextItem;
    else prevItem.nextItem = nextItem;
    if (nextItem === undefined) this.last = prevItem;
    else nextItem.prevItem = prevItem;
    item.prevItem = item.nextItem = undefined;
    this.count--;
    return true;
  }

  /** Removes and returns the first item. */
  shift(): T | undefined {
    const item = this.first;
    if (item !== undefined) this.delete(item);
    return item;
  }

  /** Empties the list, and returns its items in order. */
  drain(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
    return items;
  }
}
