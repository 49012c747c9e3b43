import { Subject, from, lastValueFrom, map, of, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Task, createTask, wait, waitUntil } from '../lib';
import type { WaitResult } from '../lib';

/**
 * wait is asyncio.wait: start everything as Tasks and report, once a condition holds,
 * which tasks are done and which are still pending. It never cancels the pending ones
 * itself: their subscription marbles run past the frame where wait emits, until the
 * caller cancels them or they finish.
 *
 * The marbles emit one value `r`; each test then reads `done` and `pending` from it.
 */
describe('wait', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Subscribes in virtual time and keeps what wait emitted. */
  function capture<T>(result$: import('rxjs').Observable<WaitResult<T>>): { value?: WaitResult<T> } {
    const box: { value?: WaitResult<T> } = {};
    result$.subscribe((r) => (box.value = r));
    return box;
  }
  const values = <T>(tasks: Task<T>[]) => tasks.map((t) => (t.exception() === undefined ? t.result() : t.exception()));

  it('ALL_COMPLETED (the default) emits when every task is done, done in completion order', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('----a|');
      const b = cold('--b|');
      const c = cold('------c|');
      const result$ = wait([a, b, c]);
      expectObservable(result$).toBe('-------(r|)', { r: expect.anything() });
      const box = capture(result$);
      testScheduler.flush();
      expect(values(box.value!.done)).toEqual(['b', 'a', 'c']);
      expect(box.value!.pending).toEqual([]);
    });
  });

  it('FIRST_COMPLETED emits at the first task done, and leaves the pending ones running', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('------a|');
      const b = cold('--b|');
      const c = cold('--------c|');
      const result$ = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
      expectObservable(result$).toBe('---(r|)', { r: expect.anything() });
      // a and c are not unsubscribed when wait emits: they run to their end.
      expectSubscriptions(a.subscriptions).toBe('^------!');
      expectSubscriptions(c.subscriptions).toBe('^--------!');
    });
  });

  it('lists pending tasks in submission order, and the caller may cancel them', () => {
    testScheduler.run(({ cold, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('------a|');
      const b = cold('--b|');
      const c = cold('----c|');
      wait([a, b, c], { returnWhen: FIRST_COMPLETED }).subscribe(({ done, pending }) => {
        expect(values(done)).toEqual(['b']);
        expect(pending.length).toBe(2);
        pending.forEach((task) => task.cancel());
      });
      // Cancelled by the caller at frame 3, when wait emitted.
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(c.subscriptions).toBe('^--!');
    });
  });

  it('FIRST_EXCEPTION emits at the first failure, with the failed task in done', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('-----#', undefined, 'boom');
      const c = cold('---------c|');
      const result$ = wait([a, b, c], { returnWhen: FIRST_EXCEPTION });
      expectObservable(result$).toBe('-----(r|)', { r: expect.anything() });
      const box = capture(result$);
      testScheduler.flush();
      expect(values(box.value!.done)).toEqual(['a', 'boom']);
      expect(box.value!.pending.length).toBe(1);
    });
  });

  it('FIRST_EXCEPTION with no failure behaves like ALL_COMPLETED', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('----b|');
      expectObservable(wait([a, b], { returnWhen: FIRST_EXCEPTION })).toBe('-----(r|)', { r: expect.anything() });
    });
  });

  it('never fails because a task failed: ALL_COMPLETED puts failures in done', () => {
    const boom = new Error('boom');
    let result: WaitResult<number> | undefined;
    let error: unknown;
    wait([of(1), throwError(() => boom)]).subscribe({ next: (r) => (result = r), error: (e: unknown) => (error = e) });
    expect(error).toBeUndefined();
    expect(result!.done.map((t) => t.exception())).toEqual([undefined, boom]);
  });

  it('counts a task cancelled while waited on as done, not as a failure', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // prettier-ignore
      const slow = cold('--------s|');
      const fast = cold('------f|');
      const victim = createTask(slow);
      testScheduler.schedule(() => victim.cancel(), 2);
      // With FIRST_EXCEPTION a failure would emit at frame 2; a cancellation does not.
      const result$ = wait([victim, fast], { returnWhen: FIRST_EXCEPTION });
      expectObservable(result$).toBe('-------(r|)', { r: expect.anything() });
      const box = capture(result$);
      testScheduler.flush();
      expect(box.value!.done).toEqual([victim, expect.any(Task)]);
      expect(victim.cancelled()).toBe(true);
    });
  });

  it('at the timeout, emits whatever is done and does not fail', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('--a|');
      const b = cold('----------b|');
      const result$ = wait([a, b], { timeout: 5 });
      expectObservable(result$).toBe('-----(r|)', { r: expect.anything() });
      // b keeps running after the timeout: wait never cancels on its own.
      expectSubscriptions(b.subscriptions).toBe('^----------!');
    });
  });

  it('emits { done: [], pending: [] } at once for empty input', () => {
    testScheduler.run(({ expectObservable }) => {
      expectObservable(wait([])).toBe('(r|)', { r: { done: [], pending: [] } });
      expectObservable(wait([], { returnWhen: FIRST_COMPLETED })).toBe('(r|)', { r: { done: [], pending: [] } });
    });
  });

  it('starts every input even when the first one is already done (done and pending partition the inputs)', () => {
    const later = new Subject<number>();
    let result: WaitResult<number> | undefined;
    wait([of(1), later, of(3)], { returnWhen: FIRST_COMPLETED }).subscribe((r) => (result = r));
    expect(result!.done.map((t) => t.result())).toEqual([1, 3]);
    expect(result!.pending.length).toBe(1);
    expect(later.observed).toBe(true);
  });

  it('takes a Map as the list of its values, and the whole of an async iterable before it emits', async () => {
    let result: WaitResult<number> | undefined;
    wait(new Map([['one', of(1)]])).subscribe((r) => (result = r));
    expect(values(result!.done)).toEqual([1]);
    let pulled = 0;
    async function* inputs(): AsyncGenerator<Observable<number>> {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield of(i);
      }
    }
    const r = await lastValueFrom(wait(inputs(), { returnWhen: FIRST_COMPLETED }));
    expect(pulled).toBe(3);
    expect(values(r.done)).toEqual([0, 1, 2]);
  });

  describe('every input in exactly one list', () => {
    it('puts a task that ended in the same instant as the first in done, not in pending', () => {
      const subject = new Subject<string>();
      const a = createTask(subject);
      const b = createTask(a.pipe(map((v) => v + '!')));
      let result: WaitResult<string> | undefined;
      wait([a, b], { returnWhen: FIRST_COMPLETED }).subscribe((r) => (result = r));
      subject.next('x');
      subject.complete();
      expect(result!.done).toEqual([a, b]);
      expect(result!.pending).toEqual([]);
      expect(values(result!.done)).toEqual(['x', 'x!']);
    });

    it('does the same as an operator (waitUntil)', () => {
      const subject = new Subject<string>();
      const a = createTask(subject);
      const b = createTask(a.pipe(map((v) => v + '!')));
      let result: WaitResult<string> | undefined;
      from([a, b])
        .pipe(waitUntil(FIRST_COMPLETED))
        .subscribe((r) => (result = r));
      subject.next('x');
      subject.complete();
      expect(result!.done).toEqual([a, b]);
      expect(result!.pending).toEqual([]);
    });

    it('lists tasks that had ended before wait was subscribed first, in the order they ended', () => {
      testScheduler.run(({ cold, flush }) => {
        const [a, b, c] = [cold('----a|'), cold('--b|'), cold('----------c|')];
        const [first, second, running] = [createTask(a), createTask(b), createTask(c)];
        let result: WaitResult<string> | undefined;
        // Subscribed at frame 6: second ended at frame 3, first at 5.
        const waited = wait([first, second, running], { returnWhen: FIRST_COMPLETED });
        testScheduler.schedule(() => {
          waited.subscribe((r) => (result = r));
        }, 6);
        flush();
        // Completion order, not submission order.
        expect(result!.done).toEqual([second, first]);
        expect(result!.pending).toEqual([running]);
      });
    });
  });

  it('watches Tasks passed in as they are, without restarting them', () => {
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('---x|');
      const task = createTask(source);
      let done: Task<string>[] = [];
      wait([task, task]).subscribe((r) => (done = r.done));
      testScheduler.flush();
      expect(done).toEqual([task, task]);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  describe('unsubscribing before it emits', () => {
    // Leaving before wait has emitted cancels the tasks wait started (their `!` is the
    // frame the subscriber left), but not Tasks the caller passed in.
    it('cancels the tasks wait started itself', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------a|');
        const b = cold('--------b|');
        expectObservable(wait([a, b]), '^---!').toBe('-----');
        expectSubscriptions(a.subscriptions).toBe('^---!');
        expectSubscriptions(b.subscriptions).toBe('^---!');
      });
    });

    it('leaves Tasks passed in alone', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('------a|');
        const task = createTask(a);
        expectObservable(wait([task]), '^---!').toBe('-----');
        expectSubscriptions(a.subscriptions).toBe('^------!');
        testScheduler.flush();
        expect(task.cancelled()).toBe(false);
      });
    });
  });

  it('reports progress after each task settles, failures counted', () => {
    const reports: unknown[] = [];
    wait([of(1), throwError(() => new Error('x'))], { onProgress: (p) => reports.push(p) }).subscribe();
    expect(reports).toEqual([
      { done: 1, failed: 0, total: 2 },
      { done: 2, failed: 1, total: 2 },
    ]);
  });

  it('accepts the constants, whose values are their own names', () => {
    expect([ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION]).toEqual(['ALL_COMPLETED', 'FIRST_COMPLETED', 'FIRST_EXCEPTION']);
  });
});
