/**
 * gather over 100,000 tiny synchronous Observables (`of(i)`), against forkJoin,
 * mergeMap + last + toArray, Promise.all and p-map. See gather-observables-defer.ts
 * for the contenders.
 */
import { observablesScenario } from './gather-observables-defer';

export default observablesScenario(
  'of',
  { n: 100_000, quickN: 10_000, budgetMs: 10_000, rxjs: true },
  'Each input is `of(i)`: it emits and completes during `subscribe`, so no contender holds more than one inner at a time.',
);
