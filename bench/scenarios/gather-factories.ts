/**
 * gather over promise factories, against Promise.all, forkJoin and p-map, at 10,000,
 * 100,000 and 1,000,000 inputs (the variants at the end), and at concurrency 100 against
 * p-map, Effect's `forEach` and a hand-written pool of 100 workers (the floor).
 *
 * Each input is a factory `() => Promise.resolve(i)`: the smallest asynchronous job,
 * so what is measured is the machinery around it. The same factories (built in
 * `prepare`, unmeasured) go to every contender; results are checked position by
 * position (`{ n, misplaced: 0 }`).
 */
import { defer, forkJoin, tap } from 'rxjs';
import { gather } from '../../lib/gather';
import { checkOrdered, loadEffect, loadPMap, makeJobs, single, workerPool } from '../lib/jobs';
import type { SizeParams } from '../lib/jobs';
import { defineScenario, defineVariants } from '../lib/scenario';
import type { Contender, Scenario } from '../lib/scenario';

/** Which optional contenders a factories scenario has. */
interface FactoryOptions {
  /** The concurrency-100 contenders (gather, p-map, Effect, the hand-written pool). */
  readonly limited: boolean;
}

/**
 * The contenders over promise factories. forkJoin ticks the probe as each inner is
 * subscribed and as it emits, so its budget can cut it off (its subscriptions run in one
 * synchronous loop, and its completions in one unbroken microtask chain, that no timer
 * can interrupt).
 */
function factoryContenders(options: FactoryOptions): Contender<SizeParams>[] {
  const contenders: Contender<SizeParams>[] = [
    {
      name: 'gather',
      note: 'rxjs-asyncio: `gather(factories)` (concurrency Infinity)',
      prepare: ({ n }) => {
        const jobs = makeJobs(n);
        return { run: () => single(gather(jobs)).then(checkOrdered) };
      },
    },
  ];
  if (options.limited) {
    contenders.push({
      name: 'gather c=100',
      note: 'rxjs-asyncio: `gather(factories, { concurrency: 100 })`',
      prepare: ({ n }) => {
        const jobs = makeJobs(n);
        return { run: () => single(gather(jobs, { concurrency: 100 })).then(checkOrdered) };
      },
    });
  }
  contenders.push(
    {
      name: 'Promise.all',
      note: '`Promise.all(factories.map((f) => f()))`: every factory called at once, no limit, no cancellation',
      prepare: ({ n }) => {
        const jobs = makeJobs(n);
        return { run: () => Promise.all(jobs.map((job) => job())).then(checkOrdered) };
      },
    },
    {
      name: 'forkJoin',
      note:
        'rxjs: `forkJoin(factories.map((f) => defer(f)))`, each inner piped through `tap({ subscribe: tick, next: tick })` ' +
        '(one extra operator per inner) so the probe sees progress and the budget can stop a quadratic run: finished inners ' +
        "are spliced out of the parent's finalizer array. A finished run ticks twice per input, so an over-budget run at 50% " +
        'has subscribed every inner and finished none',
      prepare: ({ n }, probe) => {
        const jobs = makeJobs(n);
        const tick = (): void => probe.tick();
        const tapped = { subscribe: tick, next: tick };
        return { run: () => single(forkJoin(jobs.map((job) => defer(job).pipe(tap(tapped))))).then(checkOrdered) };
      },
    },
    {
      name: 'p-map',
      reference: true,
      note: 'p-map 7: `pMap(factories, (f) => f(), { concurrency: Infinity })`',
      prepare: async ({ n }) => {
        const { default: pMap } = await loadPMap();
        const jobs = makeJobs(n);
        return { run: () => pMap(jobs, (job) => job(), { concurrency: Infinity }).then(checkOrdered) };
      },
    },
  );
  if (options.limited) {
    contenders.push(
      {
        name: 'p-map c=100',
        note: 'p-map 7: `pMap(factories, (f) => f(), { concurrency: 100 })`',
        prepare: async ({ n }) => {
          const { default: pMap } = await loadPMap();
          const jobs = makeJobs(n);
          return { run: () => pMap(jobs, (job) => job(), { concurrency: 100 }).then(checkOrdered) };
        },
      },
      {
        name: 'Effect c=100',
        note: 'Effect 4: `Effect.runPromise(Effect.forEach(factories, (f) => Effect.promise(f), { concurrency: 100 }))`',
        prepare: async ({ n }) => {
          const { Effect } = await loadEffect();
          const jobs = makeJobs(n);
          return { run: () => Effect.runPromise(Effect.forEach(jobs, (job) => Effect.promise(job), { concurrency: 100 })).then(checkOrdered) };
        },
      },
      {
        name: 'pool c=100',
        note: 'the floor: 100 hand-written async workers, each awaiting the next factory and storing its result at its index (bench/lib/jobs.ts `workerPool`)',
        prepare: ({ n }) => {
          const jobs = makeJobs(n);
          return {
            run: async () => {
              const values = new Array<number>(n);
              await workerPool(
                jobs,
                100,
                (job) => job(),
                (index, value) => (values[index] = value),
              );
              return checkOrdered(values);
            },
          };
        },
      },
    );
  }
  return contenders;
}

function factoriesScenario(n: number, quickN: number, budgetMs: number, options: FactoryOptions, extra: string): Scenario<SizeParams> {
  return defineScenario<SizeParams>({
    title: `gather over ${n.toLocaleString('en-US')} promise factories`,
    description:
      'Each input is a factory `() => Promise.resolve(i)`; every contender returns the results in input order ' +
      '(checked: each position holds its index). The reference is p-map at concurrency Infinity. ' +
      "Target: gather at most 1.5× p-map's time at 100,000, and growing linearly (its time at 1,000,000 at most 12× " +
      `its time at 100,000). ${extra}`,
    params: { full: { n }, quick: { n: quickN } },
    expected: (params) => ({ n: params.n, misplaced: 0 }),
    // Only forkJoin ticks: once as each inner is subscribed, once as it emits.
    ticks: (params) => 2 * params.n,
    budgetMs: { full: budgetMs, quick: 5_000 },
    nodeArgs: ['--max-old-space-size=4096'],
    contenders: factoryContenders(options),
  });
}

export default defineVariants({
  'gather-factories-1e4': factoriesScenario(
    10_000,
    2_000,
    5_000,
    { limited: false },
    'At this size every contender finishes in milliseconds, forkJoin included (its quadratic term is still small). ' +
      'The concurrency-100 contenders run at 100,000 and 1,000,000.',
  ),
  'gather-factories-1e5': factoriesScenario(
    100_000,
    10_000,
    2_000,
    { limited: true },
    'forkJoin is quadratic here (~8 s at this size): the time budget per run cuts it off, and the table shows how far it got.',
  ),
  'gather-factories-1e6': factoriesScenario(
    1_000_000,
    50_000,
    2_500,
    { limited: true },
    'forkJoin is quadratic (it would take many minutes here): the time budget per run cuts it off, and the table shows how far it got ' +
      '(building and subscribing a million deferred inners uses up most or all of it). Only forkJoin ticks the probe, so the budget stops nothing else.',
  ),
});
