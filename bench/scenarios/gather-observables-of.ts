/**
 * gather over 100,000 tiny synchronous Observables (`of(i)`), against forkJoin and
 * mergeMap + last + toArray. See gather-observables-defer.ts for the contenders.
 */
import { observablesScenario } from './gather-observables-defer';

export default observablesScenario(
  'of',
  'Each input is `of(i)`: it emits and completes during `subscribe`, so no contender holds more than one inner at a time.',
);
