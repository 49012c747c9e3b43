import { Subject, concat, concatMap, defer, of, repeat, takeUntil, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Barrier, BrokenBarrierError } from '../lib';

// `barrier.wait()` emits the caller's arrival index and completes when the round is full.
// In the marbles, work that follows a wait is a cold input: its `^` is the frame the
// round passed. Cases follow the BarrierTests of CPython's
// Lib/test/test_asyncio/test_locks.py (named in comments). asyncio's "draining" state
// has no counterpart: a full round is let through at once, in one instant.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** Subscribes to `source` and returns what it did: values, then 'done' or the error's name. */
function outcome<T>(source: Observable<T>): (T | string)[] {
  const seen: (T | string)[] = [];
  source.subscribe({ next: (v) => seen.push(v), error: (err: Error) => seen.push(err.name), complete: () => seen.push('done') });
  return seen;
}

describe('Barrier', () => {
  it('lets a round through when the last party arrives, each with its arrival index', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const barrier = new Barrier(3);
      // Three workers: some work of their own, the barrier, then the next step.
      const [a, b, c] = [cold('-a|'), cold('---b|'), cold('------c|')];
      const [a2, b2, c2] = [cold('(x|)'), cold('(y|)'), cold('(z|)')];
      const worker = (first: Observable<string>, next: Observable<string>) => concat(first, barrier.wait().pipe(concatMap((i) => concat(of(i), next))));
      expectObservable(worker(a, a2)).toBe('-a-----(0x|)', { a: 'a', 0: 0, x: 'x' });
      expectObservable(worker(b, b2)).toBe('---b---(1y|)', { b: 'b', 1: 1, y: 'y' });
      expectObservable(worker(c, c2)).toBe('------c(2z|)', { c: 'c', 2: 2, z: 'z' });
      expectSubscriptions(a2.subscriptions).toBe('-------(^!)');
      expectSubscriptions(b2.subscriptions).toBe('-------(^!)');
      expectSubscriptions(c2.subscriptions).toBe('-------(^!)');
    });
  });

  it('starts a new round after each: three parties waiting twice (test_filling_tasks_wait_twice)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const barrier = new Barrier(3);
      const round = (work: string) => concat(cold(work), barrier.wait());
      // Round 1 passes at 3 (the last arrival, c, at 3); round 2 at 7 (a arrives last, at 7).
      expectObservable(concat(round('-|'), round('----|'))).toBe('---0---(2|)', { 0: 0, 2: 2 });
      expectObservable(concat(round('--|'), round('-|'))).toBe(' ---1---(0|)', { 0: 0, 1: 1 });
      expectObservable(concat(round('---|'), round('-|'))).toBe('---2---(1|)', { 1: 1, 2: 2 });
    });
  });

  it('counts the waiters of the round, and is empty once it passes (test_filling_task_by_task)', () => {
    const barrier = new Barrier(3);
    const seen: number[] = [];
    barrier.wait().subscribe((i) => seen.push(i));
    expect(barrier.waiting).toBe(1);
    barrier.wait().subscribe((i) => seen.push(i));
    expect(barrier.waiting).toBe(2);
    barrier.wait().subscribe((i) => seen.push(i));
    expect(seen).toEqual([0, 1, 2]);
    expect([barrier.waiting, barrier.broken, barrier.parties]).toEqual([0, false, 3]);
  });

  it('lets a single party through at once, every time (test_filling_one_task, test_filling_one_task_twice)', () => {
    const barrier = new Barrier(1);
    expect(outcome(barrier.wait())).toEqual([0, 'done']);
    expect(outcome(barrier.wait())).toEqual([0, 'done']);
    expect(barrier.waiting).toBe(0);
  });

  it('gives each index 0 to parties - 1 once per round, however the parties loop (test_filling_tasks_check_return_value)', () => {
    const barrier = new Barrier(5);
    const indices: number[][] = [[], []];
    for (let party = 0; party < 5; party++) {
      let round = 0;
      defer(() => barrier.wait())
        .pipe(
          tap((i) => indices[round++]!.push(i)),
          repeat(2),
        )
        .subscribe();
    }
    expect(indices.map((round) => [...round].sort())).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
  });

  it('takes a waiter that unsubscribes out of its round: another arrival is needed (test_filling_tasks_cancel_one)', () => {
    testScheduler.run(({ expectObservable }) => {
      const barrier = new Barrier(3);
      expectObservable(barrier.wait(), '^-!').toBe('---');
      expectObservable(barrier.wait(), '-^').toBe('-----(0|)', { 0: 0 });
      testScheduler.schedule(() => expect(barrier.waiting).toBe(1), 3);
      expectObservable(barrier.wait(), '---^').toBe('-----(1|)', { 1: 1 });
      expectObservable(barrier.wait(), '-----^').toBe('-----(2|)', { 2: 2 });
    });
  });

  it('does nothing visible when reset with nobody waiting (test_reset_barrier)', () => {
    const barrier = new Barrier(1);
    barrier.reset();
    expect([barrier.waiting, barrier.broken]).toEqual([0, false]);
  });

  it('fails the waiters with BrokenBarrierError on reset(), and stays usable (test_reset_barrier_while_tasks_waiting)', () => {
    testScheduler.run(({ expectObservable }) => {
      const barrier = new Barrier(3);
      const broken = new BrokenBarrierError('Barrier.reset: the barrier was broken while waiting');
      expectObservable(barrier.wait()).toBe('--#', undefined, broken);
      expectObservable(barrier.wait(), '-^').toBe('--#', undefined, broken);
      testScheduler.schedule(() => barrier.reset(), 2);
      testScheduler.schedule(() => expect([barrier.waiting, barrier.broken]).toEqual([0, false]), 3);
    });
  });

  it('lets the parties that failed on reset() wait again and pass with one more (test_reset_barrier_while_tasks_waiting_and_waiting_again)', () => {
    const barrier = new Barrier(3);
    const results: string[] = [];
    const again = () => barrier.wait().subscribe(() => results.push('passed'));
    for (let i = 0; i < 2; i++) barrier.wait().subscribe({ error: () => (results.push('broken'), again()) });
    barrier.reset();
    expect(results).toEqual(['broken', 'broken']);
    barrier.wait().subscribe(() => results.push('passed'));
    expect(results).toEqual(['broken', 'broken', 'passed', 'passed', 'passed']);
  });

  it('fails the rest of a round being let through when one of it resets the barrier (test_reset_barrier_when_tasks_half_draining)', () => {
    const barrier = new Barrier(4);
    const results: (number | string)[] = [];
    for (let i = 0; i < 4; i++) {
      barrier.wait().subscribe({
        next: (index) => {
          results.push(index);
          if (index === 1) barrier.reset();
        },
        error: (err: Error) => results.push(err.name),
      });
    }
    expect(results).toEqual([0, 1, 'BrokenBarrierError', 'BrokenBarrierError']);
    expect([barrier.waiting, barrier.broken]).toEqual([0, false]);
  });

  it('breaks on abort(): the waiters and every later wait() fail, until reset() mends it (test_abort_barrier, test_abort_barrier_when_exception_then_resetting)', () => {
    const barrier = new Barrier(2);
    const waiting = outcome(barrier.wait());
    barrier.abort();
    expect(waiting).toEqual(['BrokenBarrierError']);
    expect([barrier.waiting, barrier.broken]).toEqual([0, true]);
    expect(outcome(barrier.wait())).toEqual(['BrokenBarrierError']);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const first = outcome(barrier.wait());
    expect(outcome(barrier.wait())).toEqual([1, 'done']);
    expect(first).toEqual([0, 'done']);
  });

  it('fails every party still to arrive when one aborts on an error (test_abort_barrier_when_exception)', () => {
    const barrier = new Barrier(3);
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      barrier
        .wait()
        .pipe(
          concatMap((index) => {
            if (index === 1) {
              barrier.abort();
              return of('aborted');
            }
            return barrier.wait().pipe(concatMap(() => of('passed twice')));
          }),
        )
        .subscribe({ next: (r) => results.push(r), error: (err: Error) => results.push(err.name) });
    }
    expect(results.sort()).toEqual(['BrokenBarrierError', 'BrokenBarrierError', 'aborted']);
    expect([barrier.waiting, barrier.broken]).toEqual([0, true]);
  });

  it('is cold: nothing arrives before subscription', () => {
    const barrier = new Barrier(2);
    const wait = barrier.wait();
    expect(barrier.waiting).toBe(0);
    wait.subscribe();
    expect(barrier.waiting).toBe(1);
  });

  it('keeps no place for a waiter that left as its round was let through', () => {
    const barrier = new Barrier(2);
    const results: string[] = [];
    const kill = new Subject<void>();
    barrier.wait().subscribe(() => (results.push('a'), kill.next()));
    barrier
      .wait()
      .pipe(takeUntil(kill))
      .subscribe(() => results.push('b'));
    expect(results).toEqual(['a']);
    // b left as the round was let through: its place is not kept for the next arrival.
    barrier.wait().subscribe(() => results.push('c'));
    expect(results).toEqual(['a']);
    expect(barrier.waiting).toBe(1);
    barrier.wait().subscribe(() => results.push('d'));
    expect(results).toEqual(['a', 'c', 'd']);
  });

  // asyncio's draining state: an arrival while a round is let through waits for the next.
  it('lets only the round through: a party that loops back while it is let through waits, even if another of it leaves', () => {
    const barrier = new Barrier(2);
    const results: string[] = [];
    const kill = new Subject<void>();
    barrier.wait().subscribe((i) => {
      results.push(`a ${i}`);
      barrier.wait().subscribe((j) => results.push(`a again ${j}`));
      kill.next();
    });
    barrier
      .wait()
      .pipe(takeUntil(kill))
      .subscribe((i) => results.push(`b ${i}`));
    expect(results).toEqual(['a 0']);
    expect(barrier.waiting).toBe(1);
    barrier.wait().subscribe((i) => results.push(`c ${i}`));
    expect(results).toEqual(['a 0', 'a again 0', 'c 1']);
  });

  it('numbers every round from 0 after a waiter left one as it was let through', () => {
    const barrier = new Barrier(3);
    const seen: string[] = [];
    const kill = new Subject<void>();
    barrier.wait().subscribe((i) => (seen.push(`a ${i}`), kill.next()));
    barrier
      .wait()
      .pipe(takeUntil(kill))
      .subscribe((i) => seen.push(`b ${i}`));
    barrier.wait().subscribe((i) => seen.push(`c ${i}`));
    expect(seen).toEqual(['a 0', 'c 1']);
    for (const name of ['d', 'e', 'f']) barrier.wait().subscribe((i) => seen.push(`${name} ${i}`));
    expect(seen).toEqual(['a 0', 'c 1', 'd 0', 'e 1', 'f 2']);
  });

  it('lets a round through that filled while the one before was let through', () => {
    const barrier = new Barrier(2);
    const seen: string[] = [];
    barrier.wait().subscribe((i) => {
      seen.push(`a ${i}`);
      barrier.wait().subscribe((j) => seen.push(`a again ${j}`));
    });
    barrier.wait().subscribe((i) => {
      seen.push(`b ${i}`);
      barrier.wait().subscribe((j) => seen.push(`b again ${j}`));
    });
    expect(seen).toEqual(['a 0', 'b 1', 'a again 0', 'b again 1']);
    expect(barrier.waiting).toBe(0);
  });
});
