/**
 * A generator of 1,000,000 inputs at concurrency 100: peak RSS of asCompleted, of
 * `from(gen()).pipe(mergeMap(f, 100))` and of p-map's `pMapIterable`.
 *
 * The same question as generator-memory (concurrency 8) with a pool of 100: asCompleted
 * pulls an input only when a slot frees, so memory should stay flat; `from(generator)`
 * pushes every input synchronously and mergeMap buffers them all (and its
 * `buffer.shift()` makes each step O(n), so its budget cuts it off).
 */
import { from, mergeMap } from 'rxjs';
import { asCompleted } from '../../lib/asCompleted';
import { defineScenario } from '../lib/scenario';
import { countAndSum, generateJobs, loadPMap, sumBelow } from '../lib/jobs';
import type { SizeParams } from '../lib/jobs';

const CONCURRENCY = 100;

export default defineScenario<SizeParams>({
  title: 'a generator of inputs at concurrency 100 (1,000,000 inputs in a full run)',
  description:
    'Each input is `() => Promise.resolve(i)`, made as the generator is pulled; the results are counted and summed, not kept. ' +
    "Target: asCompleted's peak RSS within 50 MB of the baseline (the RSS after `prepare` and a full GC). " +
    'mergeMap buffers the whole generator and is quadratic: the time budget per run cuts it off (its memory is still measured).',
  params: { full: { n: 1_000_000 }, quick: { n: 20_000 } },
  expected: ({ n }) => sumBelow(n),
  ticks: ({ n }) => n,
  budgetMs: { full: 3_000, quick: 5_000 },
  contenders: [
    {
      name: 'asCompleted',
      reference: true,
      note: 'rxjs-asyncio: `asCompleted(gen(), { concurrency: 100 })`',
      target: { rssGrowthMb: 50 },
      prepare: ({ n }, probe) => ({
        run: () => countAndSum(asCompleted(generateJobs(n), { concurrency: CONCURRENCY }), probe),
      }),
    },
    {
      name: 'mergeMap',
      note: 'rxjs: `from(gen()).pipe(mergeMap((f) => f(), 100))`',
      prepare: ({ n }, probe) => ({
        run: () => countAndSum(from(generateJobs(n)).pipe(mergeMap((job) => job(), CONCURRENCY)), probe),
      }),
    },
    {
      name: 'pMapIterable',
      note: 'p-map 7: `pMapIterable(gen(), (f) => f(), { concurrency: 100, preserveOrder: false })`',
      prepare: async ({ n }, probe) => {
        const { pMapIterable } = await loadPMap();
        return {
          run: async () => {
            let count = 0;
            let sum = 0;
            for await (const value of pMapIterable(generateJobs(n), (job) => job(), { concurrency: CONCURRENCY, preserveOrder: false })) {
              count++;
              sum += value;
              probe.tick();
            }
            return { n: count, sum };
          },
        };
      },
    },
  ],
});
