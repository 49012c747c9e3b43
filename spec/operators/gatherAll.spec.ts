import { EmptyError, TimeoutError, finalize, from, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { gatherAll } from '../../lib';

/**
 * gatherAll is gather as an operator: the source emits inputs (here, cold Observables
 * named a, b, c) and each is started the frame it arrives. The one array of results
 * comes once the source has completed and every input is done, in arrival order.
 */
describe('gatherAll', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('starts each input as it arrives and emits all results in arrival order at the end', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold(     '------x|');
      const b = cold('-y|');
      const source = hot('-a--b-----|', { a, b });
      expectObservable(source.pipe(gatherAll())).toBe('----------(r|)', { r: ['x', 'y'] });
      expectSubscriptions(a.subscriptions).toBe('-^------!');
      expectSubscriptions(b.subscriptions).toBe('----^-!');
    });
  });

  it('waits for the last input after the source completes', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold( '------x|');
      const source = hot('a|', { a });
      expectObservable(source.pipe(gatherAll())).toBe('-------(r|)', { r: ['x'] });
    });
  });

  it('emits [] when the source completes empty', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('---|').pipe(gatherAll())).toBe('---(r|)', { r: [] });
    });
  });

  it('queues inputs beyond the concurrency limit and starts them in arrival order', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('----x|');
      const b = cold('-y|');
      const source = hot('(ab|)', { a, b });
      expectObservable(source.pipe(gatherAll({ concurrency: 1 }))).toBe('-------(r|)', { r: ['x', 'y'] });
      expectSubscriptions(b.subscriptions).toBe('-----^-!');
    });
  });

  it('fails at the first failure, unsubscribing the running inputs and the source', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-------x|');
      const b = cold('--#');
      const source = hot('ab------|', { a, b });
      expectObservable(source.pipe(gatherAll())).toBe('---#');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('with returnExceptions, keeps failures in place (EmptyError for an empty input)', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold('--x|');
      const b = cold('-|');
      const source = hot('ab|', { a, b });
      expectObservable(source.pipe(gatherAll({ returnExceptions: true }))).toBe('---(r|)', { r: ['x', expect.any(EmptyError)] });
    });
  });

  it('stops pulling a synchronous source as soon as an input fails', () => {
    let pulled = 0;
    function* inputs() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield i === 2 ? throwError(() => new Error('third')) : of(i);
      }
    }
    let error: unknown;
    from(inputs())
      .pipe(gatherAll())
      .subscribe({ error: (e: unknown) => (error = e) });
    expect((error as Error).message).toBe('third');
    expect(pulled).toBe(3);
  });

  it('passes a source error on and unsubscribes the running inputs', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-------x|');
      const source = hot('a--#', { a });
      expectObservable(source.pipe(gatherAll())).toBe('---#');
      expectSubscriptions(a.subscriptions).toBe('^--!');
    });
  });

  // Within one frame the marbles cannot tell the order: a log does. The work stops, then
  // the subscriber hears why, as for gather's own failures and rxjs's timeout.
  it('stops the running inputs before it passes a source error on', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('-------x|').pipe(finalize(() => log.push('a torn down')));
      cold('a--#', { a })
        .pipe(gatherAll())
        .subscribe({ error: (err: unknown) => log.push(`error ${String(err)}`) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'error error']);
    });
  });

  it('unsubscribes the running inputs and the source before the TimeoutError', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('-------x|').pipe(finalize(() => log.push('a torn down')));
      cold('a-------|', { a })
        .pipe(
          finalize(() => log.push('source torn down')),
          gatherAll({ timeout: 4 }),
        )
        .subscribe({ error: (err: Error) => log.push(err.name) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'source torn down', 'TimeoutError']);
    });
  });

  it('unsubscribes the source and the other inputs before it passes an input failure on', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('-------x|').pipe(finalize(() => log.push('a torn down')));
      const b = cold('--#');
      cold('ab------|', { a, b })
        .pipe(
          finalize(() => log.push('source torn down')),
          gatherAll(),
        )
        .subscribe({ error: (err: unknown) => log.push(`error ${String(err)}`) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'source torn down', 'error error']);
    });
  });

  it('fails with TimeoutError at the deadline', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-------x|');
      const source = hot('a-------|', { a });
      expectObservable(source.pipe(gatherAll({ timeout: 4 }))).toBe('----#', undefined, expect.any(TimeoutError));
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(a.subscriptions).toBe('^---!');
    });
  });

  it('unsubscribes the source and every running input when the subscriber leaves', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-------x|');
      const source = hot('a-------|', { a });
      expectObservable(source.pipe(gatherAll()), '^-!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe('^-!');
      expectSubscriptions(a.subscriptions).toBe('^-!');
    });
  });

  it('reports total as undefined until the source completes', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const reports: unknown[] = [];
      // prettier-ignore
      const a = cold('-x|');
      const b = cold('---y|');
      const source = hot('ab--|', { a, b });
      expectObservable(source.pipe(gatherAll({ onProgress: (p) => reports.push(p) }))).toBe('-----(r|)', { r: ['x', 'y'] });
      testScheduler.flush();
      expect(reports).toEqual([
        { done: 1, failed: 0, total: undefined },
        { done: 2, failed: 0, total: 2 },
      ]);
    });
  });

  it('fails with a TypeError when the source emits something that is not an input', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-a', { a: 42 as never });
      expectObservable(source.pipe(gatherAll())).toBe(
        '-#',
        undefined,
        new TypeError('gatherAll: source value #0 must be an ObservableInput (Observable, Promise, iterable, ...) or a function returning one, got 42'),
      );
    });
  });
});
