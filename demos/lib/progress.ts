/**
 * Progress of a demo that fetches many pages: a live bar (cli-progress) when stdout is a
 * terminal, otherwise a plain line at 25, 50, 75 and 100%. crawl.ts and queue-crawl.ts
 * show their progress with it.
 */
import { SingleBar } from 'cli-progress';
import type { Progress } from '../../lib';

/** Shows progress as `onProgress` reports it. */
export interface ProgressView {
  update(progress: Progress): void;
  /** Ends the display (idempotent). */
  stop(): void;
}

/** A live bar on stdout, redrawn at most every 50 ms by cli-progress. */
export function progressBar(total: number, started: number, unit: string): ProgressView {
  const bar = new SingleBar({
    format: `  {bar} {percentage}% | {value}/{total} ${unit} | {failed} failed | {rate} req/s`,
    stream: process.stdout,
    hideCursor: true,
    barsize: 30,
  });
  bar.start(total, 0, { failed: 0, rate: 0 });
  let stopped = false;
  return {
    update: ({ done, failed }) => bar.update(done, { failed, rate: Math.round(done / ((performance.now() - started) / 1000)) }),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** A plain line at each quarter: `  25%: 25 of 100 pages, 0 failed, 0.12 s` (for `unit` pages). */
export function progressLines(total: number, started: number, unit: string): ProgressView {
  // The next quarter to report (1 to 4).
  let quarter = 1;
  return {
    update: ({ done, failed }) => {
      while (quarter <= 4 && done * 4 >= total * quarter) {
        console.log(`  ${quarter * 25}%: ${done} of ${total} ${unit}, ${failed} failed, ${elapsedSeconds(started)}`);
        quarter++;
      }
    },
    stop: () => undefined,
  };
}

/** Elapsed real time since `started`, as `1.23 s`. */
export function elapsedSeconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(2)} s`;
}
