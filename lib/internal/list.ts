/** The links an item of a {@link List} carries itself. */
export interface Link<T extends Link<T>> {
  /** The list the item is in, `undefined` when it is in none. */
  list: List<T> | undefined;
  prevItem: T | undefined;
  nextItem: T | undefined;
}

/**
 * The library's one list: first in, first out, its items carrying their own links, so
 * adding, removing any item and taking the first are a few pointer writes with no
 * allocation. It holds the waiters of a gate, the inputs a fan-out is running, the
 * requests a session has in flight: short-lived objects on every hot path, where a
 * `Set` would rehash as it swings between empty and full, and an array would shift.
 */
export class List<T extends Link<T>> {
  first: T | undefined = undefined;
  last: T | undefined = undefined;
  size = 0;

  /** Appends `item`, which must not be in a list. */
  push(item: T): void {
    item.list = this;
    item.prevItem = this.last;
    item.nextItem = undefined;
    if (this.last === undefined) this.first = item;
    else this.last.nextItem = item;
    this.last = item;
    this.size++;
  }

  /** Removes `item` if it is in this list; returns whether it was. */
  remove(item: T): boolean {
    if (item.list !== this) return false;
    const { prevItem, nextItem } = item;
    if (prevItem === undefined) this.first = nextItem;
    else prevItem.nextItem = nextItem;
    if (nextItem === undefined) this.last = prevItem;
    else nextItem.prevItem = prevItem;
    item.list = item.prevItem = item.nextItem = undefined;
    this.size--;
    return true;
  }

  /** Removes and returns the first item. */
  shift(): T | undefined {
    const item = this.first;
    if (item !== undefined) this.remove(item);
    return item;
  }

  /** Empties the list and returns its items, oldest first. */
  takeAll(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
    return items;
  }
}
