/**
 * gather over 10,000 promise factories: see gather-factories-1e5.ts for the contenders.
 * The concurrency-100 pair runs at 100,000 only, to keep the whole bench near ten minutes.
 */
import { factoriesScenario } from './gather-factories-1e5';

export default factoriesScenario(
  10_000,
  2_000,
  5_000,
  { limited: false },
  'At this size every contender finishes in milliseconds, forkJoin included (its quadratic term is still small). ' +
    'The concurrency-100 pair runs at 100,000 only.',
);
