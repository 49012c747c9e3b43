/**
 * taskGroup over 100,000 tasks against gather over the same 100,000 promise factories.
 *
 * A task group is the structured form of a fan-out: the body starts each factory as a
 * Task of the group (`group.createTask(factory)`), and the group ends once all have;
 * the results are then read off the tasks (`task.result()`), in order. gather does the
 * same work in one call, with no Task per input. Both check that every position holds
 * its index (`{ n, misplaced: 0 }`). Target: taskGroup at most 1.5× gather's time.
 */
import { gather } from '../../lib/gather';
import { taskGroup } from '../../lib/taskGroup';
import type { Task } from '../../lib/task';
import { checkOrdered, makeJobs, single } from '../lib/jobs';
import type { SizeParams } from '../lib/jobs';
import { defineScenario } from '../lib/scenario';

export default defineScenario<SizeParams>({
  title: 'taskGroup over 100,000 tasks vs gather over the same promise factories',
  description:
    'Each input is a factory `() => Promise.resolve(i)`. taskGroup: a body that creates one task per factory, then the ' +
    "results read from the tasks once the group has ended; gather: `gather(factories)`. The reference is gather. Target: taskGroup's " +
    "time at most 1.5× gather's.",
  params: { full: { n: 100_000 }, quick: { n: 10_000 } },
  expected: ({ n }) => ({ n, misplaced: 0 }),
  budgetMs: { full: 10_000, quick: 5_000 },
  nodeArgs: ['--max-old-space-size=4096'],
  contenders: [
    {
      name: 'taskGroup',
      note: 'rxjs-asyncio: `taskGroup((group) => { for (const f of factories) tasks.push(group.createTask(f)); })`, then `tasks.map((t) => t.result())`',
      prepare: ({ n }) => {
        const jobs = makeJobs(n);
        return {
          run: async () => {
            const tasks: Task<number>[] = [];
            await single(
              taskGroup((group) => {
                for (const job of jobs) tasks.push(group.createTask(job));
              }),
            );
            return checkOrdered(tasks.map((task) => task.result()));
          },
        };
      },
    },
    {
      name: 'gather',
      reference: true,
      note: 'rxjs-asyncio: `gather(factories)`',
      prepare: ({ n }) => {
        const jobs = makeJobs(n);
        return { run: () => single(gather(jobs)).then(checkOrdered) };
      },
    },
  ],
});
