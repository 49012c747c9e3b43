/** asCompleted at concurrency 100 over 1,000,000 promise factories: see as-completed-1e5.ts. */
import { FACTORIES, asCompletedScenario } from './as-completed-1e5';

export default asCompletedScenario(
  FACTORIES,
  1_000_000,
  50_000,
  2_000,
  'mergeMap would take many minutes at this size: the time budget per run cuts it off, and the table shows how far it got.',
);
