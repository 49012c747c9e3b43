import { Observable, finalize, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Semaphore } from '../../lib/semaphore';
import { withPermit } from '../../lib/operators/withPermit';

// `source.pipe(withPermit(semaphore))` is `semaphore.run(source)` as an operator. Each
// source's subscription marble shows when it got its permit (subscribed) and gave it
// back (unsubscribed). A cold source's marbles start at its subscription; spaces take no
// time and only line the marbles up in columns.

let testScheduler: TestScheduler;

beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('withPermit', () => {
  // The operator form of semaphore.run: the same queue, the same permits.
  describe('running the source under a permit', () => {
    // Semaphore(1): each source starts when the previous one completes, in the order
    // they were subscribed.

    it('runs sources one permit at a time, first come first served', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const semaphore = new Semaphore(1);
        // prettier-ignore
        const a = cold(                                        '-a-|     ');
        // prettier-ignore
        const b = cold(                                        '   --b|  ');
        // prettier-ignore
        const c = cold(                                        '      -c|');
        // prettier-ignore
        expectObservable(a.pipe(withPermit(semaphore))).toBe(  '-a-|     ');
        // prettier-ignore
        expectObservable(b.pipe(withPermit(semaphore))).toBe(  '-----b|  ');
        // prettier-ignore
        expectObservable(c.pipe(withPermit(semaphore))).toBe(  '-------c|');
        // prettier-ignore
        expectSubscriptions(a.subscriptions).toBe(             '^--!     ');
        // prettier-ignore
        expectSubscriptions(b.subscriptions).toBe(             '---^--!  ');
        // prettier-ignore
        expectSubscriptions(c.subscriptions).toBe(             '------^-!');
      });
    });

    it('shares the limit with semaphore.run on the same semaphore', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const semaphore = new Semaphore(1);
        // prettier-ignore
        const a = cold(                                        '--a|   ');
        // prettier-ignore
        const b = cold(                                        '   --b|');
        // prettier-ignore
        expectObservable(semaphore.run(a)             ).toBe(  '--a|   ');
        // prettier-ignore
        expectObservable(b.pipe(withPermit(semaphore))).toBe(  '-----b|');
        // prettier-ignore
        expectSubscriptions(b.subscriptions).toBe(             '---^--!');
      });
    });

    it('leaves the queue when unsubscribed while waiting', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const semaphore = new Semaphore(1);
        // prettier-ignore
        const a = cold(                                              '---|    ');
        // prettier-ignore
        const b = cold(                                              '-b|     ');
        // prettier-ignore
        const c = cold(                                              '   --c| ');
        // prettier-ignore
        expectObservable(a.pipe(withPermit(semaphore))       ).toBe( '---|    ');
        // prettier-ignore
        expectObservable(b.pipe(withPermit(semaphore)), '^-!').toBe( '--      ');
        // prettier-ignore
        expectObservable(c.pipe(withPermit(semaphore))       ).toBe( '-----c| ');
        // prettier-ignore
        expectSubscriptions(b.subscriptions).toBe([]);
        // prettier-ignore
        expectSubscriptions(c.subscriptions).toBe(                   '---^--! ');
      });
    });

    it('gives the permit back after the source’s teardown, whichever way the source ends', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const semaphore = new Semaphore(1);
        const seenInTeardown: number[] = [];
        const guarded = (marbles: string) => cold(marbles).pipe(finalize(() => seenInTeardown.push(semaphore.available)));
        // prettier-ignore
        expectObservable(guarded('-|').pipe(withPermit(semaphore))              ).toBe('-|    ');
        // prettier-ignore
        expectObservable(guarded('-#').pipe(withPermit(semaphore))              ).toBe('--#   ');
        // prettier-ignore
        expectObservable(guarded('----|').pipe(withPermit(semaphore)), '^---!'  ).toBe('---   ');
        testScheduler.schedule(() => {
          expect(seenInTeardown).toEqual([0, 0, 0]);
          expect(semaphore.available).toBe(1);
        }, 5);
      });
    });

    it('keeps the type of the source', () => {
      const semaphore = new Semaphore(1);
      const typed: Observable<number> = of(1, 2).pipe(withPermit(semaphore));
      const values: number[] = [];
      typed.subscribe((v) => values.push(v));
      expect(values).toEqual([1, 2]);
    });
  });

  describe('bad arguments', () => {
    // The semaphore is checked when the operator is made, not when it is subscribed.

    it.each([
      [2, 'withPermit: limiter must be a Limiter (an object with a run(input) method), got 2'],
      [undefined, 'withPermit: limiter must be a Limiter (an object with a run(input) method), got undefined'],
      [{ available: 1 }, 'withPermit: limiter must be a Limiter (an object with a run(input) method), got { available }'],
    ])('throws a TypeError for %p', (value, message) => {
      expect(() => withPermit(value as never)).toThrow(TypeError);
      expect(() => withPermit(value as never)).toThrow(message);
    });
  });
});
