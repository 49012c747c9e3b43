/**
 * asCompleted at concurrency 100 over 1,000,000 promise factories: see as-completed-1e5.ts.
 * `asCompleted 10 parts` is added, for the growth target within one table.
 */
import { asCompletedScenario } from './as-completed-1e5';

export default asCompletedScenario(
  1_000_000,
  50_000,
  4_000,
  true,
  'mergeMap would take many minutes at this size: its budget of 4 s cuts it off, and the table shows how far it got. ' +
    "`asCompleted 10 parts` runs the same factories as ten asCompleted runs of 100,000 in a row: asCompleted's growth target " +
    '(its time here at most 12× its time at 100,000) is checked against it in this same table too (at most 1.2×).',
);
