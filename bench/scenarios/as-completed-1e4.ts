/** asCompleted at concurrency 100 over 10,000 promise factories: see as-completed-1e5.ts. */
import { FACTORIES, asCompletedScenario } from './as-completed-1e5';

export default asCompletedScenario(FACTORIES, 10_000, 2_000, 5_000, 'At this size every contender finishes.');
