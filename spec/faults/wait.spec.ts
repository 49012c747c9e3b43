import { CancelledError, ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, createTask, wait } from '../../lib';
import type { ReturnWhen, Task, WaitResult } from '../../lib';
import { EmptyError, tap } from 'rxjs';
import { MIXES, Probe, ROUTES, expectOutcome, inputsOf, outcomeOf, settle, useFaultServer } from './helpers';
import type { Route, Run, Settled } from './helpers';

/**
 * wait over real requests that fail in every way, for each returnWhen: wait itself
 * never fails; `done` holds exactly the inputs that had ended when it emitted, in the
 * order they ended, each with its result or the right error; `pending` the others, in
 * submission order, still running until the test cancels them, which ends them at once.
 * The fixture then proves nothing is left open.
 */
describe('wait under faults', () => {
  const t = useFaultServer();

  /** A done task holds what its run ended with. */
  const expectTaskHolds = <T>(task: Task<T>, run: Run): void => {
    expect(task.done()).toBe(true);
    if (run.endings[0] === 'error') expect(task.exception()).toBe(run.error);
    else if (run.values.length === 0) expect(task.exception()).toBeInstanceOf(EmptyError);
    else expect(task.result()).toBe(run.values[run.values.length - 1]);
  };

  /** Checks wait's one result against the runs that had ended when it emitted. */
  function checkWaitResult<T>(routes: readonly Route[], settled: Settled<WaitResult<T>>, endedAtEmit: readonly Run[], pendingDoneAtEmit: readonly boolean[]) {
    expect(settled.error).toBeUndefined();
    expect(settled.values).toHaveLength(1);
    const { done, pending } = settled.values[0]!;
    expect(done.length + pending.length).toBe(routes.length);
    expect(new Set([...done, ...pending]).size).toBe(routes.length);
    // done: exactly the runs that had ended, in the order they ended.
    expect(done).toHaveLength(endedAtEmit.length);
    endedAtEmit.forEach((run, k) => {
      expectTaskHolds(done[k]!, run);
      expectOutcome(`input ${run.index} (${routes[run.index]})`, outcomeOf(run), ROUTES[routes[run.index]!].expect(true));
    });
    // pending: the others, in submission order, not done.
    const endedIndexes = new Set(endedAtEmit.map((run) => run.index));
    const pendingIndexes = routes.map((_r, i) => i).filter((i) => !endedIndexes.has(i));
    expect(pending).toHaveLength(pendingIndexes.length);
    expect(pendingDoneAtEmit).toEqual(pending.map(() => false));
    return { done, pending, pendingIndexes };
  }

  describe.each(MIXES)('%s', (_mix, routes) => {
    it.each<ReturnWhen>([ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION])(
      '%s: done and pending partition the inputs; cancelling pending ends them',
      async (returnWhen) => {
        const probe = new Probe();
        const session = t.session({ raiseForStatus: true });
        let endedAtEmit: Run[] = [];
        let pendingDoneAtEmit: boolean[] = [];
        let cancelled: boolean[] = [];
        // At the moment wait emits: the runs that had ended, whether the pending tasks were
        // done, and then, at once, what cancelling them says. (Checked later, a pending
        // task could have ended meanwhile: the end of a body can be a Promise's
        // continuation, run in the same microtask checkpoint as wait's emission.)
        const source = wait(inputsOf(t.context(session), probe, routes), { returnWhen }).pipe(
          tap(({ pending }) => {
            endedAtEmit = [...probe.ended];
            pendingDoneAtEmit = pending.map((task) => task.done());
            cancelled = pending.map((task) => task.cancel());
          }),
        );
        const settled = await settle(source);
        const { done, pending, pendingIndexes } = checkWaitResult(routes, settled, endedAtEmit, pendingDoneAtEmit);
        const expected = routes.map((route) => ROUTES[route].expect(true));
        const failing = expected.some((e) => typeof e !== 'number');
        if (returnWhen === ALL_COMPLETED || (returnWhen === FIRST_EXCEPTION && !failing)) expect(pending).toEqual([]);
        if (returnWhen === FIRST_COMPLETED) expect(done.length).toBeGreaterThanOrEqual(1);
        if (returnWhen === FIRST_EXCEPTION && failing) {
          // Emitted at the first failure: the last done task failed, those before it succeeded.
          expect(done[done.length - 1]!.exception()).toBeDefined();
          expect(done.slice(0, -1).every((task) => task.exception() === undefined)).toBe(true);
        }
        expect(cancelled).toEqual(pending.map(() => true));
        for (const task of pending) {
          expect(task.cancelled()).toBe(true);
          expect(() => task.result()).toThrow(CancelledError);
        }
        probe.expectEachEndedOnce(routes.length, true);
        for (const i of pendingIndexes) expect(probe.runsOf(i)[0]!.endings).toEqual(['unsubscribed']);
        await t.httpbin.waitForActiveRequests(0);
      },
    );
  });

  it('emits what is done at its timeout, and the hangs stay pending until cancelled', async () => {
    const probe = new Probe();
    const routes: Route[] = ['ok', 'hang', 'reset', 'slow-body'];
    // The hangs have no deadline of their own; the others end in far less than 2 s.
    const settled = await settle(wait(inputsOf(t.context(t.session(), Infinity), probe, routes), { timeout: 2000 }));
    const { done, pending } = settled.values[0]!;
    expect(done).toHaveLength(2);
    expect(pending).toHaveLength(2);
    expect(probe.runsOf(1)[0]!.endings).toEqual([]);
    expect(probe.runsOf(3)[0]!.endings).toEqual([]);
    expect(t.httpbin.activeRequests).toBe(2);
    pending.forEach((task) => task.cancel());
    probe.expectEachEndedOnce(routes.length, true);
    await t.httpbin.waitForActiveRequests(0);
  });

  it('cancels the tasks it started when unsubscribed before it emits, and leaves Tasks passed in alone', async () => {
    const probe = new Probe();
    const ctx = t.context(t.session(), Infinity);
    const mine = createTask(probe.wrap(0, ROUTES.hang.make(ctx)));
    const inputs = [mine, probe.wrap(1, ROUTES.hang.make(ctx)), probe.wrap(2, ROUTES['slow-body'].make(ctx))];
    const subscription = wait(inputs).subscribe();
    await t.httpbin.waitForRequests(3);
    subscription.unsubscribe();
    expect(probe.runsOf(1)[0]!.endings).toEqual(['unsubscribed']);
    expect(probe.runsOf(2)[0]!.endings).toEqual(['unsubscribed']);
    await t.httpbin.waitForActiveRequests(1);
    expect(mine.done()).toBe(false);
    expect(probe.runsOf(0)[0]!.endings).toEqual([]);
    expect(mine.cancel()).toBe(true);
    probe.expectEachEndedOnce(3, true);
  });
});
