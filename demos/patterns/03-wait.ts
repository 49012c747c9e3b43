/**
 * wait: start tasks, get `{ done, pending }` back when a condition holds, and decide
 * what to do with the rest (asyncio.wait). Timers stand in for I/O.
 *
 *   npx tsx demos/patterns/03-wait.ts
 */
import { lastValueFrom } from 'rxjs';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, createTask, wait } from '../../lib';
import type { Task } from '../../lib';
import { at, describeError, download, scaled, startClock } from '../lib/timing';
import { runIfMain } from '../lib/main';

/** Tasks started from named downloads, so that `done` and `pending` can be printed by name. */
function startNamed(jobs: readonly (readonly [name: string, ms: number, fail?: string])[]): {
  tasks: Task<string>[];
  name: (task: Task<string>) => string;
} {
  const names = new Map<Task<string>, string>();
  const tasks = jobs.map(([name, ms, fail]) => {
    const task = createTask(download(name, ms, fail === undefined ? {} : { fail }));
    names.set(task, name);
    return task;
  });
  return { tasks, name: (task) => names.get(task) ?? '?' };
}

export async function main(): Promise<void> {
  console.log('FIRST_COMPLETED over three mirrors: mirror-a 300 ms, mirror-b 100 ms, mirror-c 200 ms.');
  startClock();
  {
    const { tasks, name } = startNamed([
      ['mirror-a', 300],
      ['mirror-b', 100],
      ['mirror-c', 200],
    ]);
    const { done, pending } = await lastValueFrom(wait(tasks, { returnWhen: FIRST_COMPLETED }));
    console.log(`wait emitted at ${at()}: done: ${done.map(name).join(', ')}; pending: ${pending.map(name).join(', ')}`);
    console.log(`  ${name(done[0]!)} result(): ${JSON.stringify(done[0]!.result())}`);
    console.log('The pending tasks are still running; cancel them:');
    for (const task of pending) {
      const cancelled = task.cancel();
      console.log(`  ${name(task)} cancel(): ${cancelled}, cancelled(): ${task.cancelled()}`);
    }
  }

  console.log('');
  console.log('FIRST_EXCEPTION: job-1 succeeds at 100 ms, job-2 fails at 200 ms, job-3 would take 400 ms.');
  startClock();
  {
    const { tasks, name } = startNamed([
      ['job-1', 100],
      ['job-2', 200, 'disk full'],
      ['job-3', 400],
    ]);
    const { done, pending } = await lastValueFrom(wait(tasks, { returnWhen: FIRST_EXCEPTION }));
    console.log(`wait emitted at ${at()}: done: ${done.map(name).join(', ')}; pending: ${pending.map(name).join(', ')}`);
    for (const task of done) {
      const error = task.exception();
      console.log(`  ${name(task)} exception(): ${error === undefined ? 'undefined (it succeeded)' : describeError(error)}`);
    }
    console.log('wait never fails because a task failed. Wait for the rest again:');
    const again = await lastValueFrom(wait(pending));
    console.log(`wait emitted at ${at()}: done: ${again.done.map(name).join(', ')}; pending: none`);
  }

  console.log('');
  console.log('ALL_COMPLETED with timeout: 250 over tasks of 100, 200 and 400 ms: a timeout does not raise.');
  startClock();
  {
    const { tasks, name } = startNamed([
      ['t-100', 100],
      ['t-200', 200],
      ['t-400', 400],
    ]);
    const { done, pending } = await lastValueFrom(wait(tasks, { returnWhen: ALL_COMPLETED, timeout: scaled(250) }));
    console.log(`wait emitted at ${at()}: done: ${done.map(name).join(', ')}; pending: ${pending.map(name).join(', ')}`);
    for (const task of pending) {
      task.cancel();
      console.log(`  ${name(task)} cancelled(): ${task.cancelled()}`);
    }
  }
}

runIfMain(module, main);
