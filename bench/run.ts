/**
 * The benchmark runner: `npm run bench`.
 *
 *   npx tsx bench/run.ts                     every scenario in bench/scenarios/
 *   npx tsx bench/run.ts generator-memory    only the named ones
 *   BENCH_QUICK=1 npx tsx bench/run.ts       a smoke run: small parameters, 2 runs, no warm-up (npm run bench:quick)
 *
 * Each scenario (see bench/lib/scenario.ts) has contenders doing the same work. Every
 * run of every contender is a fresh child process (bench/lib/child.ts), so one
 * contender's heap, JIT state or leaked handles cannot colour another's figures. A
 * warm-up round runs first and is discarded; then each measured round runs every
 * contender once, the order rotated from round to round.
 *
 * Prints a table per scenario and writes it to bench/RESULTS.md, replacing that
 * scenario's section and keeping the others (quick runs are printed only). After a run
 * of every scenario the targets read, it evaluates them: printed, and written to
 * RESULTS.md's targets section, which `npm run bench:readme` copies into the README.
 *
 * The children run lib/ and bench/ compiled to .bench-build/ (lib/compile.ts says why).
 *
 * Environment: BENCH_QUICK=1; BENCH_TSX=1 (children run the TypeScript sources under
 * tsx); BENCH_RUNS (measured rounds, default 5, 2 when quick); BENCH_WARMUP (warm-up rounds, default 1, 0 when quick); BENCH_BUDGET_MS (time budget
 * per run, overriding the scenario's); BENCH_WRITE=1 (write RESULTS.md even when quick).
 *
 * Exits non-zero if a run crashed or a contender's result differed from the expected
 * one. A contender over its time budget, skipped for want of a tool, or missing a
 * target, is a finding, not a failure: so `npm run bench:quick` in CI fails only when
 * a contender errs, never on noise.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileForBench } from './lib/compile';
import { discoverScenarios, loadScenario } from './lib/scenario';
import type { Contender, RatioTarget, RunReport, Scenario } from './lib/scenario';
import { replaceBlock } from './lib/blocks';
import { formatMb, formatMs, formatRatio, summarise, table } from './lib/stats';
import type { Summary } from './lib/stats';
import { evaluateTargets, targetScenarios, targetsTable } from './targets';
import type { Measured } from './targets';

const ROOT = path.resolve(__dirname, '..');
const SCENARIO_DIR = path.join(__dirname, 'scenarios');
const CHILD = path.join(__dirname, 'lib', 'child.ts');
const RESULTS = path.join(__dirname, 'RESULTS.md');
const BUILD = path.join(ROOT, '.bench-build');

interface Config {
  readonly quick: boolean;
  readonly runs: number;
  readonly warmups: number;
  readonly budgetOverride: number | undefined;
  readonly write: boolean;
  /** Run the children under tsx (the TypeScript sources) instead of compiled (see lib/compile.ts). */
  readonly tsx: boolean;
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`bench: ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function readConfig(): Config {
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const budget = process.env.BENCH_BUDGET_MS;
  return {
    quick,
    runs: intFromEnv('BENCH_RUNS', quick ? 2 : 5, 1),
    warmups: intFromEnv('BENCH_WARMUP', quick ? 0 : 1, 0),
    budgetOverride: budget === undefined || budget === '' ? undefined : intFromEnv('BENCH_BUDGET_MS', 0, 1),
    write: !quick || process.env.BENCH_WRITE === '1',
    tsx: process.env.BENCH_TSX === '1',
  };
}

let runCounter = 0;

/** How a child process is started: the child script, the node flags it needs, and the scenario file it loads. */
interface Launch {
  readonly loader: readonly string[];
  readonly child: string;
  readonly scenarioFile: (source: string) => string;
}

/** Compiled JavaScript by default (what users run); the TypeScript sources under tsx with BENCH_TSX=1. */
function launcher(config: Config): Launch {
  if (config.tsx) return { loader: ['--import', 'tsx'], child: CHILD, scenarioFile: (source) => source };
  const compiled = compileForBench(ROOT, BUILD);
  return { loader: [], child: compiled(CHILD), scenarioFile: compiled };
}

/** One run of one contender in a fresh `node` process. */
function runOnce(
  launch: Launch,
  file: string,
  name: string,
  scenario: Scenario<unknown>,
  contender: string,
  mode: string,
  budgetMs: number,
): Promise<RunReport> {
  const resultFile = path.join(os.tmpdir(), `rxjs-asyncio-bench-${process.pid}-${runCounter++}.json`);
  const args = [
    ...launch.loader,
    '--expose-gc',
    ...(scenario.nodeArgs ?? []),
    launch.child,
    launch.scenarioFile(file),
    name,
    contender,
    mode,
    resultFile,
    String(budgetMs),
  ];
  return new Promise<RunReport>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      if (output.length < 20_000) output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The budget is enforced inside the child; this only catches a child that hangs.
    const killer = setTimeout(() => child.kill('SIGKILL'), budgetMs * 2 + 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      let report: RunReport;
      try {
        report = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RunReport;
        fs.rmSync(resultFile, { force: true });
      } catch {
        const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
        report = { status: 'error', error: `the child process ${why} without a report${output ? `:\n${output}` : ''}` };
      }
      resolve(report);
    });
  });
}

/** The contenders in round `round`'s order: rotated by one each round. */
function rotation<T>(items: readonly T[], round: number): T[] {
  const k = ((round % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function describeRun(report: RunReport): string {
  if (report.status === 'error') return `ERROR ${report.error.split('\n')[0]}`;
  if (report.status === 'skipped') return `skipped: ${report.reason}`;
  const growth = Math.max(0, report.peakRss - report.baselineRss);
  const time = report.status === 'over-budget' ? `over budget at ${formatMs(report.ms)}` : formatMs(report.ms);
  return `${time}, peak RSS ${formatMb(report.peakRss)} (+${formatMb(growth)})`;
}

function sameCheck(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Outcome {
  readonly markdown: string;
  readonly ok: boolean;
  readonly measured: Measured;
}

async function benchScenario(name: string, file: string, config: Config, launch: Launch): Promise<Outcome> {
  const scenario = loadScenario(file, name);
  const mode = config.quick ? 'quick' : 'full';
  const params = config.quick ? scenario.params.quick : scenario.params.full;
  const budgetMs = config.budgetOverride ?? (config.quick ? (scenario.budgetMs?.quick ?? 10_000) : (scenario.budgetMs?.full ?? 30_000));
  const contenders = scenario.contenders;
  const reference = contenders.find((c) => c.reference)!;

  console.log(`\n## ${name}: ${scenario.title}${config.quick ? ' (quick)' : ''}`);
  console.log(`params ${JSON.stringify(params)}; ${config.runs} runs after ${config.warmups} warm-up round(s); budget ${formatMs(budgetMs)} per run`);

  const setup = (await scenario.setup?.(params, config.quick)) ?? undefined;
  if (setup?.note) console.log(setup.note);
  const reports = new Map<string, RunReport[]>(contenders.map((c) => [c.name, []]));
  // A contender that cannot run here says so once; it is not run again.
  const skipped = new Map<string, RunReport>();
  try {
    for (let round = -config.warmups; round < config.runs; round++) {
      const label = round < 0 ? 'warm-up' : `run ${round + 1}/${config.runs}`;
      for (const contender of rotation(contenders, round + config.warmups)) {
        const report = skipped.get(contender.name) ?? (await runOnce(launch, file, name, scenario, contender.name, mode, budgetMs));
        if (report.status === 'skipped') {
          if (!skipped.has(contender.name)) console.log(`  ${label.padEnd(9)} ${contender.name.padEnd(16)} ${describeRun(report)}`);
          skipped.set(contender.name, report);
        } else {
          console.log(`  ${label.padEnd(9)} ${contender.name.padEnd(16)} ${describeRun(report)}`);
        }
        if (round >= 0) reports.get(contender.name)!.push(report);
      }
    }
  } finally {
    await setup?.teardown?.();
  }

  // Results must agree: with the expected value if the scenario gives one, else with the reference's.
  const expected = scenario.expected?.(params);
  const referenceCheck = reports.get(reference.name)!.find((r) => r.status === 'done');
  const wrong = new Set<string>();
  for (const contender of contenders) {
    for (const report of reports.get(contender.name)!) {
      if (report.status !== 'done') continue;
      const want = scenario.expected ? expected : referenceCheck?.status === 'done' ? referenceCheck.check : report.check;
      if (!sameCheck(report.check, want)) wrong.add(contender.name);
    }
  }

  const ticks = scenario.ticks?.(params);
  const summaries = new Map<string, Summary>(contenders.map((c) => [c.name, summarise(reports.get(c.name)!, ticks)]));
  const ref = summaries.get(reference.name)!;
  const perSecond = scenario.throughput === undefined ? undefined : { unit: scenario.throughput.unit, count: scenario.throughput.count(params) };
  const metrics = scenario.metrics ?? [];
  const rows = contenders.map((contender) => {
    const summary = summaries.get(contender.name)!;
    const cells = row(contender, summary, ref, budgetMs, wrong.has(contender.name), perSecond);
    // The metric columns go before the last two (runs, target).
    const figures = metrics.map(({ name }) => formatMetric(summary.metricMedians[name]));
    return [...cells.slice(0, -2), ...figures, ...cells.slice(-2)];
  });
  const metricHeaders = metrics.map(({ name, unit }) => `${name} (${unit}, median)`);
  const header = perSecond
    ? [
        'contender',
        `${perSecond.unit} (median)`,
        'time (median)',
        'min–max',
        `× ref (${perSecond.unit})`,
        'CPU µs per item (median)',
        'peak RSS',
        'RSS growth (median / max)',
        ...metricHeaders,
        'runs',
        'target',
      ]
    : ['contender', 'time (median)', 'min–max', '× ref', 'peak RSS', 'RSS growth (median / max)', ...metricHeaders, 'runs', 'target'];
  const rendered = table(header, rows);
  console.log('');
  console.log(rendered);
  const targets = ratioTargets(scenario.ratioTargets ?? [], summaries, perSecond !== undefined);
  if (targets !== undefined) {
    console.log('');
    console.log(targets);
  }

  const errors = [...reports.values()].flat().filter((r): r is Extract<RunReport, { status: 'error' }> => r.status === 'error');
  for (const error of errors.slice(0, 3)) console.error(`\nA run failed:\n${error.error}`);
  for (const name of wrong) console.error(`\n${name}: a run's result differs from the expected ${JSON.stringify(expected ?? referenceCheck)}`);

  const markdown = [
    `## ${name}: ${scenario.title}`,
    '',
    scenario.description,
    '',
    `Parameters \`${JSON.stringify(params)}\`${config.quick ? ' (quick smoke run: not meaningful)' : ''}. ` +
      `${config.runs} measured runs per contender after ${config.warmups} warm-up round(s), the order rotated each round, ` +
      `each run in a fresh process; time budget ${formatMs(budgetMs)} per run.`,
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${config.tsx ? 'the TypeScript sources run under tsx (BENCH_TSX=1)' : 'lib/ and bench/ compiled by esbuild as tsup compiles dist/ (see bench/lib/compile.ts)'}.`,
    ...(setup?.note ? [setup.note] : []),
    '',
    rendered,
    '',
    ...(targets === undefined ? [] : ['Targets (ratios of the medians above, from this one invocation):', '', targets, '']),
    ...contenders.map((c) => `- **${c.name}**${c.reference ? ' (reference)' : ''}: ${c.note ?? ''}`),
    '',
    "Memory: the baseline is the RSS after `prepare` and two full GCs; the peak is the kernel's maxRSS " +
      '(`process.resourceUsage()`) when the run raised it, else the highest sample (every 1024 results and every 10 ms); ' +
      'growth is peak − baseline. Over-budget runs count for memory (they peak before the cut) but not for time.',
  ].join('\n');
  return { markdown, ok: errors.length === 0 && wrong.size === 0, measured: { summaries, budgetMs } };
}

/** The ratio targets as a table: met, missed, or not measured. */
function ratioTargets(targets: readonly RatioTarget[], summaries: ReadonlyMap<string, Summary>, throughput: boolean): string | undefined {
  if (targets.length === 0) return undefined;
  const rows = targets.map((target) => {
    const a = summaries.get(target.contender);
    const b = summaries.get(target.over);
    const goal = `${target.contender} ≥ ${target.atLeast}× ${target.over}`;
    if (a === undefined || b === undefined) return [goal, '–', `unknown contender`];
    if (!(a.done > 0 && b.done > 0)) {
      const why = [a, b].map((s, i) => (s.done > 0 ? undefined : `${i === 0 ? target.contender : target.over} ${s.skipped ? 'skipped' : 'not measured'}`));
      return [goal, '–', `not measured (${why.filter(Boolean).join(', ')})`];
    }
    // Throughput ratio a/b = time ratio b/a.
    const ratio = b.msMedian / a.msMedian;
    return [goal, formatRatio(ratio), ratio >= target.atLeast ? 'met' : 'MISSED'];
  });
  return table(['target', throughput ? 'ratio (throughput)' : 'ratio (speed)', 'result'], rows);
}

function row(contender: Contender<unknown>, s: Summary, ref: Summary, budgetMs: number, wrong: boolean, perSecond?: { unit: string; count: number }): string[] {
  if (s.skipped > 0 && s.done === 0 && s.overBudget === 0 && s.errors === 0) {
    const cells = [contender.name, `skipped: ${s.skipReason ?? ''}`, '–', '–', '–', '–', '–', '–', `${s.skipped}/${s.runs} skipped`, ''];
    return perSecond ? cells : [...cells.slice(0, 2), ...cells.slice(4)];
  }
  const allOver = s.done === 0 && s.overBudget > 0;
  const time = allOver ? `> ${formatMs(budgetMs)}` : formatMs(s.msMedian);
  const range = s.done > 0 ? `${formatMs(s.msMin)}–${formatMs(s.msMax)}` : '–';
  const ratio = contender.reference
    ? '1.00×'
    : perSecond
      ? allOver
        ? formatRatio(ref.msMedian / budgetMs)
        : formatRatio(ref.msMedian / s.msMedian)
      : allOver
        ? formatRatio(budgetMs / ref.msMedian, true)
        : formatRatio(s.msMedian / ref.msMedian);
  let runs = `${s.done}/${s.runs} done`;
  if (s.overBudget > 0)
    runs += `, ${s.overBudget} over budget${s.progress === undefined ? '' : ` (at ${(s.progress * 100).toFixed(s.progress < 0.1 ? 1 : 0)}%)`}`;
  if (s.errors > 0) runs += `, ${s.errors} failed`;
  if (wrong) runs += ', WRONG RESULT';
  const goal = contender.target?.rssGrowthMb;
  const target = goal === undefined ? '' : `growth ≤ ${goal} MB: ${s.growthMax <= goal * 1_048_576 ? 'met' : 'missed'}`;
  const rate = perSecond && s.done > 0 ? `${formatRate(perSecond.count / (s.msMedian / 1000))}` : '–';
  const cpu = perSecond && Number.isFinite(s.cpuMsMedian) ? ((s.cpuMsMedian * 1000) / perSecond.count).toFixed(1) : '–';
  return [
    `${contender.name}${contender.reference ? ' (ref)' : ''}`,
    ...(perSecond ? [rate] : []),
    time,
    range,
    ratio,
    ...(perSecond ? [cpu] : []),
    formatMb(s.peakRssMedian),
    `+${formatMb(s.growthMedian)} / +${formatMb(s.growthMax)}`,
    runs,
    target,
  ];
}

/** A metric's median, to 3 significant figures, or – when no run reported it. */
function formatMetric(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : Number(value.toPrecision(3)).toString();
}

/** `38,200` (3 significant figures above 1,000). */
function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '–';
  const digits = Math.max(0, Math.floor(Math.log10(rate)) - 2);
  const rounded = Math.round(rate / 10 ** digits) * 10 ** digits;
  return rounded.toLocaleString('en-US');
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${model}`;
}

const PREAMBLE = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run.ts). Each section is replaced when its scenario runs again;',
  '`npm run bench -- <scenario>` runs one. Figures from one machine: compare rows within a table, not across machines.',
  '',
].join('\n');

/** Replaces (or appends) each scenario's section in RESULTS.md, and the targets summary when there is one. */
function writeResults(sections: ReadonlyMap<string, string>, targets: string | undefined): void {
  let text = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : PREAMBLE;
  if (targets !== undefined) text = replaceBlock(text, 'targets', targets);
  for (const [name, markdown] of sections) text = replaceBlock(text, `scenario:${name}`, markdown);
  fs.writeFileSync(RESULTS, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * The targets, once every scenario they read was measured in this invocation: the
 * section for RESULTS.md (whose body `npm run bench:readme` copies into the README).
 * Undefined after a partial run (the summary must not mix runs), with the scenarios
 * that are missing. A quick run evaluates them too, at its reduced sizes, for the
 * console only: its ratios are a smoke test, not figures.
 */
function targetsSummary(run: ReadonlyMap<string, Measured>, config: Config, took: string): { section: string } | { missing: string[] } {
  const missing = targetScenarios().filter((name) => !run.has(name));
  if (missing.length > 0) return { missing };
  const evaluated = evaluateTargets(run);
  const met = evaluated.filter((e) => e.result === 'met').length;
  const how = config.tsx ? 'the TypeScript sources under tsx' : 'compiled as dist/ is';
  const when = `${new Date().toISOString().slice(0, 10)} on ${machine()}, ${how}; ${config.runs} measured runs per contender, ${took} in all`;
  const what = config.quick ? '`npm run bench:quick` (reduced sizes: a smoke test, not figures)' : '`npm run bench`';
  return {
    section: [
      '## Targets',
      '',
      `${met} of ${evaluated.length} targets met by one ${what} (${when}):`,
      '',
      targetsTable(evaluated),
      '',
      'Ratios of the medians in the scenario tables of `bench/RESULTS.md`, all from that one invocation of the runner. ' +
        'Where a contender hit its time budget, its median is the budget and the ratio a bound.',
    ].join('\n'),
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const scenarios = discoverScenarios(SCENARIO_DIR);
  const available = [...scenarios.keys()];
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    console.error(`bench: unknown scenario ${unknown.join(', ')}; available: ${available.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = asked.length > 0 ? asked : available;
  console.log(`# bench: ${selected.join(', ')}${config.quick ? ' (quick)' : ''} on ${machine()}`);

  const startedAt = Date.now();
  const launch = launcher(config);
  const sections = new Map<string, string>();
  const run = new Map<string, Measured>();
  let ok = true;
  for (const name of selected) {
    const outcome = await benchScenario(name, scenarios.get(name)!, config, launch);
    sections.set(name, outcome.markdown);
    run.set(name, outcome.measured);
    ok &&= outcome.ok;
  }
  const minutes = (Date.now() - startedAt) / 60_000;
  const summary = targetsSummary(run, config, minutes < 1 ? `${Math.round(minutes * 60)} s` : `${minutes.toFixed(0)} min`);
  if ('missing' in summary) {
    console.log(`\nTargets summary not written: it needs ${summary.missing.join(', ')} from this same run.`);
  } else {
    console.log(`\n${summary.section}`);
  }
  if (config.write) {
    writeResults(sections, 'section' in summary && !config.quick ? summary.section : undefined);
    console.log(`\nWrote ${path.relative(ROOT, RESULTS)} (\`npm run bench:readme\` copies its targets into the README)`);
  } else {
    console.log('\nQuick run: bench/RESULTS.md left as it was (BENCH_WRITE=1 writes its scenario sections anyway).');
  }
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
