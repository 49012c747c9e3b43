/**
 * gather over 100,000 Observables, against forkJoin and `mergeMap(o => o.pipe(last()))`.
 *
 * Two kinds of input, one scenario each: `defer(() => Promise.resolve(i))` (asynchronous:
 * every inner is subscribed before the first one completes, as with real requests) here,
 * and `of(i)` (synchronous) in gather-observables-of.ts. The Observables are built in
 * `prepare`; results are checked position by position.
 *
 * gather is the reference here (the target is "no slower than mergeMap"): mergeMap and
 * forkJoin at concurrency Infinity keep every running inner in their parent
 * Subscription's finalizer array and splice each out as it completes, so with
 * asynchronous inners they are quadratic and their budget cuts them off; a reference
 * cut off by the budget would leave no ratio to print.
 */
import { defer, forkJoin, from, last, mergeMap, of, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { gather } from '../../lib/gather';
import { defineScenario } from '../lib/scenario';
import type { Scenario } from '../lib/scenario';
import { checkOrdered, collect, single } from './gather-factories-1e5';
import type { SizeParams } from './gather-factories-1e5';

type Kind = 'defer' | 'of';

function makeObservables(kind: Kind, n: number): Observable<number>[] {
  const inputs = new Array<Observable<number>>(n);
  for (let i = 0; i < n; i++) inputs[i] = kind === 'of' ? of(i) : defer(() => Promise.resolve(i));
  return inputs;
}

export function observablesScenario(kind: Kind, extra: string): Scenario<SizeParams> {
  const input = kind === 'of' ? '`of(i)`' : '`defer(() => Promise.resolve(i))`';
  return defineScenario<SizeParams>({
    title: `gather over 100,000 Observables ${kind === 'of' ? '`of(i)`' : '`defer(() => Promise.resolve(i))`'}`,
    description:
      `Each input is ${input}; every contender returns the results in input order (checked: each position holds its index). ` +
      'gather is the reference, so `× ref` reads as how many times slower than gather a contender is. ' +
      `Target: gather no slower than mergeMap (mergeMap's × ref at least 1.00×). ${extra}`,
    params: { full: { n: 100_000 }, quick: { n: 10_000 } },
    expected: ({ n }) => ({ n, misplaced: 0 }),
    ticks: ({ n }) => n,
    budgetMs: { full: kind === 'of' ? 10_000 : 2_000, quick: 5_000 },
    nodeArgs: ['--max-old-space-size=4096'],
    contenders: [
      {
        name: 'gather',
        reference: true,
        note: 'rxjs-asyncio: `gather(observables)`',
        prepare: ({ n }) => {
          const inputs = makeObservables(kind, n);
          return { run: () => single(gather(inputs)).then(checkOrdered) };
        },
      },
      {
        name: 'forkJoin',
        note:
          'rxjs: `forkJoin(observables)`, each inner piped through `tap(tick)` so the probe sees progress and the budget ' +
          'can stop a quadratic run (one extra operator per inner)',
        prepare: ({ n }, probe) => {
          const inputs = makeObservables(kind, n);
          const tick = (): void => probe.tick();
          return { run: () => single(forkJoin(inputs.map((o) => o.pipe(tap(tick))))).then(checkOrdered) };
        },
      },
      {
        name: 'mergeMap',
        note:
          'rxjs: `from(observables).pipe(mergeMap((o) => o.pipe(last())), toArray())`; the subscriber collects the values ' +
          "(toArray's work) and ticks the probe for each",
        prepare: ({ n }, probe) => {
          const inputs = makeObservables(kind, n);
          return { run: () => collect(from(inputs).pipe(mergeMap((o) => o.pipe(last()))), probe).then(checkOrdered) };
        },
      },
    ],
  });
}

export default observablesScenario(
  'defer',
  'forkJoin and mergeMap are quadratic here (seconds at this size, growing with the square): the time budget per run cuts them off, ' +
    'and the table shows how far they got.',
);
