import { concat, from, timer, map } from 'rxjs';
import { FIRST_COMPLETED, asCompletedAll, gatherAll, waitUntil } from '../../lib';

const jobs = [
  ['a', 30],
  ['b', 10],
  ['c', 20],
] as const;
const inputs = () => from(jobs).pipe(map(([name, ms]) => timer(ms).pipe(map(() => name))));

// One after the other, so that what each prints is in order whatever the machine does.
concat(
  inputs().pipe(
    asCompletedAll(),
    map((one) => `asCompletedAll ${one}`),
  ),
  inputs().pipe(
    waitUntil(FIRST_COMPLETED),
    map(({ done, pending }) => `waitUntil ${done[0]!.result()}, ${pending.length} pending`),
  ),
  inputs().pipe(
    gatherAll({ concurrency: 2 }),
    map((all) => `gatherAll ${all.join(' ')}`),
  ),
).subscribe((line) => console.log(line));
// Logs:
// asCompletedAll b
// asCompletedAll c
// asCompletedAll a
// waitUntil b, 2 pending
// gatherAll a b c
