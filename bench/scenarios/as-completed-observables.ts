/**
 * asCompleted at concurrency 100 over 100,000 Observables `defer(() => Promise.resolve(i))`,
 * against `from(observables).pipe(mergeMap((o) => o.pipe(last()), 100))` and p-map at
 * concurrency 100 over the same Observables (each turned into a Promise by
 * `lastValueFrom`): see as-completed-1e5.ts.
 */
import { DEFERS, asCompletedScenario } from './as-completed-1e5';

export default asCompletedScenario(
  DEFERS,
  100_000,
  10_000,
  2_000,
  'mergeMap, what RxJS offers for this, is quadratic here (`buffer.shift()` on a 100,000-element array per input): ' +
    'the time budget per run cuts it off, and the table shows how far it got.',
);
