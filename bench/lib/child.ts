/**
 * One measured run, in a fresh process: `bench/run.ts` starts
 *
 *   node --expose-gc .bench-build/bench/lib/child.js <scenario file> <scenario> <contender> <full|quick> <result file> <budget ms>
 *
 * and reads the JSON `RunReport` this writes to the result file. The file is written
 * synchronously, so a run cut off by its budget (from inside a microtask chain that
 * never yields) can still report before the process exits.
 */
import { writeFileSync } from 'node:fs';
import { Skip, isTimed, loadScenario } from './scenario';
import type { Probe, RunReport } from './scenario';

const [scenarioFile, scenarioName, contenderName, mode, resultFile, budgetArg] = process.argv.slice(2);

function report(result: RunReport, code: number): never {
  writeFileSync(resultFile!, JSON.stringify(result));
  process.exit(code);
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Peak memory seen by sampling during the run. */
let peakRss = 0;
let peakHeap = 0;
let ticks = 0;
let started = 0;
let baselineRss = 0;
/** The process's maxRSS (bytes) before the run: start-up may have peaked higher than the run will. */
let maxRssBefore = 0;
const budgetMs = Number(budgetArg);

function sample(): void {
  const { rss, heapUsed } = process.memoryUsage();
  if (rss > peakRss) peakRss = rss;
  if (heapUsed > peakHeap) peakHeap = heapUsed;
}

/** The run's peak RSS: the kernel's maxRSS if the run raised it, else the highest sample. */
function runPeakRss(): number {
  sample();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return maxRss > maxRssBefore ? Math.max(maxRss, peakRss) : peakRss;
}

const probe: Probe = {
  tick() {
    ticks++;
    if ((ticks & 63) !== 0) return;
    if ((ticks & 1023) === 0) sample();
    const ms = performance.now() - started;
    if (ms > budgetMs) {
      report({ status: 'over-budget', ms, baselineRss, peakRss: runPeakRss(), peakHeap, ticks }, 0);
    }
  },
  sample,
};

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('bench child: run node with --expose-gc');
  const scenario = loadScenario(scenarioFile!, scenarioName!);
  const contender = scenario.contenders.find((c) => c.name === contenderName);
  if (contender === undefined) throw new Error(`bench child: no contender named ${JSON.stringify(contenderName)}`);
  const params = mode === 'quick' ? scenario.params.quick : scenario.params.full;
  let prepared: Awaited<ReturnType<typeof contender.prepare>>;
  try {
    prepared = await contender.prepare(params, probe);
  } catch (err) {
    if (err instanceof Skip) report({ status: 'skipped', reason: err.reason }, 0);
    throw err;
  }

  gc();
  gc();
  baselineRss = process.memoryUsage().rss;
  await prepared.warm?.();
  maxRssBefore = process.resourceUsage().maxRSS * 1024;
  peakRss = baselineRss;
  peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(sample, 10);
  started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await prepared.run();
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);
  const own = runPeakRss();
  await prepared.teardown?.();
  if (isTimed(result)) {
    // The work ran in another program, which timed itself (and may know its own memory).
    const peakRss = result.peakRss ?? own;
    const baseline = result.peakRss === undefined ? baselineRss : 0;
    report(
      { status: 'done', ms: result.ms, baselineRss: baseline, peakRss, peakHeap, ticks, check: result.check, cpuMs: result.cpuMs, metrics: result.metrics },
      0,
    );
  }
  report({ status: 'done', ms: wall, baselineRss, peakRss: own, peakHeap, ticks, check: result, cpuMs }, 0);
}

main().catch((err: unknown) => {
  report({ status: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1);
});
