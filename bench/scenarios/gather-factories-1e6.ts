/**
 * gather over 1,000,000 promise factories: see gather-factories-1e5.ts for the
 * contenders. The concurrency-100 pair is left out here (it runs at this size in
 * as-completed-1e6 and generator-concurrency-100), to keep the whole bench near ten
 * minutes; `gather 10 parts` is added, for the growth target within one table.
 */
import { factoriesScenario } from './gather-factories-1e5';

export default factoriesScenario(
  1_000_000,
  50_000,
  6_000,
  { limited: false, parts: true },
  'forkJoin is quadratic (it would take many minutes here): its budget of 6 s cuts it off, and the table shows how far it got ' +
    '(building and subscribing a million deferred inners is already most of the budget). ' +
    "`gather 10 parts` runs the same factories as ten gathers of 100,000 in a row: gather's growth target (its time here at most 12× " +
    "its time at 100,000) is checked against it in this same table too (at most 1.2×), since both share the rounds and the machine's load. " +
    'The concurrency-100 pair is not run at this size (see as-completed-1e6 and generator-concurrency-100).',
);
