/**
 * asCompleted at concurrency 100 over 100,000 Observables `defer(() => Promise.resolve(i))`,
 * against `from(observables).pipe(mergeMap((o) => o.pipe(last()), 100))` and p-map at
 * concurrency 100 over the same Observables (each turned into a Promise by `lastValueFrom`).
 *
 * Results arrive in completion order, so the check is the count and the sum. mergeMap
 * buffers every input that `from(array)` pushes and takes each from the front of that
 * buffer with `shift()`, O(n) per input: quadratic, cut off by the budget.
 */
import { defer, from, last, lastValueFrom, mergeMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { asCompleted } from '../../lib/asCompleted';
import { defineScenario } from '../lib/scenario';
import { countAndSum, loadPMap, sumBelow } from './gather-factories-1e5';
import type { SizeParams } from './gather-factories-1e5';

const CONCURRENCY = 100;

function makeObservables(n: number): Observable<number>[] {
  const inputs = new Array<Observable<number>>(n);
  for (let i = 0; i < n; i++) inputs[i] = defer(() => Promise.resolve(i));
  return inputs;
}

export default defineScenario<SizeParams>({
  title: 'asCompleted at concurrency 100 over 100,000 Observables `defer(() => Promise.resolve(i))`',
  description:
    'Each input is `defer(() => Promise.resolve(i))`, at most 100 subscribed at once; results are counted and summed ' +
    '(completion order may differ between contenders). The reference is p-map at concurrency 100 (mergeMap, what RxJS offers for this, ' +
    'does not finish within the budget, and a reference cut off leaves no ratio to print). Target: asCompleted no slower than mergeMap. mergeMap is quadratic here (`buffer.shift()` on a 100,000-element array per input): ' +
    'the time budget per run cuts it off, and the table shows how far it got.',
  params: { full: { n: 100_000 }, quick: { n: 10_000 } },
  expected: (params) => sumBelow(params.n),
  ticks: (params) => params.n,
  budgetMs: { full: 2_000, quick: 5_000 },
  nodeArgs: ['--max-old-space-size=4096'],
  contenders: [
    {
      name: 'asCompleted',
      note: 'rxjs-asyncio: `asCompleted(observables, { concurrency: 100 })`',
      prepare: ({ n }, probe) => {
        const inputs = makeObservables(n);
        return { run: () => countAndSum(asCompleted(inputs, { concurrency: CONCURRENCY }), probe) };
      },
    },
    {
      name: 'mergeMap',
      note: 'rxjs: `from(observables).pipe(mergeMap((o) => o.pipe(last()), 100))`',
      prepare: ({ n }, probe) => {
        const inputs = makeObservables(n);
        return { run: () => countAndSum(from(inputs).pipe(mergeMap((o) => o.pipe(last()), CONCURRENCY)), probe) };
      },
    },
    {
      name: 'p-map c=100',
      reference: true,
      note: 'p-map 7: `pMap(observables, (o) => lastValueFrom(o), { concurrency: 100 })`',
      prepare: async ({ n }) => {
        const { default: pMap } = await loadPMap();
        const inputs = makeObservables(n);
        return {
          run: async () => {
            const values = await pMap(inputs, (o) => lastValueFrom(o), { concurrency: CONCURRENCY });
            let sum = 0;
            for (const value of values) sum += value;
            return { n: values.length, sum };
          },
        };
      },
    },
  ],
});
