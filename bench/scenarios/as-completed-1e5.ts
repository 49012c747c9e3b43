/**
 * asCompleted at concurrency 100 over 100,000 promise factories, against
 * `from(factories).pipe(mergeMap((f) => f(), 100))` and p-map at concurrency 100.
 *
 * Results arrive in completion order, which need not be the same for every contender,
 * so the check is the count and the sum. `from(array)` pushes every factory at once and
 * mergeMap buffers all but 100, then takes each from the front with `buffer.shift()`:
 * O(n) per input on a large array, so it is quadratic and its budget cuts it off.
 *
 * The same contenders run over Observables in as-completed-observables.ts: the inputs
 * are a parameter of {@link asCompletedScenario}.
 */
import { from, lastValueFrom, last, mergeMap } from 'rxjs';
import type { Observable, ObservableInput } from 'rxjs';
import { asCompleted } from '../../lib/asCompleted';
import type { TaskInput } from '../../lib/types';
import { defineScenario } from '../lib/scenario';
import type { Scenario } from '../lib/scenario';
import { countAndSum, loadPMap, makeJobs, sumBelow } from '../lib/jobs';
import type { Job, SizeParams } from '../lib/jobs';
import { makeObservables } from './gather-observables-defer';

const CONCURRENCY = 100;

/** One kind of input, and how each contender takes it. */
export interface AsCompletedInputs<I extends TaskInput<number>> {
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
}

/** Promise factories `() => Promise.resolve(i)`. */
export const FACTORIES: AsCompletedInputs<Job> = {
  title: 'promise factories',
  description:
    'Each input is a factory `() => Promise.resolve(i)`, at most 100 running at once. ' +
    "Target: asCompleted at most 1.5× p-map's time at 100,000, and growing linearly (its time at 1,000,000 at most 12× its time at 100,000).",
  name: 'factories',
  make: makeJobs,
  project: ['(f) => f()', (job) => job()],
  toPromise: ['(f) => f()', (job) => job()],
};

/** Observables `defer(() => Promise.resolve(i))`. */
export const DEFERS: AsCompletedInputs<Observable<number>> = {
  title: 'Observables `defer(() => Promise.resolve(i))`',
  description: 'Each input is `defer(() => Promise.resolve(i))`, at most 100 subscribed at once. Target: asCompleted no slower than mergeMap.',
  name: 'observables',
  make: (n) => makeObservables('defer', n),
  project: ['(o) => o.pipe(last())', (o) => o.pipe(last())],
  toPromise: ['(o) => lastValueFrom(o)', (o) => lastValueFrom(o)],
};

export function asCompletedScenario<I extends TaskInput<number>>(
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
    ],
  });
}

export default asCompletedScenario(
  FACTORIES,
  100_000,
  10_000,
  2_000,
  'mergeMap takes several seconds at this size (quadratic): the time budget per run cuts it off, and the table shows how far it got.',
);
