/**
 * gather over 1,000,000 promise factories: see gather-factories-1e5.ts for the
 * contenders. The concurrency-100 pair is left out here (it runs at this size in
 * as-completed-1e6 and generator-concurrency-100), to keep the whole bench near ten
 * minutes. Only forkJoin ticks the probe, so the budget stops nothing else.
 */
import { factoriesScenario } from './gather-factories-1e5';

export default factoriesScenario(
  1_000_000,
  50_000,
  2_500,
  { limited: false },
  'forkJoin is quadratic (it would take many minutes here): the time budget per run cuts it off, and the table shows how far it got ' +
    '(building and subscribing a million deferred inners uses up most or all of it). ' +
    'The concurrency-100 pair is not run at this size (see as-completed-1e6 and generator-concurrency-100).',
);
