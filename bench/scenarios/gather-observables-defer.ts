/**
 * gather over 100,000 Observables, against forkJoin, `mergeMap(o => o.pipe(last()))`,
 * and the Promise tools over the same Observables (each turned into a Promise by
 * `lastValueFrom`): `Promise.all` and p-map.
 *
 * Two kinds of input: `defer(() => Promise.resolve(i))` (asynchronous: every inner is
 * subscribed before the first one completes, as with real requests), here and at
 * 10,000 and 1,000,000 (gather-observables-defer-1e4.ts, -1e6.ts), and `of(i)`
 * (synchronous) in gather-observables-of.ts. The Observables are built in `prepare`;
 * results are checked position by position.
 *
 * gather is the reference here (the target is "no slower than mergeMap"): mergeMap and
 * forkJoin at concurrency Infinity keep every running inner in their parent
 * Subscription's finalizer array and splice each out as it completes, so with
 * asynchronous inners they are quadratic and their budget cuts them off; a reference
 * cut off by the budget would leave no ratio to print.
 */
import { defer, forkJoin, from, last, lastValueFrom, mergeMap, of, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { gather } from '../../lib/gather';
import { defineScenario } from '../lib/scenario';
import type { Contender, Scenario } from '../lib/scenario';
import { checkOrdered, collect, loadPMap, single } from '../lib/jobs';
import type { SizeParams } from '../lib/jobs';

export type Kind = 'defer' | 'of';

export function makeObservables(kind: Kind, n: number): Observable<number>[] {
  const inputs = new Array<Observable<number>>(n);
  for (let i = 0; i < n; i++) inputs[i] = kind === 'of' ? of(i) : defer(() => Promise.resolve(i));
  return inputs;
}

/**
 * The RxJS contenders: forkJoin and mergeMap, both quadratic with asynchronous inners.
 * Skipped at sizes where their synchronous subscription phase alone outlasts any budget.
 */
function rxjsContenders(kind: Kind): Contender<SizeParams>[] {
  return [
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
  ];
}

/** Sizes and the time budget per run of one scenario. */
export interface ObservablesSize {
  readonly n: number;
  readonly quickN: number;
  readonly budgetMs: number;
  /** Whether forkJoin and mergeMap run. */
  readonly rxjs: boolean;
}

export function observablesScenario(kind: Kind, size: ObservablesSize, extra: string): Scenario<SizeParams> {
  const input = kind === 'of' ? '`of(i)`' : '`defer(() => Promise.resolve(i))`';
  return defineScenario<SizeParams>({
    title: `gather over ${size.n.toLocaleString('en-US')} Observables ${input}`,
    description:
      `Each input is ${input}; every contender returns the results in input order (checked: each position holds its index). ` +
      'gather is the reference, so `× ref` reads as how many times slower than gather a contender is. ' +
      `${size.rxjs ? "Target: gather no slower than mergeMap (mergeMap's × ref at least 1.00×). " : ''}${extra}`,
    params: { full: { n: size.n }, quick: { n: size.quickN } },
    expected: ({ n }) => ({ n, misplaced: 0 }),
    ticks: ({ n }) => n,
    budgetMs: { full: size.budgetMs, quick: 5_000 },
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
      ...(size.rxjs ? rxjsContenders(kind) : []),
      {
        name: 'Promise.all',
        note: '`Promise.all(observables.map((o) => lastValueFrom(o)))`: every Observable subscribed at once, no limit, no cancellation',
        prepare: ({ n }) => {
          const inputs = makeObservables(kind, n);
          return { run: () => Promise.all(inputs.map((o) => lastValueFrom(o))).then(checkOrdered) };
        },
      },
      {
        name: 'p-map',
        note: 'p-map 7: `pMap(observables, (o) => lastValueFrom(o), { concurrency: Infinity })`',
        prepare: async ({ n }) => {
          const { default: pMap } = await loadPMap();
          const inputs = makeObservables(kind, n);
          return { run: () => pMap(inputs, (o) => lastValueFrom(o), { concurrency: Infinity }).then(checkOrdered) };
        },
      },
    ],
  });
}

export default observablesScenario(
  'defer',
  { n: 100_000, quickN: 10_000, budgetMs: 2_000, rxjs: true },
  'forkJoin and mergeMap are quadratic here (seconds at this size, growing with the square): the time budget per run cuts them off, ' +
    'and the table shows how far they got.',
);
