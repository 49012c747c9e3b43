import { EmptyError, TimeoutError } from 'rxjs';
import { gather } from '../../lib';
import { MIXES, Probe, ROUTES, describeError, expectOutcome, inputsOf, nameOf, outcomeOf, settle, useFaultServer } from './helpers';
import type { Route } from './helpers';

/**
 * gather over real requests that fail in every way a network can fail. For each mix of
 * routes, with and without returnExceptions and raiseForStatus: every input ends exactly
 * once, with its result or the right error class; nothing hangs; and afterwards the
 * server sees no request and no connection, and no timer or socket is left (checked by
 * the fixture after each test).
 */
describe('gather under faults', () => {
  const t = useFaultServer();

  describe.each(MIXES)('%s', (_mix, routes) => {
    it.each([false, true])('with returnExceptions, raiseForStatus %p: each result in its place, or the right error', async (raiseForStatus) => {
      const probe = new Probe();
      const session = t.session({ raiseForStatus });
      const settled = await settle(gather(inputsOf(t.context(session), probe, routes), { returnExceptions: true, concurrency: 3 }));
      expect(settled.error).toBeUndefined();
      expect(settled.values).toHaveLength(1);
      const results = settled.values[0]!;
      expect(results).toHaveLength(routes.length);
      routes.forEach((route, i) => {
        const result = results[i];
        const actual = typeof result === 'number' ? { ok: true as const, value: result } : { ok: false as const, error: result };
        expectOutcome(`input ${i} (${route})`, actual, ROUTES[route].expect(raiseForStatus));
      });
      // Every input ran once and ended by itself: nothing was cancelled.
      probe.expectEachEndedOnce(routes.length, true);
      expect(probe.runs.every((run) => run.endings[0] !== 'unsubscribed')).toBe(true);
    });

    it.each([false, true])('without returnExceptions, raiseForStatus %p: the first failure, the rest cancelled', async (raiseForStatus) => {
      const probe = new Probe();
      const session = t.session({ raiseForStatus });
      const settled = await settle(gather(inputsOf(t.context(session), probe, routes)));
      const expected = routes.map((route) => ROUTES[route].expect(raiseForStatus));
      probe.expectEachEndedOnce(routes.length, true);
      checkFirstFailure(probe, routes, expected, settled);
    });
  });

  it('fails with TimeoutError at its own deadline, and cancels the inputs still running', async () => {
    const probe = new Probe();
    const routes: Route[] = ['hang', 'slow-body', 'hang'];
    // The requests have no deadline of their own: only gather's ends them.
    const settled = await settle(gather(inputsOf(t.context(t.session(), Infinity), probe, routes), { timeout: 120 }));
    expect(settled.error).toBeInstanceOf(TimeoutError);
    expect((settled.error as Error).message).toBe('gather: timed out after 120 ms');
    probe.expectEachEndedOnce(routes.length, true);
    expect(probe.runs.map((run) => run.endings[0])).toEqual(['unsubscribed', 'unsubscribed', 'unsubscribed']);
  });

  it('ends hangs at the session timeout, with TimeoutError', async () => {
    const probe = new Probe();
    const routes: Route[] = ['hang', 'slow-body', 'hang'];
    const session = t.session({ timeout: 120 });
    const settled = await settle(gather(inputsOf(t.context(session, undefined), probe, routes), { returnExceptions: true }));
    expect(settled.completed).toBe(true);
    settled.values[0]!.forEach((result, i) => {
      expectOutcome(`input ${i}`, { ok: false, error: result }, TimeoutError as never);
      expect((result as Error).message).toMatch(/^GET http:.* timed out after 120 ms$/);
    });
    probe.expectEachEndedOnce(routes.length, true);
  });

  it('cancels every request in flight when unsubscribed', async () => {
    const probe = new Probe();
    const routes: Route[] = ['hang', 'slow-body', 'hang', 'ok'];
    const subscription = gather(inputsOf(t.context(t.session(), Infinity), probe, routes)).subscribe({ error: () => undefined });
    await t.httpbin.waitForRequests(routes.length);
    subscription.unsubscribe();
    probe.expectEachEndedOnce(routes.length, true);
    expect(probe.runsOf(0)[0]!.endings).toEqual(['unsubscribed']);
    // The server sees the three requests aborted at once, before any session is closed.
    await t.httpbin.waitForActiveRequests(0);
  });

  it('starts no more inputs after the first failure (concurrency 1)', async () => {
    const probe = new Probe();
    const routes: Route[] = ['ok', 'reset', 'ok', 'hang'];
    const settled = await settle(gather(inputsOf(t.context(t.session()), probe, routes), { concurrency: 1 }));
    expect(describeError(settled.error)).toMatch(/^NetworkError: GET .*\/reset failed/);
    expect(probe.runs.map((run) => run.index)).toEqual([0, 1]);
    probe.expectEachEndedOnce(routes.length, false);
  });
});

/**
 * gather without returnExceptions: if every input was to succeed, the results; else
 * the error of the input that failed first (its own error, or gather's EmptyError for
 * an input with no value), of the class that input must fail with. Inputs that ended
 * before it ended as they must; those still running were unsubscribed.
 */
function checkFirstFailure(
  probe: Probe,
  routes: readonly Route[],
  expected: readonly (number | (abstract new (...args: never[]) => unknown))[],
  settled: { values: unknown[]; error?: unknown; completed: boolean },
): void {
  if (expected.every((e) => typeof e === 'number')) {
    expect(settled.completed).toBe(true);
    expect(settled.values).toEqual([expected]);
    return;
  }
  expect(settled.completed).toBe(false);
  expect(settled.values).toEqual([]);
  const firstIndex = probe.ended.findIndex((run) => !outcomeOf(run).ok);
  expect(firstIndex).toBeGreaterThanOrEqual(0);
  const first = probe.ended[firstIndex]!;
  if (first.endings[0] === 'error') expect(settled.error).toBe(first.error);
  else expect(settled.error).toBeInstanceOf(EmptyError);
  expectOutcome(`the first failure, input ${first.index} (${routes[first.index]})`, { ok: false, error: settled.error }, expected[first.index]!);
  probe.ended.forEach((run, k) => {
    if (k < firstIndex) expectOutcome(`input ${run.index} (${routes[run.index]}), ended before`, outcomeOf(run), expected[run.index]!);
    if (k > firstIndex && run.endings[0] !== 'unsubscribed') {
      throw new Error(
        `input ${run.index} (${routes[run.index]}) ended ${run.endings[0]} after the first failure; expected it to be cancelled (${nameOf(expected[run.index]!)})`,
      );
    }
  });
}
