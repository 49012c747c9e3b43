/** gather over 1,000,000 Observables `defer(() => Promise.resolve(i))`: see gather-observables-defer.ts. */
import { observablesScenario } from './gather-observables-defer';

export default observablesScenario(
  'defer',
  { n: 1_000_000, quickN: 50_000, budgetMs: 5_000, rxjs: false },
  'forkJoin and mergeMap do not run at this size: they already exceed their budget at 100,000, and here (measured once, 2026-11-29) ' +
    'subscribing their inputs alone took forkJoin 12 s and 2.1 GB and mergeMap 19 s and 2.6 GB before the first result. Target: gather growing linearly (its time here at most 12× its time at 100,000).',
);
