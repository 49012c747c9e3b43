/**
 * What a benchmark scenario is. A scenario is a file in `bench/scenarios/` whose
 * default export is `defineScenario({...})`: a few contenders doing the same work,
 * each of which `bench/run.ts` runs in a fresh child process, several times, in
 * alternating order.
 *
 * A contender's `prepare` runs first and is not measured (load modules, build
 * fixtures, start servers); the child then collects garbage, takes the RSS baseline,
 * and measures `run` alone: wall time, peak RSS, and the peak's growth over the
 * baseline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Handed to the contender by the child process that runs it. */
export interface Probe {
  /**
   * Call as the work progresses (once per item is fine: it is cheap). Every 1024 calls
   * it samples memory; every 64 it checks the clock, and if the run is over its time
   * budget it ends the process with a partial result: a contender that grows
   * quadratically stops there instead of running for an hour. Work that runs entirely
   * in microtasks never lets a timer fire, so this is the only way to sample or stop
   * it while it runs.
   */
  tick(): void;
  /** Samples memory now (also done every 10 ms by a timer, when the event loop turns). */
  sample(): void;
}

export interface Prepared {
  /**
   * The measured work. Resolves to a check value: every contender must produce the
   * same. A contender whose work runs in another program that times itself (wrk, a
   * Python script) resolves to `timed(ms, check)` instead: that time is its result.
   */
  run(): Promise<unknown>;
  /**
   * Not measured: a warm-up run after the memory baseline is taken, right before `run`.
   * A warm-up in `prepare` is undone by the baseline's two forced full GCs, taken when no
   * request object is alive: the next run's optimized code deoptimizes with "wrong map"
   * all over (`--trace-deopt`; most likely the GCs free the hidden classes only those
   * objects had), and a 10,000-request fan-out measured 30 to 50% slower after them, raw
   * undici and the session alike. Its memory counts in the run's growth.
   */
  warm?(): Promise<void>;
  /** Not measured: release what `prepare` set up. */
  teardown?(): Promise<void> | void;
}

export interface Contender<P> {
  /** Shown in the table; also how the child process finds the contender. */
  readonly name: string;
  /** The contender the others are compared with (`× ref`). Exactly one per scenario. */
  readonly reference?: boolean;
  /** One line for the results: what this contender is and why it is here. */
  readonly note?: string;
  /** Goals checked after the runs; the table says met or missed. */
  readonly target?: {
    /** The highest peak RSS growth over the baseline, in MB, of any measured run. */
    readonly rssGrowthMb?: number;
  };
  prepare(params: P, probe: Probe): Promise<Prepared> | Prepared;
}

export interface Scenario<P> {
  /** A one-line title, e.g. `a generator of 1,000,000 inputs, concurrency 8`. */
  readonly title: string;
  /** A paragraph for RESULTS.md: what is compared, and what to look for. */
  readonly description: string;
  /** Parameters for a full run, and smaller ones for `BENCH_QUICK=1`. */
  readonly params: { readonly full: P; readonly quick: P };
  /** The check value every contender's run must resolve to, if it can be computed up front. */
  readonly expected?: (params: P) => unknown;
  /** How many `probe.tick()` calls a finished run makes, to show how far an over-budget run got. */
  readonly ticks?: (params: P) => number;
  /** Time budget per run in ms (overridden by `BENCH_BUDGET_MS`). Default 30 s, 10 s when quick. */
  readonly budgetMs?: { readonly full?: number; readonly quick?: number };
  /** Extra `node` flags for the child processes, e.g. `--max-old-space-size=4096`. */
  readonly nodeArgs?: readonly string[];
  /**
   * Runs once in the runner before the first run (start a server, install a tool); its
   * `note` is added to the results; its `teardown` runs after the last run. It may set
   * `process.env` for the child processes.
   */
  setup?(params: P, quick: boolean): Promise<ScenarioSetup | void> | ScenarioSetup | void;
  /**
   * Work items per run (e.g. requests): the table gains a throughput column
   * (`count / median time`) and `× ref` becomes a throughput ratio (higher is faster).
   */
  readonly throughput?: { readonly unit: string; count(params: P): number };
  /**
   * Goals between two contenders: `contender`'s throughput (or speed) at least
   * `atLeast` times `over`'s, from the medians of the same invocation; each is listed
   * as met or missed (a missing contender: not measured).
   */
  readonly ratioTargets?: readonly RatioTarget[];
  /**
   * Figures other than time that each run reports (`timed(..., metrics)`), by name, with
   * their unit: the table gains a column of each one's median.
   */
  readonly metrics?: readonly { readonly name: string; readonly unit: string }[];
  readonly contenders: readonly Contender<P>[];
}

/**
 * Thrown by a contender's `prepare` when it cannot run on this machine (a tool that is
 * not installed, ...): the contender is reported as skipped, with `reason`, and is not
 * run again; it is not a failure.
 */
export class Skip extends Error {
  override readonly name = 'Skip';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** What `run()` resolves to when the work timed itself (see {@link timed}). */
export interface Timed {
  readonly timedBy: 'contender';
  /** The time the work took, in ms. */
  readonly ms: number;
  readonly check: unknown;
  /** The peak RSS of the program that did the work, in bytes, if known (else the child's is shown). */
  readonly peakRss?: number;
  /** The CPU time (user + system) that program spent on the work, in ms, if known. */
  readonly cpuMs?: number;
  /** Other figures of the run, by name (see `Scenario.metrics`): a latency percentile, say. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** A run's result measured by the contender itself (another program's own timing). */
export function timed(ms: number, check: unknown, peakRss?: number, cpuMs?: number, metrics?: Readonly<Record<string, number>>): Timed {
  return {
    timedBy: 'contender',
    ms,
    check,
    ...(peakRss === undefined ? {} : { peakRss }),
    ...(cpuMs === undefined ? {} : { cpuMs }),
    ...(metrics === undefined ? {} : { metrics }),
  };
}

export function isTimed(value: unknown): value is Timed {
  return typeof value === 'object' && value !== null && (value as { timedBy?: unknown }).timedBy === 'contender';
}

export interface ScenarioSetup {
  /** One line for the results (what server was used, what was installed, ...). */
  readonly note?: string;
  teardown?(): Promise<void> | void;
}

export interface RatioTarget {
  readonly contender: string;
  readonly over: string;
  readonly atLeast: number;
}

/** Identity, for type inference: `export default defineScenario({ ... })`. */
export function defineScenario<P>(scenario: Scenario<P>): Scenario<P> {
  const references = scenario.contenders.filter((c) => c.reference).length;
  if (references !== 1) throw new Error(`defineScenario: exactly one contender must be the reference, got ${references}`);
  const names = new Set(scenario.contenders.map((c) => c.name));
  if (names.size !== scenario.contenders.length) throw new Error('defineScenario: contender names must be unique');
  return scenario;
}

/**
 * Scenarios that differ only in their parameters (sizes, the kind of input), in one file:
 * its default export is `defineVariants({ 'gather-factories-1e4': ..., 'gather-factories-1e5': ... })`,
 * and each variant is run, reported and named in RESULTS.md and the targets as a
 * scenario of its own.
 */
export interface ScenarioVariants {
  readonly variants: Readonly<Record<string, Scenario<unknown>>>;
}

/** The variants of one file (see {@link ScenarioVariants}), all with parameters of one type. */
export function defineVariants<P>(variants: Readonly<Record<string, Scenario<P>>>): ScenarioVariants {
  if (Object.keys(variants).length === 0) throw new Error('defineVariants: give at least one scenario');
  // Each scenario only ever receives its own params back (the runner reads them from it).
  return { variants: variants as unknown as Readonly<Record<string, Scenario<unknown>>> };
}

/**
 * The scenarios of a file (a path), by name, checked: its one scenario under the file's
 * name (`http-fanout.ts` is `http-fanout`), or its variants under theirs.
 */
export function loadScenarios(file: string): Map<string, Scenario<unknown>> {
  const mod = require(file) as { default?: Scenario<unknown> | ScenarioVariants };
  const exported = mod.default;
  if (exported !== undefined && 'variants' in exported) return new Map(Object.entries(exported.variants));
  if (exported === undefined || !Array.isArray(exported.contenders)) {
    throw new Error(`${file}: the default export must be defineScenario({ ... }) or defineVariants({ ... })`);
  }
  return new Map([[path.basename(file).replace(/\.[jt]s$/, ''), exported]]);
}

/** The scenario `name` of a file (see {@link loadScenarios}). */
export function loadScenario(file: string, name: string): Scenario<unknown> {
  const scenario = loadScenarios(file).get(name);
  if (scenario === undefined) throw new Error(`${file}: no scenario named ${JSON.stringify(name)}`);
  return scenario;
}

/** Every scenario of the files in `dir` (bench/scenarios/), by name, with the file it is in; names sorted. */
export function discoverScenarios(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const file = path.join(dir, entry);
    for (const name of loadScenarios(file).keys()) {
      const other = found.get(name);
      if (other !== undefined) throw new Error(`bench: the scenario ${JSON.stringify(name)} is in both ${other} and ${file}`);
      found.set(name, file);
    }
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What the child process reports for one run, as JSON in the result file. */
export type RunReport =
  | {
      readonly status: 'done' | 'over-budget';
      /** Wall time of `run()` in ms (the budget, when over it). */
      readonly ms: number;
      /** RSS after `prepare` and a full GC, in bytes. */
      readonly baselineRss: number;
      /** Highest RSS seen during the run, in bytes. */
      readonly peakRss: number;
      /** Highest `heapUsed` sampled during the run, in bytes. */
      readonly peakHeap: number;
      /** `probe.tick()` calls made. */
      readonly ticks: number;
      /** `run()`'s check value (`done` only). */
      readonly check?: unknown;
      /** CPU time (user + system) of the run in ms, when known: the child's own, or what a self-timed contender reported. */
      readonly cpuMs?: number;
      /** The run's other figures (`timed(..., metrics)`). */
      readonly metrics?: Readonly<Record<string, number>>;
    }
  | { readonly status: 'error'; readonly error: string }
  | { readonly status: 'skipped'; readonly reason: string };
