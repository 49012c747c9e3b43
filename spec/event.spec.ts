import { AsyncLocalStorage } from 'node:async_hooks';
import { tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Event } from '../lib';

// `event.wait()` emits `t` (true) and completes the frame the event is set. Cases follow
// the EventTests of CPython's Lib/test/test_asyncio/test_locks.py (named in comments).

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('Event', () => {
  it('wakes every waiter when set, in the order they subscribed (test_wait)', () => {
    testScheduler.run(({ expectObservable }) => {
      const event = new Event();
      const woken: string[] = [];
      const waiter = (name: string) => event.wait().pipe(tap(() => woken.push(name)));
      expectObservable(waiter('1')).toBe('   ---(t|)', { t: true });
      expectObservable(waiter('2'), '-^').toBe('---(t|)', { t: true });
      testScheduler.schedule(() => {
        expect(event.waiting).toBe(2);
        event.set();
        expect(woken).toEqual(['1', '2']);
      }, 3);
    });
  });

  it('emits at once, synchronously, when the event is already set (test_wait_on_set)', () => {
    const event = new Event();
    event.set();
    const seen: unknown[] = [];
    event.wait().subscribe({ next: (v) => seen.push(v), complete: () => seen.push('done') });
    expect(seen).toEqual([true, 'done']);
  });

  it('takes a waiter that unsubscribes out of the queue at once (test_wait_cancel)', () => {
    testScheduler.run(({ expectObservable }) => {
      const event = new Event();
      expectObservable(event.wait(), '^-!').toBe('---');
      testScheduler.schedule(() => expect(event.waiting).toBe(0), 2);
      testScheduler.schedule(() => event.set(), 3);
    });
  });

  it('reports set and cleared (test_clear)', () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it('wakes its waiters when set, even if cleared right after; setting twice wakes nobody twice (test_clear_with_waiters)', () => {
    const event = new Event();
    const seen: boolean[] = [];
    event.wait().subscribe((v) => seen.push(v));
    event.set();
    event.clear();
    expect(event.isSet()).toBe(false);
    event.set();
    event.set();
    expect(seen).toEqual([true]);
    expect(event.waiting).toBe(0);
  });

  it('wakes every subscription waiting when set, even if the first woken clears the event', () => {
    const event = new Event();
    const woken: string[] = [];
    event.wait().subscribe(() => {
      woken.push('first');
      event.clear();
      // Waits for the next set(): it was not waiting when this one came.
      event.wait().subscribe(() => woken.push('again'));
    });
    event.wait().subscribe(() => woken.push('second'));
    event.set();
    expect(woken).toEqual(['first', 'second']);
    expect(event.waiting).toBe(1);
    event.set();
    expect(woken).toEqual(['first', 'second', 'again']);
  });

  it('lets a subscription made while it is set through, even from inside a waking waiter that clears it next', () => {
    const event = new Event();
    const woken: string[] = [];
    event.wait().subscribe(() => {
      woken.push('first');
      // The event is set here: this one emits, as outside any waiter it would at once.
      event.wait().subscribe(() => woken.push('asked while set'));
      event.clear();
    });
    event.set();
    expect(woken).toEqual(['first', 'asked while set']);
    expect(event.waiting).toBe(0);
  });

  it('makes a subscription that comes after clear() wait for the next set()', () => {
    testScheduler.run(({ expectObservable }) => {
      const event = new Event();
      testScheduler.schedule(() => event.set(), 1);
      testScheduler.schedule(() => event.clear(), 2);
      testScheduler.schedule(() => event.set(), 5);
      expectObservable(event.wait(), '---^').toBe('-----(t|)', { t: true });
    });
  });

  it('is cold: nothing waits before subscription', () => {
    const event = new Event();
    const wait = event.wait();
    expect(event.waiting).toBe(0);
    wait.subscribe();
    wait.subscribe();
    expect(event.waiting).toBe(2);
  });

  it('wakes each waiter in the async context it subscribed in, not in that of set()', () => {
    const event = new Event();
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    storage.run('waiter', () => event.wait().subscribe(() => seen.push(storage.getStore())));
    storage.run('setter', () => event.set());
    expect(seen).toEqual(['waiter']);
  });
});
