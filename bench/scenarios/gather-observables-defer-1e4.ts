/** gather over 10,000 Observables `defer(() => Promise.resolve(i))`: see gather-observables-defer.ts. */
import { observablesScenario } from './gather-observables-defer';

export default observablesScenario(
  'defer',
  { n: 10_000, quickN: 2_000, budgetMs: 5_000, rxjs: true },
  'At this size the quadratic cost of forkJoin and mergeMap is already visible, but they finish.',
);
