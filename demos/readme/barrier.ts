import { concat, ignoreElements, timer } from 'rxjs';
import { Barrier } from '../../lib';

const barrier = new Barrier(3); // three parties per round
for (const [name, ms] of [
  ['a', 30],
  ['b', 10],
  ['c', 20],
] as const) {
  concat(timer(ms).pipe(ignoreElements()), barrier.wait()).subscribe((index) => console.log(`${name} passes, arrived #${index}`));
}
// All pass at 30 ms, when the third arrives.
// Logs:
// b passes, arrived #0
// c passes, arrived #1
// a passes, arrived #2
