import { Subject, defer, of, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Condition, Lock, withPermit } from '../lib';

// `condition.runWhen(predicate, input)` takes the condition's lock, checks the
// predicate, and runs the input under the lock if it holds; if not, it sleeps (holding
// nothing) until notify()/notifyAll(). In the marbles, an input's `^` is the frame its
// predicate held (and it got the lock). Cases follow the ConditionTests of CPython's
// Lib/test/test_asyncio/test_locks.py (named in comments); asyncio's `cond.wait()` after
// `acquire()` is a `runWhen` whose predicate says whether it was let through.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** Runs `change` under the condition's lock, now: a producer's step. */
function under(condition: Condition, change: () => void): void {
  condition
    .run(
      defer(() => {
        change();
        return of(true);
      }),
    )
    .subscribe();
}

describe('Condition', () => {
  it('runs the input under the lock at once when the predicate already holds (test_wait_for_unacquired)', () => {
    const condition = new Condition();
    const seen: boolean[] = [];
    condition
      .runWhen(
        () => true,
        defer(() => of(condition.locked())),
      )
      .subscribe((locked) => seen.push(locked));
    expect(seen).toEqual([true]);
    expect(condition.locked()).toBe(false);
  });

  it('sleeps, holding no lock, until notified, and checks the predicate again then (test_wait_for)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const condition = new Condition();
      let ready = false;
      const input = cold('-x|');
      expectObservable(condition.runWhen(() => ready, input)).toBe('-----x|');
      testScheduler.schedule(() => {
        expect([condition.locked(), condition.waiting]).toEqual([false, 1]);
        // Notified, but the predicate is still false: back to sleep.
        under(condition, () => condition.notify());
        expect(condition.waiting).toBe(1);
      }, 2);
      testScheduler.schedule(() => under(condition, () => ((ready = true), condition.notify())), 4);
      expectSubscriptions(input.subscriptions).toBe('----^-!');
    });
  });

  it('wakes the one that slept longest with notify(), then the rest with notify(n) (test_notify)', () => {
    const condition = new Condition();
    let turns = 0;
    const ran: number[] = [];
    for (const n of [1, 2, 3]) {
      condition
        .runWhen(
          () => turns > 0,
          defer(() => (turns--, ran.push(n), of(n))),
        )
        .subscribe();
    }
    expect(condition.waiting).toBe(3);
    under(condition, () => {
      turns = 3;
      condition.notify(1);
    });
    expect(ran).toEqual([1]);
    under(condition, () => {
      condition.notify(1);
      condition.notify(2048);
    });
    expect(ran).toEqual([1, 2, 3]);
    expect(condition.waiting).toBe(0);
  });

  it('wakes every sleeper with notifyAll(), in arrival order (test_notify_all)', () => {
    const condition = new Condition();
    let open = false;
    const ran: number[] = [];
    for (const n of [1, 2])
      condition
        .runWhen(
          () => open,
          defer(() => (ran.push(n), of(n))),
        )
        .subscribe();
    under(condition, () => ((open = true), condition.notifyAll()));
    expect(ran).toEqual([1, 2]);
  });

  it('may be notified without holding the lock (asyncio raises RuntimeError here)', () => {
    const condition = new Condition();
    let open = false;
    const ran: string[] = [];
    condition
      .runWhen(
        () => open,
        defer(() => (ran.push('ran'), of(1))),
      )
      .subscribe();
    open = true;
    condition.notify();
    expect(ran).toEqual(['ran']);
  });

  it('sends a woken subscription whose predicate is still false back to sleep, at the back', () => {
    const condition = new Condition();
    const wants: Record<string, boolean> = { a: false, b: false };
    const ran: string[] = [];
    for (const name of ['a', 'b'])
      condition
        .runWhen(
          () => wants[name]!,
          defer(() => (ran.push(name), of(name))),
        )
        .subscribe();
    wants.b = true;
    // notify(1) wakes a: still false, a sleeps again behind b.
    condition.notify();
    expect(ran).toEqual([]);
    // The next notify(1) goes to b, which has slept longest now.
    condition.notify();
    expect(ran).toEqual(['b']);
    expect(condition.waiting).toBe(1);
  });

  it('takes a sleeper that unsubscribes out at once, leaving the lock free (test_wait_cancel)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const condition = new Condition();
      const input = cold('x|');
      expectObservable(
        condition.runWhen(() => false, input),
        '^--!',
      ).toBe('---');
      testScheduler.schedule(() => {
        expect([condition.waiting, condition.locked()]).toEqual([0, false]);
        condition.notifyAll();
      }, 4);
      expectSubscriptions(input.subscriptions).toBe([]);
    });
  });

  it('passes a notification on when the one it woke leaves before taking the lock (test_wait_cancel_after_notify, test_cancelled_wakeup_relock)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const condition = new Condition();
      let items = 0;
      const take = (input: Observable<string>) => defer(() => (items--, input));
      const first = cold('x|');
      const second = cold('y|');
      // A producer holds the lock from frame 1 to 3; it puts one item in and notifies one
      // sleeper at frame 1. The first sleeper is woken and waits for the lock; it leaves at 2.
      expectObservable(
        condition.runWhen(() => items > 0, take(first)),
        '^-!',
      ).toBe('---');
      expectObservable(condition.runWhen(() => items > 0, take(second))).toBe('---y|');
      testScheduler.schedule(() => {
        condition.run(cold('--|')).subscribe();
        items++;
        condition.notify(1);
      }, 1);
      expectSubscriptions(first.subscriptions).toBe([]);
      expectSubscriptions(second.subscriptions).toBe('---^!');
      testScheduler.schedule(() => expect(items).toBe(0), 4);
    });
  });

  it('passes a notification on when the one it woke leaves in the same instant (test_cancelled_wakeup)', () => {
    const condition = new Condition();
    let state = 0;
    const consumed: string[] = [];
    const consumer = (name: string) =>
      condition.runWhen(
        () => state !== 0,
        defer(() => (state--, consumed.push(name), of(name))),
      );
    // Both consumers are asleep; a producer holds the lock while it notifies, so the
    // woken consumer waits for the lock...
    const c0 = consumer('c0').subscribe();
    consumer('c1').subscribe();
    expect(condition.waiting).toBe(2);
    const producer = new Subject<void>();
    condition.run(producer).subscribe();
    state++;
    condition.notify(1);
    // ...and is cancelled there, before it could look at the state.
    c0.unsubscribe();
    producer.complete();
    expect(consumed).toEqual(['c1']);
    expect(state).toBe(0);
    expect([condition.waiting, condition.locked()]).toEqual([0, false]);
  });

  it('frees the lock and fails the subscription when the predicate throws', () => {
    const condition = new Condition();
    const boom = new Error('boom');
    let failure: unknown;
    condition
      .runWhen(() => {
        throw boom;
      }, of(1))
      .subscribe({ error: (err: unknown) => (failure = err) });
    expect(failure).toBe(boom);
    expect(condition.locked()).toBe(false);
  });

  it('shares an explicit lock with Lock.run and other conditions (test_explicit_lock)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lock = new Lock();
      const a = new Condition(lock);
      const b = new Condition(lock);
      const viaLock = cold('--x|');
      const viaA = cold('     -a|');
      const viaB = cold('       -b|');
      expectObservable(lock.run(viaLock)).toBe('--x|');
      expectObservable(a.run(viaA)).toBe('----a|');
      expectObservable(b.runWhen(() => true, viaB)).toBe('------b|');
      expectSubscriptions(viaA.subscriptions).toBe('---^-!');
      expectSubscriptions(viaB.subscriptions).toBe('-----^-!');
      testScheduler.schedule(() => expect([lock.locked(), a.locked(), b.locked()]).toEqual([true, true, true]), 1);
    });
  });

  it('is a Limiter: withPermit(condition) runs a source under its lock', () => {
    const condition = new Condition();
    const seen: boolean[] = [];
    defer(() => of(condition.locked()))
      .pipe(withPermit(condition))
      .subscribe((locked) => seen.push(locked));
    expect(seen).toEqual([true]);
  });

  it('calls a function input only once the predicate holds', () => {
    const condition = new Condition();
    let open = false;
    let calls = 0;
    const values: number[] = [];
    condition
      .runWhen(
        () => open,
        () => (calls++, of(calls)),
      )
      .pipe(tap((v) => values.push(v)))
      .subscribe();
    expect(calls).toBe(0);
    open = true;
    condition.notify();
    expect([calls, values]).toEqual([1, [1]]);
  });
});
