import { LinkedList } from '../../lib/http/list';
import type { Linked } from '../../lib/http/list';
import { SlotQueue } from '../../lib/http/slots';
import type { SlotWaiter } from '../../lib/http/slots';

class Item implements Linked<Item> {
  listed = false;
  prevItem: Item | undefined;
  nextItem: Item | undefined;
  constructor(readonly name: string) {}
}

class Waiter implements SlotWaiter {
  listed = false;
  prevItem: SlotWaiter | undefined;
  nextItem: SlotWaiter | undefined;
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {}
  start(): void {
    this.log.push(this.name);
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LinkedList', () => {
  it('keeps arrival order, removes any item in O(1), and ignores items not in it', () => {
    const list = new LinkedList<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Item(name)) as [Item, Item, Item, Item];
    for (const item of [a, b, c, d]) list.push(item);
    expect(list.size).toBe(4);
    expect(list.delete(b)).toBe(true);
    expect(list.delete(b)).toBe(false);
    expect(list.delete(d)).toBe(true);
    expect(list.shift()).toBe(a);
    list.push(b);
    expect(list.drain().map((item) => item.name)).toEqual(['c', 'b']);
    expect(list.size).toBe(0);
    expect(list.shift()).toBeUndefined();
    // An item can go back in once out.
    list.push(a);
    expect(list.drain()).toEqual([a]);
  });
});

describe('SlotQueue', () => {
  it('starts at once while slots are free, then first come, first served, a microtask after a release', async () => {
    const log: string[] = [];
    const slots = new SlotQueue(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Waiter(name, log)) as [Waiter, Waiter, Waiter, Waiter];
    expect(slots.enter(a)).toBe(true);
    expect(slots.enter(b)).toBe(true);
    expect(slots.enter(c)).toBe(false);
    expect(slots.enter(d)).toBe(false);
    expect(log).toEqual(['a', 'b']);
    slots.release();
    expect(log).toEqual(['a', 'b']);
    await flush();
    expect(log).toEqual(['a', 'b', 'c']);
    slots.release();
    slots.release();
    await flush();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lets a waiter leave, and a burst of leaves empties the queue before anything starts', async () => {
    const log: string[] = [];
    const slots = new SlotQueue(1);
    const waiters = ['a', 'b', 'c', 'd'].map((name) => new Waiter(name, log));
    for (const waiter of waiters) slots.enter(waiter);
    slots.release();
    for (const waiter of waiters.slice(1, 3)) slots.leave(waiter);
    await flush();
    expect(log).toEqual(['a', 'd']);
  });

  it('counts busy slots, and starts every waiter without a slot on close()', async () => {
    const log: string[] = [];
    let busy = 1;
    const slots = new SlotQueue(2, () => busy);
    slots.enter(new Waiter('a', log));
    slots.enter(new Waiter('b', log));
    expect(log).toEqual(['a']);
    busy = 0;
    slots.schedule();
    await flush();
    expect(log).toEqual(['a', 'b']);
    slots.enter(new Waiter('c', log));
    slots.close();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(slots.enter(new Waiter('d', log))).toBe(false);
  });
});
