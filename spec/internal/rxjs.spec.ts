import { Observable, asyncScheduler, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EngineSubscriber, subscribeWithThis } from '../../lib/internal/rxjs';

/**
 * What the engine relies on from rxjs 7 beyond its documented surface, point by point as
 * lib/internal/rxjs.ts lists it: an rxjs upgrade that changes one fails here first.
 */
describe('what the engine relies on from rxjs', () => {
  class Recorder extends EngineSubscriber<number> {
    readonly seen: string[] = [];
    protected override _next(value: number): void {
      this.seen.push(`next ${value}`);
    }
    protected override _complete(): void {
      this.seen.push('complete');
      this.unsubscribe();
    }
  }

  it('1. subscribes a Subscriber made without a destination as it is, adding the teardown to it', () => {
    const recorder = new Recorder();
    let subscribedWith: unknown;
    let tornDown = false;
    const subscription = new Observable<number>((subscriber) => {
      subscribedWith = subscriber;
      return () => (tornDown = true);
    }).subscribe(recorder);
    expect(subscribedWith).toBe(recorder);
    expect(subscription).toBe(recorder);
    recorder.unsubscribe();
    expect(tornDown).toBe(true);
  });

  it('2. has run the teardown of a source that ended synchronously by the time subscribe() returns', () => {
    const order: string[] = [];
    new Observable<number>((subscriber) => {
      subscriber.complete();
      return () => order.push('teardown');
    }).subscribe({ complete: () => order.push('complete') });
    order.push('subscribe returned');
    expect(order).toEqual(['complete', 'teardown', 'subscribe returned']);
  });

  it('3. notifies error and complete first, then runs the finalizers of the subscriber', () => {
    const order: string[] = [];
    new Observable<number>((subscriber) => {
      subscriber.add(() => order.push('finalizer'));
      subscriber.complete();
    }).subscribe({ complete: () => order.push('complete') });
    expect(order).toEqual(['complete', 'finalizer']);
  });

  it('4. reads Date.now() in asyncScheduler.now(), and the virtual frame inside TestScheduler.run()', () => {
    expect(Math.abs(asyncScheduler.now() - Date.now())).toBeLessThanOrEqual(1);
    new TestScheduler(() => undefined).run(() => {
      expect(asyncScheduler.now()).toBe(0);
    });
  });

  it('5. calls the subscribe function of new Observable(subscribe) with the Observable as this', () => {
    class Counted extends Observable<number> {
      subscriptions = 0;
      constructor() {
        super(
          subscribeWithThis<Counted, number>(function (subscriber) {
            this.subscriptions++;
            return of(this.subscriptions).subscribe(subscriber);
          }),
        );
      }
    }
    const counted = new Counted();
    const seen: number[] = [];
    counted.subscribe((n) => seen.push(n));
    counted.subscribe((n) => seen.push(n));
    expect(seen).toEqual([1, 2]);
    expect(counted.subscriptions).toBe(2);
  });
});
