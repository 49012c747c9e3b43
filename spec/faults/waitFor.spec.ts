import { TimeoutError } from 'rxjs';
import { createTask, gather, waitFor } from '../../lib';
import { MIXES, Probe, ROUTES, expectOutcome, inputsOf, outcomeOf, settle, useFaultServer } from './helpers';
import type { Route } from './helpers';

/**
 * waitFor over one real request of every kind: with a generous deadline it mirrors the
 * request (its result, or its own error of the right class); with a short one over a
 * request that never answers, it fails with rxjs's TimeoutError and aborts the request.
 * The fixture then proves nothing is left open.
 */
describe('waitFor under faults', () => {
  const t = useFaultServer();
  const ROUTE_NAMES = Object.keys(ROUTES) as Route[];

  it.each(ROUTE_NAMES)('mirrors %s within a generous deadline', async (route) => {
    const probe = new Probe();
    const ctx = t.context(t.session({ raiseForStatus: true }));
    const settled = await settle(waitFor(probe.wrap(0, ROUTES[route].make(ctx)), 10_000));
    probe.expectEachEndedOnce(1, true);
    const run = probe.runs[0]!;
    if (route === 'empty') {
      // waitFor mirrors its input: one that completes without a value completes the same way.
      expect(settled).toEqual({ values: [], completed: true });
      return;
    }
    const actual = settled.completed ? { ok: true as const, value: settled.values[0] } : { ok: false as const, error: settled.error };
    expectOutcome(route, actual, ROUTES[route].expect(true));
    expect(outcomeOf(run)).toEqual(actual);
  });

  it.each<Route>(['hang', 'slow-body'])('fails %s with TimeoutError at its deadline and aborts the request', async (route) => {
    const probe = new Probe();
    // The request has no deadline of its own: only waitFor's ends it.
    const ctx = t.context(t.session(), Infinity);
    const settled = await settle(waitFor(probe.wrap(0, ROUTES[route].make(ctx)), 120));
    expect(settled.error).toBeInstanceOf(TimeoutError);
    expect((settled.error as Error).message).toBe('waitFor: input did not complete within 120 ms');
    expect(probe.runs[0]!.endings).toEqual(['unsubscribed']);
    probe.expectEachEndedOnce(1, true);
    await t.httpbin.waitForActiveRequests(0);
  });

  it('cancels a Task at its deadline, as asyncio.wait_for does', async () => {
    const probe = new Probe();
    const task = createTask(probe.wrap(0, ROUTES.hang.make(t.context(t.session(), Infinity))));
    const settled = await settle(waitFor(task, 120));
    expect(settled.error).toBeInstanceOf(TimeoutError);
    expect(task.cancelled()).toBe(true);
    expect(probe.runs[0]!.endings).toEqual(['unsubscribed']);
    await t.httpbin.waitForActiveRequests(0);
  });

  it.each(MIXES)('bounds a gather over %s, which ends by itself first', async (_mix, routes) => {
    const probe = new Probe();
    const ctx = t.context(t.session({ raiseForStatus: true }));
    const settled = await settle(waitFor(gather(inputsOf(ctx, probe, routes), { returnExceptions: true }), 10_000));
    expect(settled.completed).toBe(true);
    probe.expectEachEndedOnce(routes.length, true);
    settled.values[0]!.forEach((result, i) => {
      const actual = typeof result === 'number' ? { ok: true as const, value: result } : { ok: false as const, error: result };
      expectOutcome(`input ${i} (${routes[i]})`, actual, ROUTES[routes[i]!].expect(true));
    });
  });

  it('cuts a gather over hangs short, cancelling every request', async () => {
    const probe = new Probe();
    const routes: Route[] = ['ok', 'hang', 'slow-body', 'hang'];
    const ctx = t.context(t.session(), Infinity);
    const settled = await settle(waitFor(gather(inputsOf(ctx, probe, routes)), 2000));
    expect(settled.error).toBeInstanceOf(TimeoutError);
    expect(probe.runs.map((run) => run.endings[0])).toEqual(['complete', 'unsubscribed', 'unsubscribed', 'unsubscribed']);
    probe.expectEachEndedOnce(routes.length, true);
    await t.httpbin.waitForActiveRequests(0);
  });
});
