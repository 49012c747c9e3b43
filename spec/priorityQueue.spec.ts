import { TestScheduler } from 'rxjs/testing';
import { PriorityQueue, Queue } from '../lib';

// A PriorityQueue is a Queue whose store serves the least item first (test_order of
// CPython's PriorityQueueTests); the rest of its behaviour is the Queue's, and
// spec/queue.spec.ts runs its join and shutdown cases on it too.

describe('PriorityQueue', () => {
  const byNumber = (a: number, b: number): number => a - b;

  it('serves the least item first (test_order)', () => {
    const queue = new PriorityQueue(byNumber);
    for (const i of [1, 3, 2]) queue.putNowait(i);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([1, 2, 3]);
  });

  it('serves equal items in the order they were put', () => {
    const queue = new PriorityQueue<{ priority: number; name: string }>((a, b) => a.priority - b.priority);
    for (const [priority, name] of [
      [2, 'c'],
      [1, 'a'],
      [2, 'd'],
      [1, 'b'],
      [3, 'e'],
    ] as const) {
      queue.putNowait({ priority, name });
    }
    const names: string[] = [];
    while (!queue.empty()) names.push(queue.getNowait().name);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('sorts like Array.prototype.sort (stable) over many random puts and gets', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 50;
    const queue = new PriorityQueue<{ key: number; n: number }>((a, b) => a.key - b.key);
    const model: { key: number; n: number }[] = [];
    const got: number[] = [];
    const expected: number[] = [];
    for (let n = 0; n < 2000; n++) {
      const item = { key: Math.floor(random()), n };
      queue.putNowait(item);
      model.push(item);
      if (n % 3 === 0) {
        model.sort((a, b) => a.key - b.key);
        expected.push(model.shift()!.n);
        got.push(queue.getNowait().n);
      }
    }
    model.sort((a, b) => a.key - b.key);
    expected.push(...model.map((item) => item.n));
    while (!queue.empty()) got.push(queue.getNowait().n);
    expect(got).toEqual(expected);
  });

  it('leaves the queue as it was when compare throws, failing the put or the get that called it', () => {
    let broken = false;
    const queue = new PriorityQueue<number>((a, b) => {
      if (broken) throw new Error('compare failed');
      return a - b;
    });
    for (const i of [5, 3, 8, 1, 9, 2]) queue.putNowait(i);
    broken = true;
    expect(() => queue.putNowait(4)).toThrow('compare failed');
    let putError: unknown;
    queue.put(0).subscribe({ error: (err: unknown) => (putError = err) });
    expect(putError).toEqual(new Error('compare failed'));
    let getError: unknown;
    queue.get().subscribe({ error: (err: unknown) => (getError = err) });
    expect(getError).toEqual(new Error('compare failed'));
    expect(queue.size).toBe(6);
    broken = false;
    const rest: number[] = [];
    while (!queue.empty()) rest.push(queue.getNowait());
    expect(rest).toEqual([1, 2, 3, 5, 8, 9]);
  });

  it('is a Queue: waiting gets, bounded puts, first come first served', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ expectObservable }) => {
      const queue = new PriorityQueue<number>(byNumber, 1);
      expect(queue).toBeInstanceOf(Queue);
      expectObservable(queue.put(2)).toBe('(v|)', { v: undefined });
      expectObservable(queue.put(1)).toBe('--(v|)', { v: undefined });
      expectObservable(queue.get(), '--^').toBe('--(2|)', { 2: 2 });
    });
  });
});
