/**
 * The bench's targets summary (bench/targets.ts): the README's performance table is
 * written from it, so it must name real contenders and read bounds the right way round.
 */
import * as path from 'node:path';
import { discoverScenarios, loadScenario } from '../../bench/lib/scenario';
import type { RunReport } from '../../bench/lib/scenario';
import { summarise } from '../../bench/lib/stats';
import { TARGETS, evaluateTargets, targetScenarios } from '../../bench/targets';
import type { Measured, Target } from '../../bench/targets';

const SCENARIOS = path.resolve(__dirname, '../../bench/scenarios');
const MB = 1_048_576;

/** A finished run of `ms`, or a run cut off by its budget (`'over'`), with a given RSS growth. */
function runOf(ms: number | 'over', growthMb = 1): RunReport {
  const base = { baselineRss: 100 * MB, peakRss: (100 + growthMb) * MB, peakHeap: 0, ticks: 0 };
  return ms === 'over' ? { status: 'over-budget', ms: 1000, ...base } : { status: 'done', ms, check: null, ...base };
}

/** One scenario's measurements: each contender's runs. */
function measured(contenders: Record<string, readonly RunReport[]>, budgetMs = 1000): Measured {
  return { budgetMs, summaries: new Map(Object.entries(contenders).map(([name, runs]) => [name, summarise(runs, undefined)])) };
}

const time: Target = { kind: 'time', what: 'a vs b', a: ['s', 'a'], b: ['s', 'b'], atMost: 1.5 };
const throughput: Target = { kind: 'throughput', what: 'a vs b', a: ['s', 'a'], b: ['s', 'b'], atLeast: 2 };
const rss: Target = { kind: 'rss', what: 'a', a: ['s', 'a'], mb: 50 };

function evaluateOne(target: Target, contenders: Record<string, readonly RunReport[]>) {
  return evaluateTargets(new Map([['s', measured(contenders)]]), [target])[0]!;
}

describe('bench targets', () => {
  it.each(TARGETS.map((t) => [t.what, t] as const))('%s names a scenario and its contenders', (_what, target) => {
    const refs = target.kind === 'rss' || target.kind === 'metric' ? [target.a] : [target.a, target.b];
    for (const [scenario, contender] of refs) {
      const file = discoverScenarios(SCENARIOS).get(scenario);
      expect(file).toBeDefined();
      expect(loadScenario(file!, scenario).contenders.map((c) => c.name)).toContain(contender);
    }
  });

  it('lists each scenario it reads once', () => {
    const names = targetScenarios();
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('http-fanout');
  });

  it('compares medians of finished runs: a time ratio within the bound is met', () => {
    const result = evaluateOne(time, { a: [runOf(100), runOf(140), runOf(900)], b: [runOf(100), runOf(100), runOf(100)] });
    expect(result).toMatchObject({ figures: '140 ms / 100 ms', ratio: '1.40×', result: 'met' });
  });

  it('reports a time ratio over the bound as missed', () => {
    expect(evaluateOne(time, { a: [runOf(160)], b: [runOf(100)] })).toMatchObject({ ratio: '1.60×', result: 'MISSED' });
  });

  it('reads a throughput target as the inverse time ratio', () => {
    expect(evaluateOne(throughput, { a: [runOf(100)], b: [runOf(250)] })).toMatchObject({ ratio: '2.50×', result: 'met' });
    expect(evaluateOne(throughput, { a: [runOf(100)], b: [runOf(150)] })).toMatchObject({ ratio: '1.50×', result: 'MISSED' });
  });

  it('takes the budget as a bound when the other contender was cut off by it', () => {
    expect(evaluateOne(time, { a: [runOf(100)], b: [runOf('over')] })).toMatchObject({ figures: '100 ms / > 1.00 s', ratio: '< 0.10×', result: 'met' });
  });

  it('never counts a contender cut off by its budget as meeting its target', () => {
    expect(evaluateOne(time, { a: [runOf('over')], b: [runOf(900)] })).toMatchObject({ ratio: '> 1.11×', result: 'MISSED' });
    expect(evaluateOne(throughput, { a: [runOf('over')], b: [runOf(100)] })).toMatchObject({ result: 'MISSED' });
  });

  it('says "not measured" when both were cut off, or a scenario did not run', () => {
    expect(evaluateOne(time, { a: [runOf('over')], b: [runOf('over')] }).result).toBe('not measured');
    expect(evaluateTargets(new Map(), [time])[0]!.result).toBe('not measured');
  });

  it('holds a memory bound against the worst run, not the median', () => {
    expect(evaluateOne(rss, { a: [runOf(1, 10), runOf(1, 12), runOf(1, 49)] })).toMatchObject({ ratio: '+49 MB at most', result: 'met' });
    expect(evaluateOne(rss, { a: [runOf(1, 10), runOf(1, 12), runOf(1, 51)] })).toMatchObject({ result: 'MISSED' });
  });
});
