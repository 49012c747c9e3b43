import { LifoQueue, Queue } from '../lib';

// A LifoQueue is a Queue whose store is a stack (test_order of CPython's LifoQueueTests);
// spec/queue.spec.ts runs the join and shutdown cases on it too.

describe('LifoQueue', () => {
  it('serves the newest item first (test_order)', () => {
    const queue = new LifoQueue<number>();
    for (const i of [1, 3, 2]) queue.putNowait(i);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([2, 3, 1]);
  });

  it('hands an item put while gets wait to the get that asked first', () => {
    const queue = new LifoQueue<string>();
    const got: string[] = [];
    queue.get().subscribe((item) => got.push(`first:${item}`));
    queue.get().subscribe((item) => got.push(`second:${item}`));
    queue.putNowait('a');
    queue.putNowait('b');
    expect(got).toEqual(['first:a', 'second:b']);
  });

  it('is a bounded Queue when given a maxsize', () => {
    const queue = new LifoQueue<number>(2);
    expect(queue).toBeInstanceOf(Queue);
    queue.putNowait(1);
    queue.putNowait(2);
    expect(queue.full()).toBe(true);
    expect(() => queue.putNowait(3)).toThrow('LifoQueue.putNowait: the queue is full');
  });
});
