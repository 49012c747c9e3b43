/**
 * gather: run inputs at once, get every result back together, in submission order
 * (asyncio.gather). Timers stand in for downloads.
 *
 *   npx tsx demos/patterns/01-gather.ts
 */
import { lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { at, describeError, download, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

export async function main(): Promise<void> {
  console.log('Three downloads start together: a.txt takes 300 ms, b.txt 100 ms, c.txt 200 ms.');
  startClock();
  const files = await lastValueFrom(
    gather([download('a.txt', 300, { announce: true }), download('b.txt', 100, { announce: true }), download('c.txt', 200, { announce: true })]),
  );
  console.log(`gather emitted at ${at()}: ${files.join(', ')}  (submission order, not completion order)`);

  console.log('');
  console.log('returnExceptions: true, and b.txt fails: the failure takes its place, the others finish.');
  startClock();
  const settled = await lastValueFrom(
    gather([download('a.txt', 300), download('b.txt', 100, { fail: '404 Not Found' }), download('c.txt', 200)], {
      returnExceptions: true,
    }),
  );
  console.log(`gather emitted at ${at()}:`);
  settled.forEach((slot, i) => console.log(`  [${i}] ${slot instanceof Error ? describeError(slot) : slot}`));

  console.log('');
  console.log('Without returnExceptions, the first failure is raised at once and the rest are unsubscribed:');
  startClock();
  try {
    await lastValueFrom(gather([download('a.txt', 300), download('b.txt', 100, { fail: '404 Not Found' }), download('c.txt', 200)]));
    console.log('gather succeeded (unexpected)');
  } catch (err) {
    console.log(`gather failed at ${at()}: ${describeError(err)}`);
  }

  console.log('');
  console.log('A record of inputs gives a record of results, key by key:');
  startClock();
  const page = await lastValueFrom(gather({ user: download('user.json', 150), posts: download('posts.json', 50) }));
  console.log(`gather emitted at ${at()}: user=${page.user} posts=${page.posts}`);
}

runIfMain(module, main);
