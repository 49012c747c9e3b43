import type { Context } from '../../lib/internal/context';
import type { Waiter as GateWaiter } from '../../lib/internal/gate';
import { Slots } from '../../lib/http/slots';

class Waiter implements GateWaiter {
  list: GateWaiter['list'] = undefined;
  prevItem: GateWaiter | undefined;
  nextItem: GateWaiter | undefined;
  context: Context | undefined;
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {}
  admit(): void {
    this.log.push(this.name);
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('starts at once while slots are free, then first come, first served, a microtask after a release', async () => {
    const log: string[] = [];
    const slots = new Slots(2);
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
    const slots = new Slots(1);
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
    const slots = new Slots(2, () => busy);
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
