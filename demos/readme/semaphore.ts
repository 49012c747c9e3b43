import { defer, finalize, timer, map } from 'rxjs';
import { RateLimiter, Semaphore, gather, rateLimit, withPermit } from '../../lib';

const semaphore = new Semaphore(2); // shared by everything that uses it
const limiter = new RateLimiter({ count: 5, interval: 100 }); // at most 5 starts per 100 ms
let running = 0;
let peak = 0;
const job = (i: number) =>
  defer(() => {
    peak = Math.max(peak, ++running);
    return timer(10).pipe(
      map(() => i),
      finalize(() => running--),
    );
  });

gather(
  [0, 1, 2, 3, 4, 5].map((i) => job(i).pipe(withPermit(semaphore), rateLimit(limiter))),
  {
    onProgress: ({ done, total }) => done === total && console.log(`${done}/${total} done`),
  },
).subscribe((results) => console.log(results, `at most ${peak} at once`, `${semaphore.available} permits free`));
// Logs:
// 6/6 done
// [ 0, 1, 2, 3, 4, 5 ] at most 2 at once 2 permits free
