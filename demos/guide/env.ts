/**
 * What the guide's demos share: where the httpbin is, and how long its delays are.
 *
 * The server is the embedded httpbin that `npm run demo` starts on 127.0.0.1, or
 * whatever `HTTPBIN_URL` names. `DEMO_TIME_SCALE` (default 1) scales every delay the
 * demos ask the server for: `DEMO_TIME_SCALE=0.1` turns `/delay/3` into `/delay/0.3`.
 */
import type { DemoEnv } from '../run-all';
import { timeScale } from '../lib/timing';

export { describeError } from '../lib/timing';

/** The httpbin to talk to, without a trailing slash. */
export function httpbinUrl(env: DemoEnv): string {
  const url = env.httpbinUrl ?? process.env.HTTPBIN_URL;
  if (url === undefined || url === '') throw new Error('set HTTPBIN_URL, or run the demo through `npm run demo`, which starts an embedded httpbin');
  return url.replace(/\/+$/, '');
}

/** Seconds of the guide, scaled for this run, as httpbin's `/delay/:seconds` takes them. */
export function seconds(s: number): number {
  return Math.round(s * timeScale() * 1000) / 1000;
}

/** Milliseconds of the guide, scaled for this run. */
export function ms(value: number): number {
  return Math.max(1, Math.round(value * timeScale()));
}

/** Elapsed guide-seconds since `start`, rounded to a tenth: `1.0s`. */
export function since(start: number): string {
  return `${(Math.round((performance.now() - start) / timeScale() / 100) / 10).toFixed(1)}s`;
}
