import Redis from 'ioredis';
import { defer, finalize, firstValueFrom, lastValueFrom, map, merge, timer, toArray } from 'rxjs';
import { RedisSemaphore } from '../../lib/redis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
// Every process that uses this key on this Redis shares the limit: 2 at once across all of them.
const semaphore = new RedisSemaphore({ redis, key: 'readme:api', permits: 2 });
let running = 0;
let peak = 0;
const job = (name: string) =>
  semaphore.run(
    defer(() => {
      peak = Math.max(peak, ++running);
      return timer(20).pipe(
        map(() => name),
        finalize(() => running--),
      );
    }),
  );

lastValueFrom(merge(job('a'), job('b'), job('c'), job('d')).pipe(toArray())).then(async (names) => {
  console.log(names.sort(), `at most ${peak} at once`, await firstValueFrom(semaphore.counts()));
  await semaphore.close();
  await redis.quit();
});
// Logs:
// [ 'a', 'b', 'c', 'd' ] at most 2 at once { available: 2, waiting: 0 }
