import { deepStrictEqual } from 'node:assert';
import { TestScheduler } from 'rxjs/testing';
import { gather } from '../../lib';

const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
  const a = cold('------a|');
  const b = cold('--#');
  expectObservable(gather([a, b])).toBe('--#'); // the first failure is raised at once
  expectSubscriptions(a.subscriptions).toBe('^-!'); // and a is cancelled at that very frame
});
console.log('gather cancels a when b fails');
// Logs:
// gather cancels a when b fails
