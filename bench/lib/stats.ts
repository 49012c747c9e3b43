/** Summaries of repeated runs: medians and ranges, and how to print them. */
import type { RunReport } from './scenario';

export type Finished = Extract<RunReport, { status: 'done' | 'over-budget' }>;

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One contender's measured runs, summarised. */
export interface Summary {
  readonly runs: number;
  /** Runs that finished within the budget. */
  readonly done: number;
  readonly overBudget: number;
  readonly errors: number;
  /** Runs whose contender could not run here, and why (the first reason). */
  readonly skipped: number;
  readonly skipReason: string | undefined;
  /** Over the finished runs (NaN if none finished). */
  readonly msMedian: number;
  readonly msMin: number;
  readonly msMax: number;
  /** Over every run that reported memory, over-budget ones included (they peaked before the cut). */
  readonly peakRssMedian: number;
  readonly peakRssMax: number;
  readonly growthMedian: number;
  readonly growthMax: number;
  readonly baselineMedian: number;
  readonly peakHeapMedian: number;
  /** Median CPU time of the finished runs that reported one, in ms (NaN if none did). */
  readonly cpuMsMedian: number;
  /** How far the over-budget runs got, as a fraction of a finished run's ticks (the median). */
  readonly progress: number | undefined;
  /** The median of each metric the finished runs reported, by name. */
  readonly metricMedians: Readonly<Record<string, number>>;
}

export function summarise(reports: readonly RunReport[], ticksPerRun: number | undefined): Summary {
  const measured = reports.filter((r): r is Finished => r.status === 'done' || r.status === 'over-budget');
  const skips = reports.filter((r): r is Extract<RunReport, { status: 'skipped' }> => r.status === 'skipped');
  const done = measured.filter((r) => r.status === 'done');
  const over = measured.filter((r) => r.status === 'over-budget');
  const times = done.map((r) => r.ms);
  const growth = measured.map((r) => Math.max(0, r.peakRss - r.baselineRss));
  return {
    runs: reports.length,
    done: done.length,
    overBudget: over.length,
    errors: reports.length - measured.length - skips.length,
    skipped: skips.length,
    skipReason: skips[0]?.reason,
    msMedian: median(times),
    msMin: times.length ? Math.min(...times) : NaN,
    msMax: times.length ? Math.max(...times) : NaN,
    peakRssMedian: median(measured.map((r) => r.peakRss)),
    peakRssMax: measured.length ? Math.max(...measured.map((r) => r.peakRss)) : NaN,
    growthMedian: median(growth),
    growthMax: growth.length ? Math.max(...growth) : NaN,
    baselineMedian: median(measured.map((r) => r.baselineRss)),
    peakHeapMedian: median(measured.map((r) => r.peakHeap)),
    cpuMsMedian: median(done.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]))),
    progress: over.length && ticksPerRun ? median(over.map((r) => r.ticks / ticksPerRun)) : undefined,
    metricMedians: Object.fromEntries(
      [...new Set(done.flatMap((r) => Object.keys(r.metrics ?? {})))].map((name) => [
        name,
        median(done.flatMap((r) => (r.metrics?.[name] === undefined ? [] : [r.metrics[name]]))),
      ]),
    ),
  };
}

/** `312 ms`, `4.21 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Bytes as `112 MB`. */
export function formatMb(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  return `${Math.round(bytes / 1_048_576)} MB`;
}

/** A ratio as `1.00×`, `0.43×`, `>95×`. */
export function formatRatio(ratio: number, lowerBound = false): string {
  if (!Number.isFinite(ratio)) return '–';
  const text = ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2);
  return `${lowerBound ? '>' : ''}${text}×`;
}

/** A markdown table with padded columns, readable as plain text too. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
