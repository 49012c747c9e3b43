import { Subscriber, concatMap, defer, from, mergeMap, of, repeat, take, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { InvalidStateError, LifoQueue, PriorityQueue, Queue, QueueEmptyError, QueueFullError, QueueShutDownError, taskGroup } from '../lib';

// Puts and gets are cold Observables; `v` below is a put's one `undefined`. A consumer's
// work on an item is a cold input, whose `^` says which consumer got the item and when.
// Cases follow CPython's Lib/test/test_asyncio/test_queues.py (named in comments); the
// join and shutdown ones run for all three kinds of queue, as CPython's mixins do.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const v = { v: undefined };

/** Subscribes to `source` and returns what it did: values, then 'done' or the error's name. */
function outcome<T>(source: Observable<T>): (T | string)[] {
  const seen: (T | string)[] = [];
  source.subscribe({ next: (x) => seen.push(x), error: (err: Error) => seen.push(err.name), complete: () => seen.push('done') });
  return seen;
}

describe('Queue', () => {
  describe('basics', () => {
    it('reports empty, full, size and maxsize (test_empty, test_full)', () => {
      const queue = new Queue<number>(1);
      expect([queue.empty(), queue.full(), queue.size, queue.maxsize]).toEqual([true, false, 0, 1]);
      queue.putNowait(1);
      expect([queue.empty(), queue.full(), queue.size]).toEqual([false, true, 1]);
      const unbounded = new Queue<number>();
      for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
      expect([unbounded.full(), unbounded.maxsize]).toEqual([false, Infinity]);
    });

    it('gives items back first in, first out (test_order)', () => {
      const queue = new Queue<number>();
      for (const i of [1, 3, 2]) queue.put(i).subscribe();
      expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([1, 3, 2]);
    });

    it('keeps the order across the ring buffer growing and wrapping', () => {
      const queue = new Queue<number>();
      const got: number[] = [];
      let next = 0;
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 7; i++) queue.putNowait(next++);
        for (let i = 0; i < 5; i++) got.push(queue.getNowait());
      }
      while (!queue.empty()) got.push(queue.getNowait());
      expect(got).toEqual(Array.from({ length: next }, (_, i) => i));
    });

    it('makes a put wait while the queue is full, and lets it in when a get makes room (test_maxsize)', () => {
      testScheduler.run(({ expectObservable }) => {
        const queue = new Queue<string>(2);
        expectObservable(queue.put('a')).toBe('(v|)', v);
        expectObservable(queue.put('b')).toBe('(v|)', v);
        expectObservable(queue.put('c')).toBe('---(v|)', v);
        expectObservable(queue.get(), '---^').toBe('---(a|)');
        testScheduler.schedule(() => expect([queue.getNowait(), queue.getNowait()]).toEqual(['b', 'c']), 4);
      });
    });

    it('is cold: nothing is put or got before subscription, and each subscription puts once', () => {
      const queue = new Queue<string>();
      const put = queue.put('x');
      const get = queue.get();
      expect(queue.size).toBe(0);
      put.subscribe();
      put.subscribe();
      expect(queue.size).toBe(2);
      expect(outcome(get)).toEqual(['x', 'done']);
      expect(queue.size).toBe(1);
    });
  });

  describe('get', () => {
    it('waits for an item, then emits it and completes (test_blocking_get_wait)', () => {
      testScheduler.run(({ expectObservable }) => {
        const queue = new Queue<string>();
        expectObservable(queue.get()).toBe('---(x|)');
        testScheduler.schedule(() => queue.putNowait('x'), 3);
      });
    });

    it('takes nothing when it leaves while waiting: the item goes to the next get (test_get_cancelled_race)', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const queue = new Queue<string>();
        const work = { a: cold('-1|'), b: cold('-2|') };
        const consumer = (name: 'a' | 'b') => queue.get().pipe(concatMap(() => work[name]));
        expectObservable(consumer('a'), '^-!').toBe('---');
        expectObservable(consumer('b')).toBe('-----2|');
        testScheduler.schedule(() => queue.putNowait('item'), 4);
        expectSubscriptions(work.a.subscriptions).toBe([]);
        expectSubscriptions(work.b.subscriptions).toBe('----^-!');
      });
    });

    it('loses no item when a get leaves right after items arrive (test_get_cancel_drop_one_pending_reader)', () => {
      const queue = new Queue<number>();
      const reader = queue.get().subscribe();
      const first: number[] = [];
      reader.unsubscribe();
      queue.putNowait(1);
      queue.putNowait(2);
      queue.get().subscribe((item) => first.push(item));
      expect(first).toEqual([1]);
    });

    it('gives items to waiting gets in the order they asked (test_get_cancel_drop_many_pending_readers)', () => {
      const queue = new Queue<number>();
      const got: string[] = [];
      const readers = ['r1', 'r2', 'r3'].map((name) => queue.get().subscribe((item) => got.push(`${name}:${item}`)));
      queue.putNowait(1);
      readers[0]!.unsubscribe();
      queue.putNowait(2);
      readers[1]!.unsubscribe();
      expect(got).toEqual(['r1:1', 'r2:2']);
      readers[2]!.unsubscribe();
    });

    it('lets a waiting put in as soon as it takes an item (test_get_with_waiting_putters)', () => {
      const queue = new Queue<string>(1);
      const puts = ['a', 'b'].map((item) => outcome(queue.put(item)));
      expect(puts).toEqual([[undefined, 'done'], []]);
      expect(outcome(queue.get())).toEqual(['a', 'done']);
      expect(puts[1]).toEqual([undefined, 'done']);
      expect(outcome(queue.get())).toEqual(['b', 'done']);
    });

    it('throws QueueEmptyError from getNowait() on an empty queue (test_nonblocking_get_exception)', () => {
      const queue = new Queue<number>();
      expect(() => queue.getNowait()).toThrow(new QueueEmptyError('Queue.getNowait: the queue is empty'));
      queue.putNowait(1);
      expect(queue.getNowait()).toBe(1);
    });

    it('moves producer and consumer along through a queue of one (test_why_are_getters_waiting)', () => {
      testScheduler.run(({ expectObservable }) => {
        const queue = new Queue<number>(1);
        const producer = from([0, 1, 2, 3, 4]).pipe(concatMap((i) => queue.put(i)));
        const consumer = defer(() => queue.get()).pipe(repeat(5));
        expectObservable(producer).toBe('(vvvvv|)', v);
        expectObservable(consumer).toBe('(01234|)', { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4 });
      });
    });
  });

  describe('put', () => {
    it('leaves its item out when it leaves while waiting (test_put_cancel_drop, test_put_cancelled_race)', () => {
      testScheduler.run(({ expectObservable }) => {
        const queue = new Queue<string>(1);
        expectObservable(queue.put('a')).toBe('(v|)', v);
        expectObservable(queue.put('b')).toBe('--(v|)', v);
        expectObservable(queue.put('X'), '^-!').toBe('---');
        testScheduler.schedule(() => expect(queue.getNowait()).toBe('a'), 2);
        testScheduler.schedule(() => expect([queue.getNowait(), queue.size]).toEqual(['b', 0]), 3);
      });
    });

    it('hands an item straight to a waiting get, before the put completes (test_put_with_waiting_getters)', () => {
      const queue = new Queue<string>();
      const order: string[] = [];
      queue.get().subscribe((item) => order.push(`got ${item}`));
      queue.put('a').subscribe(() => order.push('put done'));
      expect(order).toEqual(['got a', 'put done']);
    });

    it('throws QueueFullError from putNowait() on a full queue (test_nonblocking_put_exception)', () => {
      const queue = new Queue<number>(1);
      queue.putNowait(1);
      expect(() => queue.putNowait(2)).toThrow(new QueueFullError('Queue.putNowait: the queue is full'));
    });

    it('does not let putNowait() jump ahead of waiting puts (test_why_are_putters_waiting)', () => {
      const queue = new Queue<number>(2);
      const puts = [0, 1, 2, 3].map((i) => outcome(queue.put(i)));
      expect(puts.map((p) => p.length)).toEqual([2, 2, 0, 0]);
      queue.getNowait();
      queue.getNowait();
      expect(puts.map((p) => p.length)).toEqual([2, 2, 2, 2]);
      expect([queue.getNowait(), queue.getNowait()]).toEqual([2, 3]);
    });
  });

  describe('items', () => {
    it('gets item after item until the queue is shut down and empty, then completes', () => {
      testScheduler.run(({ expectObservable }) => {
        const queue = new Queue<string>();
        expectObservable(queue.items()).toBe('-abc|');
        testScheduler.schedule(() => queue.putNowait('a'), 1);
        testScheduler.schedule(() => queue.putNowait('b'), 2);
        testScheduler.schedule(() => queue.putNowait('c'), 3);
        testScheduler.schedule(() => queue.shutdown(), 4);
      });
    });

    it('shares the items between its subscribers, each going to the one that waited longest', () => {
      const queue = new Queue<number>();
      const got: string[] = [];
      queue.items().subscribe((i) => got.push(`x${i}`));
      queue.items().subscribe((i) => got.push(`y${i}`));
      for (let i = 0; i < 4; i++) queue.putNowait(i);
      expect(got).toEqual(['x0', 'y1', 'x2', 'y3']);
    });

    it('drains 100,000 items present at subscription in a loop, not on the stack', () => {
      const queue = new Queue<number>();
      for (let i = 0; i < 100_000; i++) queue.putNowait(i);
      let sum = 0;
      queue
        .items()
        .pipe(take(100_000))
        .subscribe((i) => (sum += i));
      expect(sum).toBe((100_000 * 99_999) / 2);
      expect(queue.empty()).toBe(true);
    });

    it('stops asking as soon as its subscriber lets go: the rest stays for others', () => {
      const queue = new Queue<number>();
      for (let i = 0; i < 5; i++) queue.putNowait(i);
      expect(outcome(queue.items().pipe(take(2)))).toEqual([0, 1, 'done']);
      expect(queue.size).toBe(3);
    });
  });

  describe('with a task group: workers draining a queue (test_task_done)', () => {
    it('processes every item once, and join() emits when all are done', () => {
      const queue = new Queue<number>();
      for (let i = 0; i < 100; i++) queue.putNowait(i);
      let sum = 0;
      const worker = defer(() => queue.get()).pipe(
        tap((item) => {
          sum += item;
          queue.taskDone();
        }),
        repeat(),
      );
      const seen = outcome(
        taskGroup((group) => {
          const workers = [group.createTask(worker), group.createTask(worker)];
          return queue.join().pipe(tap(() => workers.forEach((w) => w.cancel())));
        }),
      );
      expect(seen).toEqual([undefined, 'done']);
      expect(sum).toBe(4950);
    });
  });
});

describe.each([
  ['Queue', (maxsize?: number) => new Queue<string>(maxsize)],
  ['LifoQueue', (maxsize?: number) => new LifoQueue<string>(maxsize)],
  ['PriorityQueue', (maxsize?: number) => new PriorityQueue<string>((a, b) => a.localeCompare(b), maxsize)],
] as const)('%s: join and shutdown', (name, make) => {
  it('throws InvalidStateError from taskDone() called more often than items were put (test_task_done_underflow)', () => {
    expect(() => make().taskDone()).toThrow(new InvalidStateError(`${name}.taskDone: called more times than items were put`));
  });

  it('joins an empty queue at once, twice (test_join_empty_queue)', () => {
    const queue = make();
    expect(outcome(queue.join())).toEqual([undefined, 'done']);
    expect(outcome(queue.join())).toEqual([undefined, 'done']);
  });

  // From inside a waiter's callback a new put or get waits until that callback returns
  // (the gate's trampoline); one that had room when it asked came before a shutdown there.
  it('lets in a put and a get asked with room from inside another waiter, before a shutdown that follows them there', () => {
    const queue = make();
    const seen: string[] = [];
    queue.put('a').subscribe(() => {
      queue.put('b').subscribe({ next: () => seen.push('put b'), error: (err: Error) => seen.push(`put b ${err.name}`) });
      queue.shutdown();
    });
    expect(seen).toEqual(['put b']);
    expect(queue.size).toBe(2);
    const other = make();
    other.putNowait('x');
    other.putNowait('y');
    other.get().subscribe(() => {
      other.get().subscribe({ next: (item) => seen.push(`got ${String(item)}`), error: (err: Error) => seen.push(`get ${err.name}`) });
      other.shutdown(true);
    });
    // The item the kind of queue gives second (FIFO y, LIFO x): taken, not a QueueShutDownError.
    expect(seen).toEqual(['put b', expect.stringMatching(/^got [xy]$/)]);
  });

  it('drops what is left on shutdown(true) from inside an items() subscriber: it takes no more', () => {
    const queue = make();
    ['a', 'b', 'c'].forEach((item) => queue.putNowait(item));
    const seen: string[] = [];
    queue.items().subscribe({
      next: (item) => {
        seen.push(String(item));
        queue.shutdown(true);
      },
      complete: () => seen.push('complete'),
    });
    expect(seen).toEqual([expect.stringMatching(/^[abc]$/), 'complete']);
    expect(queue.size).toBe(0);
  });

  it('gives nothing to a subscriber that was closed before it subscribed: the item stays', () => {
    const queue = make();
    queue.putNowait('a');
    const got: string[] = [];
    const closed = new Subscriber<string>({ next: (item) => got.push(item), error: () => undefined, complete: () => undefined });
    closed.unsubscribe();
    queue.get().subscribe(closed);
    expect({ size: queue.size, got }).toEqual({ size: 1, got: [] });
  });

  it('joins at once when nothing is unfinished, even from inside another join that puts an item next', () => {
    const queue = make();
    const seen: string[] = [];
    queue.join().subscribe(() => {
      seen.push('first');
      queue.join().subscribe(() => seen.push('asked with nothing unfinished'));
      queue.putNowait('next');
    });
    expect(seen).toEqual(['first', 'asked with nothing unfinished']);
  });

  it('emits join() when the last item put is marked done', () => {
    testScheduler.run(({ expectObservable }) => {
      const queue = make();
      queue.putNowait('a');
      queue.putNowait('b');
      expectObservable(queue.join()).toBe('-----(v|)', v);
      testScheduler.schedule(() => (queue.getNowait(), queue.taskDone()), 2);
      testScheduler.schedule(() => (queue.getNowait(), queue.taskDone()), 5);
    });
  });

  it('fails a waiting get, and every later put and get, when shut down empty (test_shutdown_empty)', () => {
    const queue = make();
    const waiting = outcome(queue.get());
    queue.shutdown();
    expect(waiting).toEqual(['QueueShutDownError']);
    expect(queue.size).toBe(0);
    expect(outcome(queue.join())).toEqual([undefined, 'done']);
    expect(outcome(queue.put('data'))).toEqual(['QueueShutDownError']);
    expect(() => queue.putNowait('data')).toThrow(new QueueShutDownError(`${name}.putNowait: the queue is shut down`));
    expect(outcome(queue.get())).toEqual(['QueueShutDownError']);
    expect(() => queue.getNowait()).toThrow(new QueueShutDownError(`${name}.getNowait: the queue is shut down`));
  });

  it('fails a waiting put but lets gets drain what is left when shut down (test_shutdown_nonempty)', () => {
    const queue = make(1);
    queue.putNowait('data');
    const joined = outcome(queue.join());
    const waitingPut = outcome(queue.put('data2'));
    expect(waitingPut).toEqual([]);
    queue.shutdown();
    expect(queue.size).toBe(1);
    expect(waitingPut).toEqual(['QueueShutDownError']);
    expect(outcome(queue.get())).toEqual(['data', 'done']);
    expect(joined).toEqual([]);
    expect(outcome(queue.put('data'))).toEqual(['QueueShutDownError']);
    expect(outcome(queue.get())).toEqual(['QueueShutDownError']);
    queue.taskDone();
    expect(joined).toEqual([undefined, 'done']);
    expect(() => queue.taskDone()).toThrow(InvalidStateError);
  });

  it('drops what is left and counts it done when shut down immediately (test_shutdown_immediate)', () => {
    const queue = make();
    queue.putNowait('data');
    const joined = outcome(queue.join());
    queue.shutdown(true);
    expect(queue.size).toBe(0);
    expect(joined).toEqual([undefined, 'done']);
    expect(outcome(queue.get())).toEqual(['QueueShutDownError']);
    expect(() => queue.taskDone()).toThrow(InvalidStateError);
  });

  it('still waits, after an immediate shutdown, for the items already got (test_shutdown_immediate_with_unfinished)', () => {
    const queue = make();
    queue.putNowait('data');
    queue.putNowait('data');
    const joined = outcome(queue.join());
    expect(queue.getNowait()).toBe('data');
    queue.shutdown(true);
    expect([queue.size, joined]).toEqual([0, []]);
    queue.taskDone();
    expect(joined).toEqual([undefined, 'done']);
    expect(() => queue.taskDone()).toThrow(InvalidStateError);
  });

  it('completes items() once shut down and drained', () => {
    const queue = make();
    queue.putNowait('a');
    queue.shutdown();
    expect(outcome(queue.items())).toEqual(['a', 'done']);
  });

  it('ends every worker of a group once the queue is shut down and drained', () => {
    const queue = make();
    for (const item of ['a', 'b', 'c']) queue.putNowait(item);
    queue.shutdown();
    const processed: string[] = [];
    const worker = queue.items().pipe(
      mergeMap((item) => of(item)),
      tap((item) => processed.push(item)),
    );
    expect(outcome(taskGroup((group) => void [group.createTask(worker.pipe(take(1))), group.createTask(worker)]))).toEqual([undefined, 'done']);
    expect(processed.sort()).toEqual(['a', 'b', 'c']);
  });
});
