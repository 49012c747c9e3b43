import { Observable, Subscriber, asyncScheduler, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EngineSubscriber, monotonicNow, subscribeOnPrototype } from '../../lib/internal/rxjs';

/**
 * What the engine relies on from rxjs beyond its documented surface (the points of
 * lib/internal/rxjs.ts). An rxjs upgrade that changes one of them fails here first.
 */
describe('what the engine relies on from rxjs', () => {
  class Recorder extends EngineSubscriber<number> {
    readonly log: string[] = [];
    protected override _next(value: number): void {
      this.log.push(`next ${value}`);
    }
    protected override _error(err: unknown): void {
      this.log.push(`error ${String(err)}`);
      this.unsubscribe();
    }
    protected override _complete(): void {
      this.log.push('complete');
      this.unsubscribe();
    }
  }

  it('1. subscribes a Subscriber subclass made without a destination as it is, adding the teardown to it', () => {
    const recorder = new Recorder();
    let teardowns = 0;
    let seen: unknown;
    const source = new Observable<number>((subscriber) => {
      seen = subscriber;
      subscriber.next(1);
      return () => teardowns++;
    });
    const subscription = source.subscribe(recorder);
    // Not wrapped in a SafeSubscriber: the source sees the recorder itself.
    expect(seen).toBe(recorder);
    expect(subscription).toBe(recorder);
    expect(recorder).toBeInstanceOf(Subscriber);
    expect(recorder.log).toEqual(['next 1']);
    recorder.unsubscribe();
    expect(teardowns).toBe(1);
  });

  it('2. has run the teardown of a source that ended synchronously by the time subscribe() returns', () => {
    const recorder = new Recorder();
    const log: string[] = [];
    new Observable<number>((subscriber) => {
      subscriber.next(1);
      subscriber.complete();
      log.push('returning the teardown');
      return () => log.push('teardown');
    }).subscribe(recorder);
    log.push('subscribe returned');
    expect(log).toEqual(['returning the teardown', 'teardown', 'subscribe returned']);
    expect(recorder.closed).toBe(true);
  });

  it('3. notifies downstream of an error or completion before the finalizers of that subscriber run', () => {
    for (const end of ['error', 'complete'] as const) {
      const log: string[] = [];
      new Observable<number>((subscriber) => {
        subscriber.add(() => log.push('finalizer'));
        if (end === 'error') subscriber.error('boom');
        else subscriber.complete();
      }).subscribe({ error: () => log.push('error'), complete: () => log.push('complete') });
      expect(log).toEqual([end, 'finalizer']);
    }
  });

  it('4. reads Date.now() through asyncScheduler.now(), and virtual frames inside TestScheduler.run()', () => {
    expect(Math.abs(asyncScheduler.now() - Date.now())).toBeLessThanOrEqual(1);
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ flush }) => {
      expect(asyncScheduler.now()).toBe(0);
      let at = -1;
      asyncScheduler.schedule(() => (at = asyncScheduler.now()), 7);
      flush();
      expect(at).toBe(7);
    });
  });

  it('5. subscribes an Observable made without a subscribe function through the _subscribe of its prototype, with it as this', () => {
    class Counted extends Observable<number> {
      subscriptions = 0;
    }
    subscribeOnPrototype<Counted, number>(Counted, function (subscriber) {
      this.subscriptions++;
      return of(this.subscriptions).subscribe(subscriber);
    });
    const counted = new Counted();
    const seen: number[] = [];
    counted.subscribe((n) => seen.push(n));
    counted.subscribe((n) => seen.push(n));
    expect(seen).toEqual([1, 2]);
    expect(counted.subscriptions).toBe(2);
    // The point of it: no subscribe function, or field for one, per instance.
    expect(Object.getOwnPropertyNames(counted)).toEqual(['subscriptions']);
  });

  describe('monotonicNow', () => {
    it('follows performance.now() in real time, whatever Date.now() does', () => {
      const realNow = Date.now;
      try {
        Date.now = () => realNow() - 3_600_000;
        const before = performance.now();
        const now = monotonicNow();
        expect(now).toBeGreaterThanOrEqual(before);
        expect(now).toBeLessThanOrEqual(performance.now());
      } finally {
        Date.now = realNow;
      }
    });

    it('follows performance.now() when the process is preempted between its reads of Date.now()', () => {
      const realNow = Date.now;
      let reads = 0;
      try {
        // Each read of the wall clock 5 ms after the last: a busy machine descheduling the process.
        Date.now = () => realNow() + 5 * reads++;
        for (let i = 0; i < 3; i++) {
          const before = performance.now();
          const now = monotonicNow();
          expect(now).toBeGreaterThanOrEqual(before);
          expect(now).toBeLessThanOrEqual(performance.now());
        }
      } finally {
        Date.now = realNow;
      }
    });

    it('reads virtual frames inside TestScheduler.run()', () => {
      new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, flush }) => {
        const seen: number[] = [];
        cold('--a---b|').subscribe(() => seen.push(monotonicNow()));
        flush();
        expect(seen).toEqual([2, 6]);
      });
      // And real time again afterwards.
      const before = performance.now();
      expect(monotonicNow()).toBeGreaterThanOrEqual(before);
    });
  });
});
