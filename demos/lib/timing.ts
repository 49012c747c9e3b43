/**
 * What the pattern demos share: timers that stand in for I/O, scaled by the
 * `DEMO_TIME_SCALE` environment variable, and a clock that reports elapsed time in
 * the demo's own milliseconds.
 *
 * `DEMO_TIME_SCALE=0.05 npx tsx demos/patterns/01-gather.ts` runs the same story
 * twenty times faster: every delay is multiplied by the scale, and every elapsed time
 * is divided by it again before it is printed, so the output reads the same.
 */
import { Observable, asyncScheduler } from 'rxjs';

/** The factor applied to every delay: `DEMO_TIME_SCALE`, default 1. Read on each call. */
export function timeScale(): number {
  const raw = process.env.DEMO_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(`DEMO_TIME_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return scale;
}

/** A demo delay in real milliseconds (at least 1, so that order is kept). */
export function scaled(ms: number): number {
  return Math.max(1, Math.round(ms * timeScale()));
}

/** When the current story started, in real ms (`performance.now()`). */
let origin = performance.now();

/** Starts the clock that `elapsed()` and `at()` read. Call it at the start of each story. */
export function startClock(): void {
  origin = performance.now();
}

/** Demo milliseconds since `startClock()`. */
export function elapsed(): number {
  return (performance.now() - origin) / timeScale();
}

/**
 * Elapsed time for printing: rounded to 50 ms, as `~300 ms`. Timers are never exact
 * (less so when scaled down on a busy machine), so the demos print the order of events
 * exactly and their times only roughly.
 */
export function at(): string {
  return `~${Math.round(elapsed() / 50) * 50} ms`;
}

/** Inputs running right now, and the most that ever ran at once since `meter.reset()`. */
export const meter = {
  running: 0,
  peak: 0,
  reset(): void {
    this.running = 0;
    this.peak = 0;
  },
};

export interface DownloadOptions {
  /** Fail with `new Error('<name>: <fail>')` instead of succeeding. */
  readonly fail?: string;
  /** Print `<name> finished at ~N ms` when it succeeds. */
  readonly announce?: boolean;
}

/**
 * A pretend download: a cold Observable that, `ms` demo milliseconds after it is
 * subscribed, emits `name` and completes (or fails). If it is unsubscribed before that,
 * it prints `<name> aborted`: that is what cancellation looks like from the inside.
 */
export function download(name: string, ms: number, options: DownloadOptions = {}): Observable<string> {
  return new Observable<string>((subscriber) => {
    let finished = false;
    meter.running++;
    meter.peak = Math.max(meter.peak, meter.running);
    const timer = asyncScheduler.schedule(() => {
      finished = true;
      if (options.fail !== undefined) {
        subscriber.error(new Error(`${name}: ${options.fail}`));
        return;
      }
      if (options.announce) console.log(`  ${name} finished at ${at()}`);
      subscriber.next(name);
      subscriber.complete();
    }, scaled(ms));
    return () => {
      meter.running--;
      timer.unsubscribe();
      if (!finished) console.log(`  ${name} aborted`);
    };
  });
}

/**
 * An error as one line, its name first: `Error: b.txt: 404 Not Found`, `TimeoutError: ...`.
 * Durations in the message (`... after 25 ms`) are the scaled ones this run used, so
 * they are given back in the demo's own milliseconds.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const message = err.message.replace(/(\d+) ms/g, (_all, n: string) => `${Math.round(Number(n) / timeScale())} ms`);
  return `${err.name}: ${message}`;
}
