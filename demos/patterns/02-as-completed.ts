/**
 * asCompleted: each result as soon as its input finishes, in completion order
 * (asyncio.as_completed). Timers stand in for downloads.
 *
 *   npx tsx demos/patterns/02-as-completed.ts
 */
import { lastValueFrom, tap } from 'rxjs';
import { asCompleted } from '../../lib';
import { at, describeError, download, scaled, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

/** The downloads of the concurrency story, pulled one by one from a generator that says when it is asked. */
function* files(): Generator<ReturnType<typeof download>> {
  for (const [name, ms] of [
    ['a.txt', 500],
    ['b.txt', 100],
    ['c.txt', 150],
    ['d.txt', 100],
  ] as const) {
    console.log(`  generator: yields ${name} (${ms} ms)`);
    yield download(name, ms);
  }
  console.log('  generator: exhausted');
}

export async function main(): Promise<void> {
  console.log('Three downloads: a.txt takes 300 ms, b.txt 100 ms, c.txt 200 ms. Each result as it comes:');
  startClock();
  await lastValueFrom(
    asCompleted([download('a.txt', 300), download('b.txt', 100), download('c.txt', 200)]).pipe(tap((name) => console.log(`  ${at()}  ${name}`))),
  );
  console.log(`complete at ${at()}`);

  console.log('');
  console.log('concurrency: 2 over a generator: the next input is pulled only when a slot frees.');
  startClock();
  await lastValueFrom(asCompleted(files(), { concurrency: 2 }).pipe(tap((name) => console.log(`  ${at()}  ${name}`))));
  console.log(`complete at ${at()}  (a.txt held one slot; b.txt, c.txt and d.txt took turns in the other)`);

  console.log('');
  console.log('timeout: 250: results finished in time are delivered, then TimeoutError, and the rest are unsubscribed.');
  startClock();
  try {
    await lastValueFrom(
      asCompleted([download('a.txt', 300), download('b.txt', 100), download('c.txt', 200)], { timeout: scaled(250) }).pipe(
        tap((name) => console.log(`  ${at()}  ${name}`)),
      ),
    );
    console.log('complete (unexpected)');
  } catch (err) {
    console.log(`failed at ${at()}: ${describeError(err)}`);
  }
}

runIfMain(module, main);
