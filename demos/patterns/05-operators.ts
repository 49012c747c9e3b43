/**
 * The operators: gatherAll, asCompletedAll and waitUntil run the inputs a source
 * emits (gather, as_completed and wait as pipeable operators). Timers stand in for I/O.
 *
 *   npx tsx demos/patterns/05-operators.ts
 */
import { from, lastValueFrom, map, tap } from 'rxjs';
import { FIRST_COMPLETED, asCompletedAll, gatherAll, waitUntil } from '../../lib';
import type { Task } from '../../lib';
import { at, download, meter, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

/** Four jobs: a.txt is slow; the others are quick enough to take turns in a second slot. */
const JOBS = [
  ['a.txt', 500],
  ['b.txt', 100],
  ['c.txt', 150],
  ['d.txt', 100],
] as const;

export async function main(): Promise<void> {
  console.log(`Jobs: ${JOBS.map(([name, ms]) => `${name} ${ms} ms`).join(', ')}.`);
  console.log('');
  console.log('from(jobs).pipe(map(download), gatherAll({ concurrency: 2 })): all results, in arrival order.');
  startClock();
  meter.reset();
  const all = await lastValueFrom(
    from(JOBS).pipe(
      map(([name, ms]) => download(name, ms)),
      gatherAll({ concurrency: 2 }),
    ),
  );
  console.log(`  emitted at ${at()}: ${all.join(', ')}`);
  console.log(`  at most ${meter.peak} ran at once`);

  console.log('');
  console.log('The same with asCompletedAll({ concurrency: 2 }): each result as it completes.');
  startClock();
  meter.reset();
  await lastValueFrom(
    from(JOBS).pipe(
      map(([name, ms]) => download(name, ms)),
      asCompletedAll({ concurrency: 2 }),
      tap((name) => console.log(`  ${at()}  ${name}`)),
    ),
  );
  console.log(`  complete at ${at()}; at most ${meter.peak} ran at once`);

  console.log('');
  console.log('waitUntil(FIRST_COMPLETED) races three mirrors (eu 300 ms, us 150 ms, asia 250 ms):');
  startClock();
  const mirrors = [
    ['eu', 300],
    ['us', 150],
    ['asia', 250],
  ] as const;
  const { done, pending } = await lastValueFrom(
    from(mirrors).pipe(
      map(([name, ms]) => download(name, ms)),
      waitUntil(FIRST_COMPLETED),
    ),
  );
  const results = (tasks: Task<string>[]): string => tasks.map((task) => task.result()).join(', ');
  console.log(`  emitted at ${at()}: the winner is ${results(done)}; ${pending.length} still pending`);
  console.log('  cancelling the losers:');
  for (const task of pending) task.cancel();
  console.log(`  all cancelled: ${pending.every((task) => task.cancelled())}`);
}

runIfMain(module, main);
