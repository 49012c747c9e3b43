/**
 * The targets of the performance issue, each a ratio of two medians (or a memory bound)
 * taken from the scenario tables of one `npm run bench`. The runner evaluates them
 * after a run that measured every scenario they name, and writes the result both to
 * bench/RESULTS.md and to the README's performance section, so neither is copied by
 * hand nor mixes figures from different runs.
 */
import { formatMb, formatMs, formatRatio, table } from './lib/stats';
import type { Summary } from './lib/stats';

/** One contender of one scenario: `[scenario, contender]`. */
type Ref = readonly [scenario: string, contender: string];

export type Target =
  /** `a`'s median time at most `atMost` times `b`'s. */
  | { readonly kind: 'time'; readonly what: string; readonly a: Ref; readonly b: Ref; readonly atMost: number }
  /** `a`'s throughput at least `atLeast` times `b`'s (time ratio b/a). */
  | { readonly kind: 'throughput'; readonly what: string; readonly a: Ref; readonly b: Ref; readonly atLeast: number }
  /** `a`'s RSS growth in every run at most `mb` MB over its baseline. */
  | { readonly kind: 'rss'; readonly what: string; readonly a: Ref; readonly mb: number }
  /** The median of `a`'s metric `metric` (a figure its runs report, in `unit`) at most `atMost`. */
  | { readonly kind: 'metric'; readonly what: string; readonly a: Ref; readonly metric: string; readonly unit: string; readonly atMost: number };

export const TARGETS: readonly Target[] = [
  {
    kind: 'time',
    what: 'gather vs p-map, 100,000 promise factories (concurrency unlimited)',
    a: ['gather-factories-1e5', 'gather'],
    b: ['gather-factories-1e5', 'p-map'],
    atMost: 1.5,
  },
  {
    kind: 'time',
    what: 'gather vs p-map, 100,000 promise factories, both at concurrency 100',
    a: ['gather-factories-1e5', 'gather c=100'],
    b: ['gather-factories-1e5', 'p-map c=100'],
    atMost: 1.5,
  },
  {
    kind: 'time',
    what: 'asCompleted vs p-map, 100,000 promise factories, both at concurrency 100',
    a: ['as-completed-1e5', 'asCompleted'],
    b: ['as-completed-1e5', 'p-map c=100'],
    atMost: 1.5,
  },
  { kind: 'time', what: 'gather vs mergeMap, 100,000 `of(i)`', a: ['gather-observables-of', 'gather'], b: ['gather-observables-of', 'mergeMap'], atMost: 1 },
  {
    kind: 'time',
    what: 'gather vs mergeMap, 100,000 `defer(() => Promise.resolve(i))`',
    a: ['gather-observables-defer', 'gather'],
    b: ['gather-observables-defer', 'mergeMap'],
    atMost: 1,
  },
  {
    kind: 'time',
    what: 'asCompleted vs mergeMap, 100,000 promise factories, both at concurrency 100',
    a: ['as-completed-1e5', 'asCompleted'],
    b: ['as-completed-1e5', 'mergeMap'],
    atMost: 1,
  },
  {
    kind: 'time',
    what: 'asCompleted vs mergeMap, 100,000 `defer(() => Promise.resolve(i))`, both at concurrency 100',
    a: ['as-completed-observables', 'asCompleted'],
    b: ['as-completed-observables', 'mergeMap'],
    atMost: 1,
  },
  {
    kind: 'time',
    what: 'gather, 1,000,000 vs 100,000 promise factories (linear: ≤ 12×)',
    a: ['gather-factories-1e6', 'gather'],
    b: ['gather-factories-1e5', 'gather'],
    atMost: 12,
  },
  {
    kind: 'time',
    what: 'asCompleted at concurrency 100, 1,000,000 vs 100,000 promise factories (linear: ≤ 12×)',
    a: ['as-completed-1e6', 'asCompleted'],
    b: ['as-completed-1e5', 'asCompleted'],
    atMost: 12,
  },
  {
    kind: 'time',
    what: 'gather, 1,000,000 vs 100,000 `defer(() => Promise.resolve(i))` (linear: ≤ 12×)',
    a: ['gather-observables-defer-1e6', 'gather'],
    b: ['gather-observables-defer', 'gather'],
    atMost: 12,
  },
  { kind: 'rss', what: 'asCompleted over a generator of 1,000,000 inputs, concurrency 100', a: ['generator-concurrency-100', 'asCompleted'], mb: 50 },
  {
    kind: 'time',
    what: 'Semaphore(100) vs p-limit(100), 100,000 jobs',
    a: ['semaphore-vs-p-limit', 'Semaphore(100)'],
    b: ['semaphore-vs-p-limit', 'p-limit(100)'],
    atMost: 1,
  },
  {
    kind: 'throughput',
    what: 'Queue drained by 100 workers vs p-queue(100), 100,000 async jobs',
    a: ['queue-vs-p-queue', 'Queue, 100 workers'],
    b: ['queue-vs-p-queue', 'p-queue(100)'],
    atLeast: 1,
  },
  {
    kind: 'time',
    what: 'taskGroup vs gather, 100,000 promise factories',
    a: ['task-group-1e5', 'taskGroup'],
    b: ['task-group-1e5', 'gather'],
    atMost: 1.5,
  },
  {
    kind: 'throughput',
    what: 'HTTP: session on axios vs raw axios',
    a: ['http-fanout', 'session+axios'],
    b: ['http-fanout', 'raw axios'],
    atLeast: 0.9,
  },
  { kind: 'throughput', what: 'HTTP: session on axios vs aiohttp', a: ['http-fanout', 'session+axios'], b: ['http-fanout', 'aiohttp'], atLeast: 1 },
  {
    kind: 'throughput',
    what: 'HTTP: session on undici vs the raw undici it wraps',
    a: ['http-fanout', 'session+undici'],
    b: ['http-fanout', 'raw undici'],
    atLeast: 0.9,
  },
  { kind: 'throughput', what: 'HTTP: session on undici vs aiohttp', a: ['http-fanout', 'session+undici'], b: ['http-fanout', 'aiohttp'], atLeast: 3 },
  {
    kind: 'throughput',
    what: "HTTP: session.stream() on undici vs undici's raw body stream, one 1 GiB body",
    a: ['http-stream', 'session+undici'],
    b: ['http-stream', 'raw undici body'],
    atLeast: 0.9,
  },
  {
    kind: 'throughput',
    what: 'HTTP in headless Chromium: the session over fetch vs fetch, the same fan-out',
    a: ['browser-fanout', 'session (fetch)'],
    b: ['browser-fanout', 'fetch'],
    atLeast: 0.9,
  },
  {
    kind: 'throughput',
    what: "Redis: RedisSemaphore's acquisitions per second vs Bottleneck's Redis clustering",
    a: ['redis-semaphore', 'RedisSemaphore'],
    b: ['redis-semaphore', 'Bottleneck (ioredis)'],
    atLeast: 1,
  },
  {
    kind: 'metric',
    what: 'Redis: RedisSemaphore, from a release to the next start, on loopback',
    a: ['redis-semaphore', 'RedisSemaphore'],
    metric: 'release→start p50',
    unit: 'ms',
    atMost: 2,
  },
];

/** The scenarios the targets read. */
export function targetScenarios(targets: readonly Target[] = TARGETS): string[] {
  return [...new Set(targets.flatMap((t) => (t.kind === 'rss' || t.kind === 'metric' ? [t.a[0]] : [t.a[0], t.b[0]])))].sort();
}

/** What one scenario of the run measured: its contenders' summaries and its time budget. */
export interface Measured {
  readonly summaries: ReadonlyMap<string, Summary>;
  readonly budgetMs: number;
}

export interface Evaluated {
  readonly what: string;
  readonly goal: string;
  /** The two medians, or the memory figure. */
  readonly figures: string;
  readonly ratio: string;
  readonly result: 'met' | 'MISSED' | 'not measured';
}

/** The median time of the finished runs, or the budget (a lower bound) when every run was cut off by it. */
function medianOrBudget(summary: Summary, budgetMs: number): { ms: number; bound: 'exact' | 'over' } | undefined {
  if (summary.done > 0) return { ms: summary.msMedian, bound: 'exact' };
  if (summary.overBudget > 0) return { ms: budgetMs, bound: 'over' };
  return undefined;
}

function evaluate(target: Target, run: ReadonlyMap<string, Measured>): Evaluated {
  const find = ([scenario, contender]: Ref): { summary: Summary; budgetMs: number } | undefined => {
    const measured = run.get(scenario);
    const summary = measured?.summaries.get(contender);
    return measured && summary ? { summary, budgetMs: measured.budgetMs } : undefined;
  };
  const a = find(target.a);
  if (target.kind === 'rss') {
    const goal = `peak RSS ≤ baseline + ${target.mb} MB in every run`;
    if (a === undefined || !Number.isFinite(a.summary.growthMax)) return { what: target.what, goal, figures: '–', ratio: '–', result: 'not measured' };
    const max = a.summary.growthMax;
    return {
      what: target.what,
      goal,
      figures: `+${formatMb(a.summary.growthMedian)} median`,
      ratio: `+${formatMb(max)} at most`,
      result: max <= target.mb * 1_048_576 ? 'met' : 'MISSED',
    };
  }
  if (target.kind === 'metric') {
    const goal = `${target.metric} ≤ ${target.atMost} ${target.unit} (median)`;
    const value = a?.summary.metricMedians[target.metric];
    if (value === undefined || !Number.isFinite(value)) return { what: target.what, goal, figures: '–', ratio: '–', result: 'not measured' };
    return {
      what: target.what,
      goal,
      figures: `${Number(value.toPrecision(3))} ${target.unit}`,
      ratio: `${formatRatio(value / target.atMost)} of the bound`,
      result: value <= target.atMost ? 'met' : 'MISSED',
    };
  }
  const b = find(target.b);
  const goal = target.kind === 'time' ? `time ≤ ${target.atMost}× ${target.b[1]}` : `throughput ≥ ${target.atLeast}× ${target.b[1]}`;
  const am = a && medianOrBudget(a.summary, a.budgetMs);
  const bm = b && medianOrBudget(b.summary, b.budgetMs);
  if (am === undefined || bm === undefined || (am.bound === 'over' && bm.bound === 'over')) {
    return { what: target.what, goal, figures: '–', ratio: '–', result: 'not measured' };
  }
  const show = (m: { ms: number; bound: string }): string => (m.bound === 'over' ? `> ${formatMs(m.ms)}` : formatMs(m.ms));
  const figures = `${show(am)} / ${show(bm)}`;
  // Time ratio a/b. An over-budget `a` makes it a lower bound, an over-budget `b` an upper bound.
  const timeRatio = am.ms / bm.ms;
  if (target.kind === 'time') {
    const ratio = `${am.bound === 'over' ? '> ' : bm.bound === 'over' ? '< ' : ''}${formatRatio(timeRatio)}`;
    return { what: target.what, goal, figures, ratio, result: timeRatio <= target.atMost && am.bound === 'exact' ? 'met' : 'MISSED' };
  }
  const throughput = 1 / timeRatio;
  const ratio = `${am.bound === 'over' ? '< ' : bm.bound === 'over' ? '> ' : ''}${formatRatio(throughput)}`;
  return { what: target.what, goal, figures, ratio, result: throughput >= target.atLeast && am.bound === 'exact' ? 'met' : 'MISSED' };
}

export function evaluateTargets(run: ReadonlyMap<string, Measured>, targets: readonly Target[] = TARGETS): Evaluated[] {
  return targets.map((target) => evaluate(target, run));
}

/** The evaluated targets as a markdown table. */
export function targetsTable(evaluated: readonly Evaluated[]): string {
  return table(
    ['target', 'goal', 'medians', 'ratio', 'result'],
    evaluated.map((e) => [e.what, e.goal, e.figures, e.ratio, e.result]),
  );
}
