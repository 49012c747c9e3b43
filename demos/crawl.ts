/**
 * A crawler: many pages fetched through ONE shared Semaphore and a RateLimiter, with
 * live progress from `onProgress`.
 *
 * asyncio:  sem = asyncio.Semaphore(20)
 *           async def fetch(url):
 *               async with sem:
 *                   async with limiter: ...
 *           for done in asyncio.as_completed([fetch(u) for u in urls]): ...
 * rxjs:     asCompleted(urls.map((url) => semaphore.run(limiter.run(() => session.get(url)))),
 *                       { returnExceptions: true, onProgress })
 *
 * Every page goes through the same `Semaphore(20)` (at most 20 requests in flight) and
 * the same `RateLimiter` (at most 40 starts in any 200 ms, 200 per second on average).
 * The permit is taken first, then the limiter is asked: a request that is allowed to
 * start already holds its permit, so the limiter's rate is the rate at which requests
 * really start. (The other way round, starts the limiter allowed would queue behind
 * the semaphore and then leave together, past the rate.)
 *
 * One page in a hundred is a dead link (`/status/404`): with `raiseForStatus` it fails,
 * and `returnExceptions` keeps the crawl going and counts it.
 *
 * Progress: a live bar (cli-progress) when stdout is a terminal, otherwise a plain line
 * at 25, 50, 75 and 100%. At the end: pages done and failed, elapsed time, requests per
 * second, the most requests the server saw in flight at once (at most 20), and the
 * semaphore back to all its permits.
 *
 *   npx tsx demos/crawl.ts                            1,000 pages, against its own embedded httpbin
 *   CRAWL_REQUESTS=300 npx tsx demos/crawl.ts         another number of pages
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/crawl.ts
 *   npx tsx demos/run-all.ts crawl                    the short form of `npm run demo`: 100 pages
 */
import { defer, finalize, lastValueFrom, reduce } from 'rxjs';
import { RateLimiter, Semaphore, asCompleted } from '../lib';
import { HttpStatusError, createSession } from '../lib/http';
import type { DemoEnv } from './run-all';
import { httpbinUrl } from './guide/env';
import { runIfMain } from './lib/main';
import { progressBar, progressLines } from './lib/progress';

/** Requests allowed in flight at once, across the whole crawl. */
export const PERMITS = 20;
/** Starts allowed per window: 40 per 200 ms, so 200 per second. */
export const RATE = { count: 40, interval: 200 } as const;
/** Pages of `npm run demo` (the short form) and of a run on its own. */
export const SHORT_FORM = 100;
export const FULL_RUN = 1_000;

export interface CrawlOptions {
  /** Pages to fetch. Default: `CRAWL_REQUESTS`, else 100 (the short form). */
  readonly requests?: number;
  /** Show a live bar rather than plain lines. Default: whether stdout is a terminal. */
  readonly progressBar?: boolean;
}

/**
 * The path of page `n` (from 1): a dead link every 100th page, an instant `/anything`
 * every 4th, else a page that takes 50 to 90 ms (`/delay/0.05` to `/delay/0.09`).
 */
export function pagePath(n: number): string {
  if (n % 100 === 0) return `/status/404?page=${n}`;
  if (n % 4 === 0) return `/anything?page=${n}`;
  return `/delay/0.0${5 + (n % 5)}?page=${n}`;
}

/** `CRAWL_REQUESTS` as a number of pages, else `fallback`. */
export function requestsFromEnv(fallback: number): number {
  const raw = process.env.CRAWL_REQUESTS;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`CRAWL_REQUESTS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

export async function main(env: DemoEnv = {}, options: CrawlOptions = {}): Promise<void> {
  const total = options.requests ?? requestsFromEnv(SHORT_FORM);
  const showBar = options.progressBar ?? process.stdout.isTTY === true;
  const semaphore = new Semaphore(PERMITS);
  const limiter = new RateLimiter(RATE);
  const session = createSession({ baseURL: httpbinUrl(env), raiseForStatus: true, timeout: 10_000 });
  const server = env.httpbin;
  const serverPeakBefore = server?.maxActiveRequests ?? 0;

  // Requests started and not yet ended, counted where they really start (holding a
  // permit, allowed by the limiter), and the most there were at once.
  let inFlight = 0;
  let peakInFlight = 0;
  const fetchPage = (n: number) =>
    semaphore.run(
      limiter.run(() =>
        defer(() => {
          peakInFlight = Math.max(peakInFlight, ++inFlight);
          return session.get(pagePath(n));
        }).pipe(finalize(() => inFlight--)),
      ),
    );

  const minimum = (Math.ceil(total / RATE.count) - 1) * RATE.interval;
  console.log(`crawling ${total} pages through one Semaphore(${PERMITS}) and a RateLimiter of ${RATE.count} starts per ${RATE.interval} ms`);
  console.log(`  (the limiter alone makes ${total} requests take at least ${(minimum / 1000).toFixed(1)} s)`);
  const started = performance.now();
  const view = showBar ? progressBar(total, started, 'pages') : progressLines(total, started, 'pages');
  try {
    const pages = Array.from({ length: total }, (_, i) => fetchPage(i + 1));
    const failures = await lastValueFrom(
      asCompleted(pages, { returnExceptions: true, onProgress: (progress) => view.update(progress) }).pipe(
        // Failures by kind: `HttpStatusError 404` → how many.
        reduce((kinds, result) => {
          if (result instanceof Error) {
            const kind = result instanceof HttpStatusError ? `${result.name} ${result.status}` : result.name;
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          }
          return kinds;
        }, new Map<string, number>()),
      ),
    );
    view.stop();
    const elapsedMs = performance.now() - started;
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    const kinds = [...failures].map(([kind, n]) => `${n} × ${kind}`).join(', ');
    console.log(`done: ${total - failed} of ${total} pages fetched, ${failed} failed${failed > 0 ? ` (${kinds})` : ''}`);
    console.log(`elapsed ${(elapsedMs / 1000).toFixed(2)} s: ${Math.round(total / (elapsedMs / 1000))} req/s`);
    if (server !== undefined && serverPeakBefore <= PERMITS) {
      console.log(`peak in flight seen by the server: ${server.maxActiveRequests} (limit ${PERMITS}); by the client: ${peakInFlight}`);
    } else if (server !== undefined) {
      // The server's peak covers its whole life: an earlier demo went past our limit.
      console.log(
        `peak in flight seen by the client: ${peakInFlight} (limit ${PERMITS}); the server's peak (${server.maxActiveRequests}) includes earlier demos`,
      );
    } else {
      console.log(`peak in flight seen by the client: ${peakInFlight} (limit ${PERMITS}); the server's own count is shown when run on the embedded httpbin`);
    }
    console.log(`semaphore back to full: ${semaphore.available} of ${semaphore.permits} permits free, ${semaphore.waiting} waiting`);
  } finally {
    view.stop();
    await session.close();
  }
}

// On its own, the full 1,000 pages (or CRAWL_REQUESTS), against HTTPBIN_URL or an embedded httpbin of its own.
runIfMain(module, (env) => main(env, { requests: requestsFromEnv(FULL_RUN) }), { needsHttpbin: true });
