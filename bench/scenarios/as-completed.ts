/**
 * asCompleted at concurrency 100 over promise factories (10,000, 100,000 and 1,000,000:
 * the variants at the end) and over 100,000 Observables, against
 * `from(inputs).pipe(mergeMap(..., 100))`, p-map at concurrency 100, and over the
 * factories also Effect's `forEach` and a hand-written pool of 100 workers (the floor).
 *
 * Results arrive in completion order, which need not be the same for every contender,
 * so the check is the count and the sum. `from(array)` pushes every factory at once and
 * mergeMap buffers all but 100, then takes each from the front with `buffer.shift()`:
 * O(n) per input on a large array, so it is quadratic and its budget cuts it off.
 */
import { from, lastValueFrom, last, mergeMap } from 'rxjs';
import type { Observable, ObservableInput } from 'rxjs';
import { asCompleted } from '../../lib/asCompleted';
import type { TaskInput } from '../../lib/types';
import { defineScenario, defineVariants } from '../lib/scenario';
import type { Contender, Scenario } from '../lib/scenario';
import { countAndSum, loadEffect, loadPMap, makeJobs, makeObservables, sumBelow, workerPool } from '../lib/jobs';
import type { Job, SizeParams } from '../lib/jobs';

const CONCURRENCY = 100;

/** One kind of input, and how each contender takes it. */
interface AsCompletedInputs<I extends TaskInput<number>> {
  /** What the title calls them. */
  readonly title: string;
  /** What one input is, and what the target is, for the description. */
  readonly description: string;
  /** How the contenders' notes call them. */
  readonly name: string;
  readonly make: (n: number) => I[];
  /** mergeMap's projection, as code for the note and as a function. */
  readonly project: readonly [string, (input: I) => ObservableInput<number>];
  /** p-map's mapper, as code for the note and as a function. */
  readonly toPromise: readonly [string, (input: I) => Promise<number>];
  /** Whether Effect's `forEach` and the hand-written pool run too (over factories: the floor of issue 18's targets). */
  readonly floor: boolean;
}

/** Promise factories `() => Promise.resolve(i)`. */
const FACTORIES: AsCompletedInputs<Job> = {
  title: 'promise factories',
  description:
    'Each input is a factory `() => Promise.resolve(i)`, at most 100 running at once. ' +
    "Target: asCompleted at most 1.5× p-map's time at 100,000, and growing linearly (its time at 1,000,000 at most 12× its time at 100,000).",
  name: 'factories',
  make: makeJobs,
  project: ['(f) => f()', (job) => job()],
  toPromise: ['(f) => f()', (job) => job()],
  floor: true,
};

/** Observables `defer(() => Promise.resolve(i))`. */
const DEFERS: AsCompletedInputs<Observable<number>> = {
  title: 'Observables `defer(() => Promise.resolve(i))`',
  description: 'Each input is `defer(() => Promise.resolve(i))`, at most 100 subscribed at once. Target: asCompleted no slower than mergeMap.',
  name: 'observables',
  make: (n) => makeObservables('defer', n),
  project: ['(o) => o.pipe(last())', (o) => o.pipe(last())],
  toPromise: ['(o) => lastValueFrom(o)', (o) => lastValueFrom(o)],
  floor: false,
};

function asCompletedScenario<I extends TaskInput<number>>(
  inputs: AsCompletedInputs<I>,
  n: number,
  quickN: number,
  budgetMs: number,
  extra: string,
): Scenario<SizeParams> {
  const { name, make } = inputs;
  const [projectCode, project] = inputs.project;
  const [toPromiseCode, toPromise] = inputs.toPromise;
  return defineScenario<SizeParams>({
    title: `asCompleted at concurrency 100 over ${n.toLocaleString('en-US')} ${inputs.title}`,
    description:
      `${inputs.description} Results are counted and summed (completion order may differ between contenders). ` +
      'The reference is p-map at concurrency 100 (which returns an ordered array rather than a stream). ' +
      extra,
    params: { full: { n }, quick: { n: quickN } },
    expected: (params) => sumBelow(params.n),
    ticks: (params) => params.n,
    budgetMs: { full: budgetMs, quick: 5_000 },
    nodeArgs: ['--max-old-space-size=4096'],
    contenders: [
      {
        name: 'asCompleted',
        note: `rxjs-asyncio: \`asCompleted(${name}, { concurrency: 100 })\``,
        prepare: ({ n }, probe) => {
          const all = make(n);
          return { run: () => countAndSum(asCompleted(all, { concurrency: CONCURRENCY }), probe) };
        },
      },
      {
        name: 'mergeMap',
        note: `rxjs: \`from(${name}).pipe(mergeMap(${projectCode}, 100))\``,
        prepare: ({ n }, probe) => {
          const all = make(n);
          return { run: () => countAndSum(from(all).pipe(mergeMap(project, CONCURRENCY)), probe) };
        },
      },
      {
        name: 'p-map c=100',
        reference: true,
        note: `p-map 7: \`pMap(${name}, ${toPromiseCode}, { concurrency: 100 })\``,
        prepare: async ({ n }) => {
          const { default: pMap } = await loadPMap();
          const all = make(n);
          return {
            run: async () => {
              const values = await pMap(all, toPromise, { concurrency: CONCURRENCY });
              let sum = 0;
              for (const value of values) sum += value;
              return { n: values.length, sum };
            },
          };
        },
      },
      ...(inputs.floor ? floorContenders(inputs) : []),
    ],
  });
}

/** Effect's `forEach` and the hand-written pool, each summing the results as they arrive. */
function floorContenders<I extends TaskInput<number>>(inputs: AsCompletedInputs<I>): Contender<SizeParams>[] {
  const { name, make } = inputs;
  const [toPromiseCode, toPromise] = inputs.toPromise;
  return [
    {
      name: 'Effect c=100',
      note: `Effect 4: \`Effect.runPromise(Effect.forEach(${name}, (f) => Effect.promise(f), { concurrency: 100, discard: true }))\`, each result summed as it arrives`,
      prepare: async ({ n }, probe) => {
        const { Effect } = await loadEffect();
        const all = make(n);
        return {
          run: async () => {
            let count = 0;
            let sum = 0;
            const each = (value: number): void => {
              count++;
              sum += value;
              probe.tick();
            };
            await Effect.runPromise(
              Effect.forEach(all, (input) => Effect.promise(() => toPromise(input).then(each)), { concurrency: CONCURRENCY, discard: true }),
            );
            return { n: count, sum };
          },
        };
      },
    },
    {
      name: 'pool c=100',
      note: `the floor: 100 hand-written async workers, each awaiting \`${toPromiseCode}\` of the next input and summing its result (bench/lib/jobs.ts \`workerPool\`)`,
      prepare: ({ n }, probe) => {
        const all = make(n);
        return {
          run: async () => {
            let count = 0;
            let sum = 0;
            await workerPool(all, CONCURRENCY, toPromise, (_index, value) => {
              count++;
              sum += value;
              probe.tick();
            });
            return { n: count, sum };
          },
        };
      },
    },
  ];
}

export default defineVariants({
  'as-completed-1e4': asCompletedScenario(FACTORIES, 10_000, 2_000, 5_000, 'At this size every contender finishes.'),
  'as-completed-1e5': asCompletedScenario(
    FACTORIES,
    100_000,
    10_000,
    2_000,
    'mergeMap takes several seconds at this size (quadratic): the time budget per run cuts it off, and the table shows how far it got.',
  ),
  'as-completed-1e6': asCompletedScenario(
    FACTORIES,
    1_000_000,
    50_000,
    2_000,
    'mergeMap would take many minutes at this size: the time budget per run cuts it off, and the table shows how far it got.',
  ),
  'as-completed-observables': asCompletedScenario(
    DEFERS,
    100_000,
    10_000,
    2_000,
    'mergeMap, what RxJS offers for this, is quadratic here (`buffer.shift()` on a 100,000-element array per input): ' +
      'the time budget per run cuts it off, and the table shows how far it got.',
  ),
});
