import { finalize, from, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, createTask, waitUntil } from '../../lib';
import type { Task, WaitResult } from '../../lib';

/**
 * waitUntil is the custom wait operator: it starts each input from the source as a
 * Task and emits one `{ done, pending }` as soon as its condition holds, even while
 * the source is still emitting. The source's subscription marble ends at that frame:
 * that is the proof that waitUntil stopped listening for more inputs. The tasks still
 * pending run on (their own marbles end later), for the caller to cancel or keep.
 */
describe('waitUntil', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const results = <T>(tasks: Task<T>[]) => tasks.map((t) => (t.exception() === undefined ? t.result() : t.exception()));

  it('FIRST_COMPLETED emits before the source completes, and unsubscribes the source', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold(     '----x|');
      const b = cold('--------y|');
      const source = hot('-a-b--------|', { a, b });
      let result: WaitResult<string> | undefined;
      const waited = source.pipe(waitUntil(FIRST_COMPLETED));
      expectObservable(waited).toBe('------(r|)', { r: expect.anything() });
      waited.subscribe((r) => (result = r));
      expectSubscriptions(source.subscriptions).toBe(['^-----!', '^-----!']);
      testScheduler.flush();
      expect(results(result!.done)).toEqual(['x']);
      expect(result!.pending.length).toBe(1);
    });
  });

  it('leaves the pending tasks running after it emits', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--x|');
      const b = cold('-------y|');
      const source = hot('(ab)', { a, b });
      expectObservable(source.pipe(waitUntil(FIRST_COMPLETED))).toBe('---(r|)', { r: expect.anything() });
      expectSubscriptions(b.subscriptions).toBe('^-------!');
    });
  });

  it('ALL_COMPLETED (the default) emits when the source has completed and every task is done', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold( '--x|');
      const b = cold('-----y|');
      const source = hot('a-b-|', { a, b });
      let result: WaitResult<string> | undefined;
      const waited = source.pipe(waitUntil());
      expectObservable(waited).toBe('--------(r|)', { r: expect.anything() });
      waited.subscribe((r) => (result = r));
      testScheduler.flush();
      expect(results(result!.done)).toEqual(['x', 'y']);
      expect(result!.pending).toEqual([]);
    });
  });

  it('FIRST_EXCEPTION emits at the first failure', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('-----x|');
      const b = cold('--#');
      const source = hot('ab-------|', { a, b });
      expectObservable(source.pipe(waitUntil(FIRST_EXCEPTION))).toBe('---(r|)', { r: expect.anything() });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('emits { done: [], pending: [] } when the source completes empty', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('--|').pipe(waitUntil(ALL_COMPLETED))).toBe('--(r|)', { r: { done: [], pending: [] } });
    });
  });

  it('emits what is done at the timeout', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const a = cold('-x|');
      const b = cold('---------y|');
      const source = hot('ab', { a, b });
      let result: WaitResult<string> | undefined;
      const waited = source.pipe(waitUntil(ALL_COMPLETED, { timeout: 4 }));
      expectObservable(waited).toBe('----(r|)', { r: expect.anything() });
      waited.subscribe((r) => (result = r));
      testScheduler.flush();
      expect(results(result!.done)).toEqual(['x']);
      expect(result!.pending.length).toBe(1);
    });
  });

  it('stops taking inputs from a synchronous source once its condition holds', () => {
    let pulled = 0;
    function* inputs() {
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield of(i);
      }
    }
    let result: WaitResult<number> | undefined;
    from(inputs())
      .pipe(waitUntil(FIRST_COMPLETED))
      .subscribe((r) => (result = r));
    expect(results(result!.done)).toEqual([0]);
    expect(pulled).toBe(1);
  });

  describe('unsubscribing before it emits', () => {
    // As for wait: tasks this operator started are cancelled with the subscriber's
    // leaving; Tasks that came from the source are left alone.
    it('cancels the tasks it started and unsubscribes the source', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------x|');
        const source = hot('a------|', { a });
        expectObservable(source.pipe(waitUntil()), '^--!').toBe('----');
        expectSubscriptions(a.subscriptions).toBe('^--!');
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });

    it('leaves Tasks that came from the source alone', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------x|');
        const task = createTask(a);
        const source = hot('t------|', { t: task });
        expectObservable(source.pipe(waitUntil()), '^--!').toBe('----');
        expectSubscriptions(a.subscriptions).toBe('^------!');
      });
    });
  });

  it('passes a source error on and cancels the tasks it started', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('------x|');
      const source = hot('a--#', { a });
      expectObservable(source.pipe(waitUntil())).toBe('---#');
      expectSubscriptions(a.subscriptions).toBe('^--!');
    });
  });

  // Within one frame the marbles cannot tell the order: a log does.
  it('cancels the tasks it started before it passes a source error on', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('------x|').pipe(finalize(() => log.push('a torn down')));
      cold('a--#', { a })
        .pipe(waitUntil())
        .subscribe({ error: (err: unknown) => log.push(`error ${String(err)}`) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'error error']);
    });
  });

  it('cancels the tasks it started before it fails on a source value that is not an input', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const a = cold('------x|').pipe(finalize(() => log.push('a torn down')));
      cold('ab', { a, b: 42 as never })
        .pipe(waitUntil())
        .subscribe({ error: (err: Error) => log.push(err.name) });
      testScheduler.flush();
      expect(log).toEqual(['a torn down', 'TypeError']);
    });
  });

  it('throws at call time for an unknown returnWhen', () => {
    expect(() => waitUntil('FIRST' as never)).toThrow(
      new RangeError('waitUntil: returnWhen must be one of ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, got "FIRST"'),
    );
    expect(() => waitUntil(ALL_COMPLETED, { returnWhen: FIRST_COMPLETED } as never)).toThrow(TypeError);
  });
});
