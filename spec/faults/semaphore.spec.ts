import { Observable, defer, finalize, merge } from 'rxjs';
import { CancelledError, asCompleted, gather, withPermit } from '../../lib';
import type { Semaphore } from '../../lib';
import { MIXES, Probe, ROUTES, expectOutcome, inputsOf, settle, useFaultServer } from './helpers';
import type { Route } from './helpers';

/**
 * Fan-outs through a session under a Semaphore, over every fault: the limit holds (no
 * more requests running inside permits than there are permits), every input ends once
 * with the right outcome, and whichever way the fan-out ends (all settled, the first
 * failure, an unsubscribe, the session closed under it), every permit comes back and
 * nobody is left queued (checked after each test by the fixture, with the server's and
 * the tracker's checks).
 */
describe('Semaphore-limited fan-outs under faults', () => {
  const t = useFaultServer();

  /** Counts the inputs running inside a permit, and the most at once. */
  class Gauge {
    running = 0;
    peak = 0;
    wrap<T>(source: Observable<T>): Observable<T> {
      return defer(() => {
        this.peak = Math.max(this.peak, ++this.running);
        return source.pipe(finalize(() => this.running--));
      });
    }
  }

  type Form = 'semaphore.run' | 'withPermit';
  const limit = (form: Form, semaphore: Semaphore, source: Observable<number>): Observable<number> =>
    form === 'semaphore.run' ? semaphore.run(source) : source.pipe(withPermit(semaphore));

  describe.each(MIXES)('%s', (_mix, routes) => {
    it.each<Form>(['semaphore.run', 'withPermit'])('through %s(2): at most 2 at once, every outcome right', async (form) => {
      const probe = new Probe();
      const gauge = new Gauge();
      const semaphore = t.semaphore(2);
      const inputs = inputsOf(t.context(t.session({ raiseForStatus: true })), probe, routes).map((input) => limit(form, semaphore, gauge.wrap(input)));
      const settled = await settle(gather(inputs, { returnExceptions: true }));
      expect(gauge.peak).toBeLessThanOrEqual(2);
      expect(gauge.running).toBe(0);
      probe.expectEachEndedOnce(routes.length, true);
      settled.values[0]!.forEach((result, i) => {
        const actual = typeof result === 'number' ? { ok: true as const, value: result } : { ok: false as const, error: result };
        expectOutcome(`input ${i} (${routes[i]})`, actual, ROUTES[routes[i]!].expect(true));
      });
      expect(semaphore.available).toBe(2);
    });
  });

  it('holds one limit across two sessions (the semaphore option) and two concurrent fan-outs', async () => {
    const semaphore = t.semaphore(3);
    const [probeA, probeB] = [new Probe(), new Probe()];
    // Every fault but those the client aborts (hangs, slow bodies): the server counts an
    // aborted request as active until it sees its socket close, which may come after the
    // permit has moved on, so its count could pass 3 for an instant without the limit
    // being broken on the client. (The Gauge tests above count on the client side.)
    const routes: Route[] = ['ok', 'status-500', 'reset', 'refused', 'truncated-json', 'malformed-json', 'empty', 'delay', 'json', 'status-503'];
    const a = t.context(t.session({ semaphore, raiseForStatus: true }));
    const b = t.context(t.session({ semaphore, raiseForStatus: true }));
    const settled = await settle(
      merge(gather(inputsOf(a, probeA, routes), { returnExceptions: true }), asCompleted(inputsOf(b, probeB, routes), { returnExceptions: true })),
    );
    expect(settled.completed).toBe(true);
    // One gather result, and one asCompleted value per input.
    expect(settled.values).toHaveLength(1 + routes.length);
    probeA.expectEachEndedOnce(routes.length, true);
    probeB.expectEachEndedOnce(routes.length, true);
    // The server never had more than 3 requests of the two sessions at once.
    expect(t.httpbin.maxActiveRequests).toBeLessThanOrEqual(3);
    expect(semaphore.available).toBe(3);
  });

  it('empties the queue at the first failure, and gives every permit back', async () => {
    const probe = new Probe();
    const gauge = new Gauge();
    const semaphore = t.semaphore(1);
    const routes: Route[] = ['ok', 'reset', 'hang', 'ok', 'slow-body', 'ok'];
    const inputs = inputsOf(t.context(t.session()), probe, routes).map((input) => semaphore.run(gauge.wrap(input)));
    const settled = await settle(gather(inputs));
    expectOutcome('the first failure', { ok: false, error: settled.error }, ROUTES.reset.expect(false));
    expect(semaphore.waiting).toBe(0);
    expect(semaphore.available).toBe(1);
    expect(gauge.peak).toBe(1);
    // Every input that started after the failure was cancelled (see the known bug below:
    // today the queued inputs are started one by one during the teardown).
    probe.expectEachEndedOnce(routes.length, false);
    expect(probe.runs.slice(2).every((run) => run.endings[0] === 'unsubscribed')).toBe(true);
    await t.httpbin.waitForActiveRequests(0);
  });

  it('gives every permit back when the fan-out is unsubscribed, in flight and queued', async () => {
    const probe = new Probe();
    const semaphore = t.semaphore(2);
    const routes: Route[] = ['hang', 'slow-body', 'hang', 'hang', 'ok'];
    const inputs = inputsOf(t.context(t.session(), Infinity), probe, routes).map((input) => semaphore.run(input));
    const subscription = gather(inputs).subscribe({ error: () => undefined });
    await t.httpbin.waitForRequests(2);
    expect(semaphore.waiting).toBe(3);
    subscription.unsubscribe();
    expect(semaphore.waiting).toBe(0);
    expect(semaphore.available).toBe(2);
    probe.expectEachEndedOnce(routes.length, false);
    expect(probe.runs.every((run) => run.endings[0] === 'unsubscribed')).toBe(true);
    await t.httpbin.waitForActiveRequests(0);
  });

  // When a fan-out is torn down, its inputs are unsubscribed newest first: those queued
  // for a permit leave the queue before an older sibling gives its permit back, so none
  // of them is started (its request's socket opened) only to be cancelled at once.
  it('starts none of its queued inputs when a fan-out is unsubscribed', async () => {
    const probe = new Probe();
    const semaphore = t.semaphore(2);
    const routes: Route[] = Array.from({ length: 20 }, () => 'hang');
    const inputs = inputsOf(t.context(t.session(), Infinity), probe, routes).map((input) => semaphore.run(input));
    const subscription = gather(inputs).subscribe({ error: () => undefined });
    await t.httpbin.waitForRequests(2);
    subscription.unsubscribe();
    await t.httpbin.waitForOpenConnections(0);
    expect(probe.runs.map((run) => run.index)).toEqual([0, 1]);
    expect(t.httpbin.connections).toBe(2);
  });

  it('fails requests in flight and queued with CancelledError when the session closes under the fan-out', async () => {
    const semaphore = t.semaphore(2);
    const session = t.session({ semaphore });
    const probe = new Probe();
    const routes: Route[] = ['hang', 'hang', 'slow-body', 'hang'];
    const result = settle(gather(inputsOf(t.context(session, Infinity), probe, routes), { returnExceptions: true }));
    await t.httpbin.waitForRequests(2);
    expect(semaphore.waiting).toBe(2);
    await session.close();
    const settled = await result;
    expect(settled.completed).toBe(true);
    for (const error of settled.values[0]!) expect(error).toBeInstanceOf(CancelledError);
    expect(semaphore.available).toBe(2);
    expect(semaphore.waiting).toBe(0);
    probe.expectEachEndedOnce(routes.length, true);
  });
});
