/**
 * waitFor and deadline: a time limit on the whole run, failing with rxjs's own
 * TimeoutError (asyncio.wait_for and asyncio.timeout). Timers stand in for I/O.
 *
 *   npx tsx demos/patterns/04-wait-for.ts
 */
import { TimeoutError, interval, lastValueFrom, take, tap, timeout } from 'rxjs';
import { createTask, deadline, waitFor } from '../../lib';
import { at, describeError, download, scaled, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

export async function main(): Promise<void> {
  console.log('waitFor(report that takes 100 ms, 300 ms): in time, so it mirrors the result.');
  startClock();
  const report = await lastValueFrom(waitFor(download('report', 100), scaled(300)));
  console.log(`  result at ${at()}: ${report}`);

  console.log('');
  console.log('waitFor(export that takes 500 ms, 200 ms): too slow, so TimeoutError and the input is unsubscribed.');
  startClock();
  try {
    await lastValueFrom(waitFor(download('export', 500), scaled(200)));
    console.log('  result (unexpected)');
  } catch (err) {
    console.log(`  failed at ${at()}: ${describeError(err)}`);
    console.log(`  err instanceof TimeoutError (rxjs): ${err instanceof TimeoutError}`);
  }

  console.log('');
  console.log('waitFor on a Task cancels the task at the deadline, as asyncio.wait_for does:');
  startClock();
  const task = createTask(download('backup', 500));
  try {
    await lastValueFrom(waitFor(task, scaled(200)));
  } catch (err) {
    console.log(`  failed at ${at()}: ${err instanceof TimeoutError ? 'TimeoutError' : describeError(err)}`);
  }
  console.log(`  task.cancelled(): ${task.cancelled()}`);

  console.log('');
  console.log('deadline(350) bounds the whole run of a stream that ticks every 100 ms and never ends:');
  startClock();
  try {
    await lastValueFrom(
      interval(scaled(100)).pipe(
        deadline(scaled(350)),
        tap((n) => console.log(`  tick ${n}`)),
      ),
    );
  } catch (err) {
    console.log(`  failed at ${at()}: ${err instanceof TimeoutError ? 'TimeoutError' : describeError(err)}`);
  }

  console.log('');
  console.log("rxjs's timeout({ each: 300 }) bounds only the gaps between values: five ticks 100 ms apart pass.");
  startClock();
  const ticks = await lastValueFrom(interval(scaled(100)).pipe(take(5), timeout({ each: scaled(300) })));
  console.log(`  completed at ${at()} after tick ${ticks}: no TimeoutError`);
}

runIfMain(module, main);
