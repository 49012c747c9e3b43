import { TestScheduler } from 'rxjs/testing';
import { firstCompleted, firstSuccessful } from './racing';

// Marbles, in virtual time: one frame is 1 ms. expectSubscriptions shows when each
// input was started (^) and when it ended or was cancelled (!): the losers of a race
// are unsubscribed at the frame the winner ends, which for an HTTP request is an abort.

const scheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('firstCompleted: wait(FIRST_COMPLETED), the rest cancelled', () => {
  it('emits the first input to complete, and cancels the others at that frame', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('----e|');
      const us = cold('-u|');
      const ap = cold('------a|');
      expectObservable(firstCompleted([eu, us, ap])).toBe('--(r|)', {
        r: { winner: 'u', cancelled: 2 },
      });
      expectSubscriptions(eu.subscriptions).toBe('^-!');
      expectSubscriptions(us.subscriptions).toBe('^-!');
      expectSubscriptions(ap.subscriptions).toBe('^-!');
    });
  });

  it('fails with the first input to finish when it failed (an error is a completion too)', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('-#', undefined, new Error('503'));
      const us = cold('---u|');
      expectObservable(firstCompleted([eu, us])).toBe('-#', undefined, new Error('503'));
      expectSubscriptions(us.subscriptions).toBe('^!');
    });
  });

  it('cancels every input when unsubscribed before any finished', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('----e|');
      const us = cold('-----u|');
      expectObservable(firstCompleted([eu, us]), '^--!').toBe('----');
      expectSubscriptions(eu.subscriptions).toBe('^--!');
      expectSubscriptions(us.subscriptions).toBe('^--!');
    });
  });
});

describe('firstSuccessful: asCompleted(returnExceptions) + take(1)', () => {
  it('skips failures and emits the first success; the rest are cancelled', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const eu = cold('-#', undefined, new Error('503'));
      const us = cold('---u|');
      const ap = cold('------a|');
      expectObservable(firstSuccessful([eu, us, ap], 'search')).toBe('----(u|)');
      expectSubscriptions(eu.subscriptions).toBe('^!');
      expectSubscriptions(us.subscriptions).toBe('^---!');
      expectSubscriptions(ap.subscriptions).toBe('^---!');
    });
  });

  it('fails with an AggregateError of every failure, in the order they failed', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const late = new Error('late');
      const early = new Error('early');
      const result = firstSuccessful(
        [cold('---#', undefined, late), cold('-#', undefined, early)],
        'search',
      );
      expectObservable(result).toBe(
        '---#',
        undefined,
        new AggregateError([early, late], 'search: every input failed'),
      );
    });
  });
});
