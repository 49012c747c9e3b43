import { defer, lastValueFrom, merge, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Lock, withPermit } from '../lib';

// A Lock is a Semaphore of one permit: `lock.run(input)` subscribes the input only while
// holding the lock. In the marbles, an input's `^` is the frame it got the lock, its `!`
// the frame it gave it back. Cases follow the LockTests of CPython's
// Lib/test/test_asyncio/test_locks.py (named in comments).

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('Lock', () => {
  it('is unlocked until an input runs under it, and unlocked again after (test_lock, test_context_manager)', () => {
    const lock = new Lock();
    expect(lock.locked()).toBe(false);
    const inside: boolean[] = [];
    lock.run(defer(() => of(lock.locked()))).subscribe((locked) => inside.push(locked));
    expect(inside).toEqual([true]);
    expect(lock.locked()).toBe(false);
    expect(lock.waiting).toBe(0);
  });

  it('runs the waiters one at a time, in the order they asked (test_acquire)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const a = cold('--a|');
      const b = cold('   --b|');
      const c = cold('      --c|');
      expectObservable(lock.run(a)).toBe('--a|');
      expectObservable(lock.run(b)).toBe('-----b|');
      expectObservable(lock.run(c)).toBe('--------c|');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('---^--!');
      expectSubscriptions(c.subscriptions).toBe('------^--!');
    });
  });

  it('takes a waiter that unsubscribes out of the queue at once (test_acquire_cancel)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const a = cold('----a|');
      const b = cold('-b|');
      expectObservable(lock.run(a)).toBe('----a|');
      expectObservable(lock.run(b), '^-!').toBe('---');
      expectSubscriptions(b.subscriptions).toBe([]);
      testScheduler.schedule(() => expect(lock.waiting).toBe(0), 3);
    });
  });

  it('hands the lock on to the next waiter when one leaves in the frame the lock is freed (test_cancel_race, test_finished_waiter_cancelled)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const a = cold('---a|');
      const b = cold('-b|');
      const c = cold('    -c|');
      expectObservable(lock.run(a)).toBe('---a|');
      expectObservable(lock.run(b), '^---!').toBe('-----');
      expectObservable(lock.run(c)).toBe('-----c|');
      expectSubscriptions(c.subscriptions).toBe('----^-!');
      testScheduler.schedule(() => expect([lock.locked(), lock.waiting]).toEqual([false, 0]), 7);
    });
  });

  it('lets exactly one waiter in when another leaves as the lock is freed (test_cancel_release_race)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const holder = cold('---|');
      const [t1, t2, t3] = [cold('-'), cold('-'), cold('-')];
      expectObservable(lock.run(holder)).toBe('---|');
      expectObservable(lock.run(t1!), '^--!').toBe('---');
      expectObservable(lock.run(t2!), '^----!').toBe('------');
      expectObservable(lock.run(t3!), '^---!').toBe('-----');
      expectSubscriptions(t1!.subscriptions).toBe([]);
      expectSubscriptions(t2!.subscriptions).toBe('---^-!');
      expectSubscriptions(t3!.subscriptions).toBe([]);
    });
  });

  it('frees the lock after an input that fails, and after one that is unsubscribed, teardown first', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const failing = cold('--#');
      const long = cold('     ------x|');
      const next = cold('       -n|');
      expectObservable(lock.run(failing)).toBe('--#');
      expectObservable(lock.run(long), '^---!').toBe('-----');
      expectObservable(lock.run(next)).toBe('-----n|');
      expectSubscriptions(long.subscriptions).toBe('--^-!');
      expectSubscriptions(next.subscriptions).toBe('----^-!');
    });
  });

  it('keeps the lock held by a Promise until it settles, even once its subscriber has left', async () => {
    const lock = new Lock();
    let settle!: () => void;
    const held = new Promise<void>((resolve) => (settle = resolve));
    lock
      .run(() => held)
      .subscribe()
      .unsubscribe();
    expect(lock.locked()).toBe(true);
    const next = lastValueFrom(lock.run(of('next')));
    settle();
    await expect(next).resolves.toBe('next');
    expect(lock.locked()).toBe(false);
  });

  it('is a Limiter: withPermit(lock) serialises sources across streams', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const a = cold('-a|');
      const b = cold('  -b|');
      expectObservable(merge(a.pipe(withPermit(lock)), b.pipe(withPermit(lock)))).toBe('-a-b|');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
    });
  });

  it('passes an error of its input on, and is free for the next run', async () => {
    const lock = new Lock();
    await expect(lastValueFrom(lock.run(throwError(() => new Error('boom'))))).rejects.toThrow('boom');
    expect(lock.locked()).toBe(false);
  });
});
