import { defer, finalize, map } from 'rxjs';
import type { Observable } from 'rxjs';
import { ALL_COMPLETED, asCompleted, gather, wait } from '../../lib';
import { Probe, chaosExpected, chaosInput, expectOutcome, outcomeOf, settle, useFaultServer } from './helpers';

/**
 * Seeded chaos: httpbin's `/chaos/:key` answers each key with the fault its seed draws
 * (resets, hangs, slow bodies, 5xx, truncated and malformed JSON), the same on every
 * run whatever the interleaving. For a few fixed seeds, each pattern runs a fan-out of
 * keys, and every key must end with exactly what its fault calls for. The fixture then
 * proves nothing is left open.
 */
const SEEDS = [11, 12, 13];
const KEYS = Array.from({ length: 36 }, (_, i) => `k${i}`);

describe.each(SEEDS)('chaos, seed %i', (seed) => {
  const t = useFaultServer({ chaos: { seed, rate: 0.35 } });

  const expectedOf = (key: string, raiseForStatus: boolean) => chaosExpected(t.httpbin.chaosFault(key), raiseForStatus);

  it('draws a mix of faults, and some keys answer normally', () => {
    const faults = new Set(KEYS.map((key) => t.httpbin.chaosFault(key)));
    expect(faults.has(undefined)).toBe(true);
    expect(faults.size).toBeGreaterThanOrEqual(4);
  });

  it.each([false, true])('gather (returnExceptions, concurrency 8, raiseForStatus %p): every key ends as its fault says', async (raiseForStatus) => {
    const probe = new Probe();
    const ctx = t.context(t.session({ raiseForStatus }));
    const inputs = KEYS.map((key, i) => probe.wrap(i, chaosInput(ctx, key, t.httpbin.chaosFault(key))));
    const settled = await settle(gather(inputs, { returnExceptions: true, concurrency: 8 }));
    expect(settled.completed).toBe(true);
    settled.values[0]!.forEach((result, i) => {
      const actual = typeof result === 'number' ? { ok: true as const, value: result } : { ok: false as const, error: result };
      expectOutcome(`key ${KEYS[i]} (${t.httpbin.chaosFault(KEYS[i]!) ?? 'no fault'})`, actual, expectedOf(KEYS[i]!, raiseForStatus));
    });
    probe.expectEachEndedOnce(KEYS.length, true);
    // One request per key, never two; a hang's or a slow body's may not reach the server
    // when its own short deadline passes while it is still connecting (a loaded machine
    // accepts late), as the soak allows too.
    const mayMiss = KEYS.filter((key) => ['hang', 'slow-body'].includes(t.httpbin.chaosFault(key) ?? '')).length;
    expect(t.httpbin.requests).toBeLessThanOrEqual(KEYS.length);
    expect(t.httpbin.requests).toBeGreaterThanOrEqual(KEYS.length - mayMiss);
  });

  it('asCompleted under a Semaphore(4): each outcome once, as its fault says, never more than 4 at once', async () => {
    const probe = new Probe();
    const semaphore = t.semaphore(4);
    const ctx = t.context(t.session({ raiseForStatus: true }));
    // Requests running inside a permit, counted on the client (the server may count an
    // aborted request a moment longer, until it sees its socket close).
    let running = 0;
    let mostRunning = 0;
    const counted = <T>(source: Observable<T>) =>
      defer(() => {
        mostRunning = Math.max(mostRunning, ++running);
        return source.pipe(finalize(() => running--));
      });
    const inputs = KEYS.map((key, i) => semaphore.run(counted(probe.wrap(i, chaosInput(ctx, key, t.httpbin.chaosFault(key)).pipe(map(() => key))))));
    const settled = await settle(asCompleted(inputs, { returnExceptions: true }));
    expect(settled.completed).toBe(true);
    expect(settled.values).toHaveLength(KEYS.length);
    probe.expectEachEndedOnce(KEYS.length, true);
    for (const run of probe.runs) {
      const key = KEYS[run.index]!;
      const outcome = outcomeOf(run);
      expectOutcome(`key ${key}`, outcome.ok ? { ok: true, value: 200 } : outcome, expectedOf(key, true));
    }
    expect(mostRunning).toBeLessThanOrEqual(4);
    expect(running).toBe(0);
  });

  it('wait (ALL_COMPLETED): every key done, each task holding what its fault says', async () => {
    const probe = new Probe();
    const ctx = t.context(t.session({ raiseForStatus: true }));
    const inputs = KEYS.map((key, i) => probe.wrap(i, chaosInput(ctx, key, t.httpbin.chaosFault(key))));
    const settled = await settle(wait(inputs, { returnWhen: ALL_COMPLETED }));
    const { done, pending } = settled.values[0]!;
    expect(pending).toEqual([]);
    expect(done).toHaveLength(KEYS.length);
    probe.expectEachEndedOnce(KEYS.length, true);
    probe.ended.forEach((run, k) => {
      const task = done[k]!;
      const actual = task.exception() === undefined ? { ok: true as const, value: task.result() } : { ok: false as const, error: task.exception() };
      expectOutcome(`key ${KEYS[run.index]}`, actual, expectedOf(KEYS[run.index]!, true));
    });
  });
});
