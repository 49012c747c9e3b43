import { from, timer, map } from 'rxjs';
import { FIRST_COMPLETED, asCompletedAll, gatherAll, waitUntil } from '../../lib';

const jobs = [
  ['a', 30],
  ['b', 10],
  ['c', 20],
] as const;
const inputs = () => from(jobs).pipe(map(([name, ms]) => timer(ms).pipe(map(() => name))));

inputs()
  .pipe(gatherAll({ concurrency: 2 }))
  .subscribe((all) => console.log('gatherAll', all));
inputs()
  .pipe(asCompletedAll())
  .subscribe((one) => console.log('asCompletedAll', one));
inputs()
  .pipe(waitUntil(FIRST_COMPLETED))
  .subscribe(({ done, pending }) => console.log('waitUntil', done[0]!.result(), pending.length));
// Logs:
// asCompletedAll b
// waitUntil b 2
// asCompletedAll c
// asCompletedAll a
// gatherAll [ 'a', 'b', 'c' ]
