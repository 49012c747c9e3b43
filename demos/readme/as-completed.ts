import { timer, map } from 'rxjs';
import { asCompleted } from '../../lib';

function* jobs() {
  for (const [name, ms] of [
    ['slow', 60],
    ['fast', 10],
    ['medium', 30],
  ] as const) {
    yield () => timer(ms).pipe(map(() => name)); // pulled only when a slot is free
  }
}
asCompleted(jobs(), { concurrency: 3, timeout: 1000 }).subscribe(console.log);
// Logs:
// fast
// medium
// slow
