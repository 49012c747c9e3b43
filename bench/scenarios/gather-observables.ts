/**
 * gather over Observables, against forkJoin, `mergeMap(o => o.pipe(last()))`, and the
 * Promise tools over the same Observables (each turned into a Promise by
 * `lastValueFrom`): `Promise.all` and p-map.
 *
 * Two kinds of input: `defer(() => Promise.resolve(i))` (asynchronous: every inner is
 * subscribed before the first one completes, as with real requests), at 10,000, 100,000
 * and 1,000,000, and `of(i)` (synchronous) at 100,000: the variants at the end. The
 * Observables are built in `prepare`; results are checked position by position.
 *
 * gather is the reference here (the target is "no slower than mergeMap"): mergeMap and
 * forkJoin at concurrency Infinity keep every running inner in their parent
 * Subscription's finalizer array and splice each out as it completes, so with
 * asynchronous inners they are quadratic and their budget cuts them off; a reference
 * cut off by the budget would leave no ratio to print.
 */
import { forkJoin, from, last, lastValueFrom, mergeMap, tap } from 'rxjs';
import { gather } from '../../lib/gather';
import { defineScenario, defineVariants } from '../lib/scenario';
import type { Contender, Scenario } from '../lib/scenario';
import { checkOrdered, collect, loadPMap, makeObservables, single } from '../lib/jobs';
import type { ObservableKind, SizeParams } from '../lib/jobs';

/**
 * The RxJS contenders: forkJoin and mergeMap, both quadratic with asynchronous inners.
 * Skipped at sizes where their synchronous subscription phase alone outlasts any budget.
 */
function rxjsContenders(kind: ObservableKind): Contender<SizeParams>[] {
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
interface ObservablesSize {
  readonly n: number;
  readonly quickN: number;
  readonly budgetMs: number;
  /** Whether forkJoin and mergeMap run. */
  readonly rxjs: boolean;
}

function observablesScenario(kind: ObservableKind, size: ObservablesSize, extra: string): Scenario<SizeParams> {
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

export default defineVariants({
  'gather-observables-defer-1e4': observablesScenario(
    'defer',
    { n: 10_000, quickN: 2_000, budgetMs: 5_000, rxjs: true },
    'At this size the quadratic cost of forkJoin and mergeMap is already visible, but they finish.',
  ),
  'gather-observables-defer': observablesScenario(
    'defer',
    { n: 100_000, quickN: 10_000, budgetMs: 2_000, rxjs: true },
    'forkJoin and mergeMap are quadratic here (seconds at this size, growing with the square): the time budget per run cuts them off, ' +
      'and the table shows how far they got.',
  ),
  'gather-observables-defer-1e6': observablesScenario(
    'defer',
    { n: 1_000_000, quickN: 50_000, budgetMs: 5_000, rxjs: false },
    'forkJoin and mergeMap do not run at this size: they already exceed their budget at 100,000, and here (measured once, 2026-11-29) ' +
      'subscribing their inputs alone took forkJoin 12 s and 2.1 GB and mergeMap 19 s and 2.6 GB before the first result. Target: gather growing linearly (its time here at most 12× its time at 100,000).',
  ),
  'gather-observables-of': observablesScenario(
    'of',
    { n: 100_000, quickN: 10_000, budgetMs: 10_000, rxjs: true },
    'Each input is `of(i)`: it emits and completes during `subscribe`, so no contender holds more than one inner at a time.',
  ),
});
