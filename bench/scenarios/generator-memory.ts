/**
 * A generator of a million inputs through a pool of 8: does memory stay flat?
 *
 * `asCompleted(gen(), { concurrency: 8 })` pulls the next input only when a slot
 * frees. `from(gen()).pipe(mergeMap(f, 8))` cannot: `from(generator)` pushes every
 * value synchronously, so mergeMap buffers all of them (and its `buffer.shift()` on
 * a huge array makes each step O(n)). p-map's `pMapIterable` is the Promise-world
 * answer: it pulls lazily too.
 */
import { from, mergeMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { asCompleted } from '../../lib';
import { defineScenario } from '../lib/scenario';
import type { Probe } from '../lib/scenario';

interface Params {
  /** Inputs the generator yields. */
  readonly n: number;
  readonly concurrency: number;
}

type Job = () => Promise<number>;

/** The inputs: `() => Promise.resolve(i)`, made one at a time as they are pulled. */
function* jobs(n: number): Generator<Job> {
  for (let i = 0; i < n; i++) yield () => Promise.resolve(i);
}

/** Subscribes, sums the results, and resolves with the sum on completion. */
function sumOf(source: Observable<number>, probe: Probe): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let sum = 0;
    source.subscribe({
      next: (value) => {
        sum += value;
        probe.tick();
      },
      error: reject,
      complete: () => resolve(sum),
    });
  });
}

export default defineScenario<Params>({
  title: 'a generator of inputs through a pool of 8 (1,000,000 inputs in a full run)',
  description:
    'Each input is `() => Promise.resolve(i)`, pulled from a generator; the results are summed, not kept. ' +
    '`asCompleted(gen(), { concurrency: 8 })` pulls an input only when a slot frees, so its memory should stay flat ' +
    '(target: peak RSS within 50 MB of the baseline). `from(gen()).pipe(mergeMap(f, 8))` is what RxJS offers out of the box: ' +
    '`from(generator)` pushes all values synchronously, so mergeMap buffers every input, and `buffer.shift()` on a ' +
    "million-element array costs O(n) per input. p-map's `pMapIterable` (lazy, `preserveOrder: false`) is the Promise-only equivalent.",
  params: {
    full: { n: 1_000_000, concurrency: 8 },
    quick: { n: 20_000, concurrency: 8 },
  },
  expected: ({ n }) => (n * (n - 1)) / 2,
  ticks: ({ n }) => n,
  contenders: [
    {
      name: 'asCompleted',
      reference: true,
      note: 'rxjs-asyncio: `asCompleted(gen(), { concurrency: 8 })`',
      target: { rssGrowthMb: 50 },
      prepare: ({ n, concurrency }, probe) => ({
        run: () => sumOf(asCompleted(jobs(n), { concurrency }), probe),
      }),
    },
    {
      name: 'mergeMap',
      note: 'rxjs: `from(gen()).pipe(mergeMap((f) => f(), 8))`',
      prepare: ({ n, concurrency }, probe) => ({
        run: () => sumOf(from(jobs(n)).pipe(mergeMap((job) => job(), concurrency)), probe),
      }),
    },
    {
      name: 'pMapIterable',
      note: 'p-map 7: `pMapIterable(gen(), (f) => f(), { concurrency: 8, preserveOrder: false })`',
      prepare: async ({ n, concurrency }, probe) => {
        const { pMapIterable } = await import('p-map');
        return {
          run: async () => {
            let sum = 0;
            for await (const value of pMapIterable(jobs(n), (job) => job(), { concurrency, preserveOrder: false })) {
              sum += value;
              probe.tick();
            }
            return sum;
          },
        };
      },
    },
  ],
});
