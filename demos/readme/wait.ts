import { timer, map } from 'rxjs';
import { FIRST_COMPLETED, wait } from '../../lib';

const mirror = (name: string, ms: number) => timer(ms).pipe(map(() => name));

wait([mirror('eu', 50), mirror('us', 10), mirror('asia', 30)], { returnWhen: FIRST_COMPLETED }).subscribe(({ done, pending }) => {
  console.log(
    done.map((task) => task.result()),
    pending.length,
  );
  pending.forEach((task) => task.cancel()); // or keep them, or wait on them again
});
// Logs:
// [ 'us' ] 2
