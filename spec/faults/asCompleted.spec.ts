import { EmptyError, TimeoutError, take } from 'rxjs';
import { asCompleted } from '../../lib';
import { MIXES, Probe, ROUTES, expectOutcome, inputsOf, outcomeOf, settle, useFaultServer } from './helpers';
import type { Route, Run } from './helpers';

/**
 * asCompleted over real requests that fail in every way a network can fail: each
 * result (or, with returnExceptions, each failure) is emitted once, in the order the
 * inputs ended; without returnExceptions the first failure ends the stream and
 * cancels the rest. The fixture then proves nothing is left open.
 */
describe('asCompleted under faults', () => {
  const t = useFaultServer();

  /** What asCompleted emits for a run that ended by itself: its value, its error, or an EmptyError. */
  const emittedFor = (run: Run, value: unknown): void => {
    if (run.endings[0] === 'error') expect(value).toBe(run.error);
    else if (run.values.length === 0) expect(value).toBeInstanceOf(EmptyError);
    else expect(value).toBe(run.values[run.values.length - 1]);
  };

  describe.each(MIXES)('%s', (_mix, routes) => {
    it('with returnExceptions: every outcome once, in completion order', async () => {
      const probe = new Probe();
      const session = t.session({ raiseForStatus: true });
      const settled = await settle(asCompleted(inputsOf(t.context(session), probe, routes), { returnExceptions: true, concurrency: 2 }));
      expect(settled.completed).toBe(true);
      expect(settled.values).toHaveLength(routes.length);
      probe.expectEachEndedOnce(routes.length, true);
      probe.ended.forEach((run, k) => {
        emittedFor(run, settled.values[k]);
        expectOutcome(`input ${run.index} (${routes[run.index]})`, outcomeOf(run), ROUTES[routes[run.index]!].expect(true));
      });
    });

    it('without returnExceptions: the results before the first failure, then it, the rest cancelled', async () => {
      const probe = new Probe();
      const session = t.session({ raiseForStatus: true });
      const settled = await settle(asCompleted(inputsOf(t.context(session), probe, routes), { concurrency: 2 }));
      probe.expectEachEndedOnce(routes.length, false);
      const firstIndex = probe.ended.findIndex((run) => !outcomeOf(run).ok);
      const before = firstIndex === -1 ? probe.ended : probe.ended.slice(0, firstIndex);
      expect(settled.values).toHaveLength(before.length);
      before.forEach((run, k) => emittedFor(run, settled.values[k]));
      if (firstIndex === -1) {
        expect(settled.completed).toBe(true);
        expect(probe.ended).toHaveLength(routes.length);
        return;
      }
      const first = probe.ended[firstIndex]!;
      emittedFor(first, settled.error);
      expectOutcome(`the first failure, input ${first.index}`, { ok: false, error: settled.error }, ROUTES[routes[first.index]!].expect(true));
      expect(probe.ended.slice(firstIndex + 1).every((run) => run.endings[0] === 'unsubscribed')).toBe(true);
    });
  });

  it('delivers what finished before its deadline, then TimeoutError, and cancels the rest', async () => {
    const probe = new Probe();
    const routes: Route[] = ['ok', 'hang', 'json', 'slow-body'];
    // The hangs have no deadline of their own; the others answer in far less than 2 s.
    const settled = await settle(asCompleted(inputsOf(t.context(t.session(), Infinity), probe, routes), { timeout: 2000 }));
    expect(settled.error).toBeInstanceOf(TimeoutError);
    expect(settled.values.sort()).toEqual([200, 200]);
    probe.expectEachEndedOnce(routes.length, true);
    expect(probe.runs.map((run) => run.endings[0])).toEqual(['complete', 'unsubscribed', 'complete', 'unsubscribed']);
  });

  it('cancels every request in flight when unsubscribed after the first result', async () => {
    const probe = new Probe();
    const routes: Route[] = ['hang', 'ok', 'slow-body', 'hang'];
    const settled = await settle(asCompleted(inputsOf(t.context(t.session(), Infinity), probe, routes)).pipe(take(1)));
    expect(settled).toEqual({ values: [200], completed: true });
    probe.expectEachEndedOnce(routes.length, true);
    expect(probe.runs.map((run) => run.endings[0])).toEqual(['unsubscribed', 'complete', 'unsubscribed', 'unsubscribed']);
    await t.httpbin.waitForActiveRequests(0);
  });
});
