/**
 * asCompleted at concurrency 100 over 100,000 promise factories, against
 * `from(factories).pipe(mergeMap((f) => f(), 100))` and p-map at concurrency 100.
 *
 * Results arrive in completion order, which need not be the same for every contender,
 * so the check is the count and the sum. `from(array)` pushes every factory at once and
 * mergeMap buffers all but 100, then takes each from the front with `buffer.shift()`:
 * O(n) per input on a large array, so it is quadratic and its budget cuts it off.
 */
import { from, mergeMap } from 'rxjs';
import { asCompleted } from '../../lib/asCompleted';
import { defineScenario } from '../lib/scenario';
import type { Scenario } from '../lib/scenario';
import { countAndSum, loadPMap, makeJobs, sumBelow } from './gather-factories-1e5';
import type { SizeParams } from './gather-factories-1e5';

const CONCURRENCY = 100;

export function asCompletedScenario(n: number, quickN: number, budgetMs: number, extra: string): Scenario<SizeParams> {
  return defineScenario<SizeParams>({
    title: `asCompleted at concurrency 100 over ${n.toLocaleString('en-US')} promise factories`,
    description:
      'Each input is a factory `() => Promise.resolve(i)`, at most 100 running at once; results are counted and summed ' +
      '(completion order may differ between contenders). The reference is p-map at concurrency 100 (which returns an ' +
      "ordered array rather than a stream). Target: asCompleted at most 1.5× p-map's time at 100,000, and growing " +
      `linearly (its time at 1,000,000 at most 12× its time at 100,000). ${extra}`,
    params: { full: { n }, quick: { n: quickN } },
    expected: (params) => sumBelow(params.n),
    ticks: (params) => params.n,
    budgetMs: { full: budgetMs, quick: 5_000 },
    nodeArgs: ['--max-old-space-size=4096'],
    contenders: [
      {
        name: 'asCompleted',
        note: 'rxjs-asyncio: `asCompleted(factories, { concurrency: 100 })`',
        prepare: ({ n }, probe) => {
          const jobs = makeJobs(n);
          return { run: () => countAndSum(asCompleted(jobs, { concurrency: CONCURRENCY }), probe) };
        },
      },
      {
        name: 'mergeMap',
        note: 'rxjs: `from(factories).pipe(mergeMap((f) => f(), 100))`',
        prepare: ({ n }, probe) => {
          const jobs = makeJobs(n);
          return { run: () => countAndSum(from(jobs).pipe(mergeMap((job) => job(), CONCURRENCY)), probe) };
        },
      },
      {
        name: 'p-map c=100',
        reference: true,
        note: 'p-map 7: `pMap(factories, (f) => f(), { concurrency: 100 })`',
        prepare: async ({ n }) => {
          const { default: pMap } = await loadPMap();
          const jobs = makeJobs(n);
          return {
            run: async () => {
              const values = await pMap(jobs, (job) => job(), { concurrency: CONCURRENCY });
              let sum = 0;
              for (const value of values) sum += value;
              return { n: values.length, sum };
            },
          };
        },
      },
    ],
  });
}

export default asCompletedScenario(
  100_000,
  10_000,
  2_000,
  'mergeMap takes several seconds at this size (quadratic): the time budget per run cuts it off, and the table shows how far it got.',
);
