/**
 * Tasks: createTask starts work now, once, and lets anyone read its outcome later
 * (asyncio.create_task and asyncio.Task). Timers stand in for I/O.
 *
 *   npx tsx demos/patterns/06-tasks.ts
 */
import { defer, lastValueFrom } from 'rxjs';
import { createTask } from '../../lib';
import { at, describeError, download, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

/** Calls `fn` and prints what it returned, or what it threw. */
function attempt(label: string, fn: () => unknown): void {
  try {
    const value = fn();
    const shown = value === undefined ? 'undefined' : value instanceof Error ? describeError(value) : JSON.stringify(value);
    console.log(`  ${label} → ${shown}`);
  } catch (err) {
    console.log(`  ${label} throws ${describeError(err)}`);
  }
}

export async function main(): Promise<void> {
  console.log('createTask(report that takes 200 ms): the work starts now, before anyone subscribes.');
  startClock();
  let starts = 0;
  const report = createTask(
    defer(() => {
      starts++;
      console.log(`  report started (start #${starts})`);
      return download('report', 200);
    }),
  );
  console.log(`  done(): ${report.done()}`);
  attempt('result()', () => report.result());
  report.subscribe((value) => console.log(`  early subscriber got ${JSON.stringify(value)} at ${at()}`));
  await lastValueFrom(report);
  report.subscribe((value) => console.log(`  late subscriber got ${JSON.stringify(value)} at once, from the same run`));
  console.log(`  done(): ${report.done()}; the work started ${starts === 1 ? 'once' : `${starts} times`}`);
  attempt('result()', () => report.result());
  attempt('exception()', () => report.exception());

  console.log('');
  console.log('A task that fails keeps its error:');
  const upload = createTask(download('upload', 100, { fail: 'quota exceeded' }));
  await lastValueFrom(upload).catch(() => undefined);
  attempt('exception()', () => upload.exception());
  attempt('result()', () => upload.result());

  console.log('');
  console.log('cancel() unsubscribes the running work; subscribers get CancelledError:');
  startClock();
  const backup = createTask(download('backup', 1000));
  backup.subscribe({ error: (err: unknown) => console.log(`  subscriber got ${describeError(err)}`) });
  attempt('cancel()', () => backup.cancel());
  console.log(`  done(): ${backup.done()}, cancelled(): ${backup.cancelled()}`);
  attempt('cancel() again', () => backup.cancel());
  attempt('result()', () => backup.result());
  attempt('exception()', () => backup.exception());
}

runIfMain(module, main);
