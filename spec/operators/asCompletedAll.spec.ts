import { TimeoutError, finalize } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { asCompletedAll } from '../../lib';

/**
 * asCompletedAll is as_completed as an operator: inputs arrive on the source, each is
 * started at once (within `concurrency`), and each result is emitted the frame its
 * input completes. Unlike mergeMap, only an input's last value is emitted.
 */
describe('asCompletedAll', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits each result as its input completes, and completes after the source and all inputs', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold(    '------x|');
      const b = cold('-y|');
      const source = hot('-a--b-----|', { a, b });
      expectObservable(source.pipe(asCompletedAll())).toBe('------y-x-|');
    });
  });

  it('emits only the last value of each input', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold('1-2-3|');
      const source = hot('a|', { a });
      expectObservable(source.pipe(asCompletedAll())).toBe('-----(3|)');
    });
  });

  it('starts queued inputs as slots free', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('---x|');
      const b = cold('-y|');
      const c = cold('-z|');
      const source = hot('(abc|)', { a, b, c });
      expectObservable(source.pipe(asCompletedAll({ concurrency: 2 }))).toBe('--y-(xz|)');
      expectSubscriptions(c.subscriptions).toBe('--^-!');
    });
  });

  it('with returnExceptions, emits a failure as a value', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold('--#', undefined, 'boom');
      const source = hot('a|', { a });
      expectObservable(source.pipe(asCompletedAll({ returnExceptions: true }))).toBe('--(e|)', { e: 'boom' });
    });
  });

  it('fails at the first failure and unsubscribes the rest and the source', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--#');
      const b = cold('-----y|');
      const source = hot('ab-------|', { a, b });
      expectObservable(source.pipe(asCompletedAll())).toBe('--#');
      expectSubscriptions(b.subscriptions).toBe('-^!');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('delivers results in time, then TimeoutError at the deadline', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold('-x|');
      const b = cold('-------y|');
      const source = hot('ab|', { a, b });
      expectObservable(source.pipe(asCompletedAll({ timeout: 5 }))).toBe('--x--#', undefined, expect.any(TimeoutError));
    });
  });

  // Within one frame the marbles cannot tell the order: a log does.
  it('unsubscribes the running inputs and the source before the TimeoutError', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('-------x|').pipe(finalize(() => log.push('a torn down')));
      cold('a-------|', { a })
        .pipe(
          finalize(() => log.push('source torn down')),
          asCompletedAll({ timeout: 4 }),
        )
        .subscribe({ error: (err: Error) => log.push(err.name) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'source torn down', 'TimeoutError']);
    });
  });

  it('stops the running inputs before it passes a source error on', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('-------x|').pipe(finalize(() => log.push('a torn down')));
      cold('a--#', { a })
        .pipe(asCompletedAll())
        .subscribe({ error: (err: unknown) => log.push(`error ${String(err)}`) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'error error']);
    });
  });

  it('unsubscribes the source and the running inputs when the subscriber leaves', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('------x|');
      const source = hot('a------|', { a });
      expectObservable(source.pipe(asCompletedAll()), '^--!').toBe('----');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
