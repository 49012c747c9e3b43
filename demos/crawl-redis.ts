/**
 * The crawler of crawl.ts, outgrown one process: `--workers 4` worker processes crawl
 * their share of the pages, and share ONE RedisSemaphore and ONE RedisRateLimiter
 * through Redis, so that together they keep the limits one process kept alone.
 *
 * Each worker has its own ioredis client and its own `new RedisSemaphore({ key, permits:
 * 8 })` and `new RedisRateLimiter({ key, count: 40, interval: 200 })`: the same keys, so
 * the same limits. Without Redis, 4 workers with a Semaphore(8) each would send up to 32
 * requests at once; with it, the server never sees more than 8. Each worker prints its
 * own peak in flight; the total peak is the server's own count.
 *
 * The demo starts its own redis-server (Debian's `redis-server`, on a free port of
 * 127.0.0.1, no persistence) and stops it at the end.
 *
 *   npx tsx demos/crawl-redis.ts                  400 pages over 4 workers, its own httpbin
 *   npx tsx demos/crawl-redis.ts --workers 2      another number of workers
 *   npx tsx demos/run-all.ts crawl-redis          the short form of `npm run demo`: 100 pages
 */
import { fork } from 'node:child_process';
import Redis from 'ioredis';
import { defer, finalize, lastValueFrom, reduce } from 'rxjs';
import { asCompleted } from '../lib';
import { createSession } from '../lib/http';
import { RedisRateLimiter, RedisSemaphore } from '../lib/redis';
import { startRedisServer } from '../spec/redis/redisServer';
import { pagePath } from './crawl';
import { httpbinUrl } from './guide/env';
import { runIfMain } from './lib/main';
import type { DemoEnv } from './run-all';

/** Requests allowed in flight at once, across every worker. */
export const PERMITS = 8;
/** Starts allowed per window across every worker: 40 per 200 ms. */
export const RATE = { count: 40, interval: 200 } as const;
export const WORKERS = 4;
/** Pages of `npm run demo` (the short form) and of a run on its own. */
export const SHORT_FORM = 100;
export const FULL_RUN = 400;

export interface CrawlRedisOptions {
  readonly pages?: number;
  readonly workers?: number;
}

/** What a worker is told, and what it answers. */
interface Assignment {
  readonly redisPort: number;
  readonly baseURL: string;
  readonly key: string;
  /** The pages it fetches (numbers, from 1). */
  readonly pages: readonly number[];
}
interface Report {
  readonly fetched: number;
  readonly failed: number;
  readonly peak: number;
}

export async function main(env: DemoEnv = {}, options: CrawlRedisOptions = {}): Promise<void> {
  const pages = options.pages ?? SHORT_FORM;
  const workers = options.workers ?? workersFromArgv(WORKERS);
  const baseURL = httpbinUrl(env);
  const redis = await startRedisServer();
  const key = `crawl-redis:${process.pid}:${Date.now()}`;
  const serverPeakBefore = env.httpbin?.maxActiveRequests ?? 0;
  console.log(
    `crawling ${pages} pages with ${workers} worker processes sharing one RedisSemaphore(${PERMITS}) and one RedisRateLimiter of ${RATE.count} starts per ${RATE.interval} ms`,
  );
  try {
    const shares = Array.from({ length: workers }, (_, w) => Array.from({ length: pages }, (_, i) => i + 1).filter((n) => n % workers === w));
    // Every worker starts up (a second or so each, under tsx), then all start crawling at once.
    const pool = await Promise.all(shares.map((share) => startWorker({ redisPort: redis.port, baseURL, key, pages: share })));
    const started = performance.now();
    const reports = await Promise.all(pool.map((worker) => worker.crawl()));
    const elapsed = (performance.now() - started) / 1000;
    reports.forEach((report, w) =>
      console.log(`  worker ${w + 1}: ${report.fetched + report.failed} pages, ${report.failed} failed, peak in flight ${report.peak}`),
    );
    const fetched = reports.reduce((sum, r) => sum + r.fetched, 0);
    const failed = reports.reduce((sum, r) => sum + r.failed, 0);
    const sum = reports.reduce((total, r) => total + r.peak, 0);
    console.log(`done: ${fetched} of ${pages} pages fetched, ${failed} failed, in ${elapsed.toFixed(2)} s`);
    if (env.httpbin !== undefined && serverPeakBefore <= PERMITS) {
      console.log(`total peak in flight seen by the server: ${env.httpbin.maxActiveRequests} (limit ${PERMITS}); the workers' peaks add up to ${sum}`);
    } else {
      console.log(`the workers' peaks add up to ${sum}; the server's own count is shown when run on a fresh embedded httpbin`);
    }
  } finally {
    await redis.close();
  }
}

function workersFromArgv(fallback: number): number {
  const at = process.argv.indexOf('--workers');
  if (at < 0) return fallback;
  const n = Number(process.argv[at + 1]);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`--workers must be a positive integer, got ${JSON.stringify(process.argv[at + 1])}`);
  return n;
}

/** Forks this file as a worker (under tsx), gives it its pages, and resolves once it is ready to crawl. */
function startWorker(assignment: Assignment): Promise<{ crawl(): Promise<Report> }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--worker'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: Report | undefined;
    const ended = new Promise<Report>((done, failed) =>
      child.once('exit', (code) => (report !== undefined ? done(report) : failed(new Error(`a crawl worker exited with code ${code} before it reported`)))),
    );
    ended.catch(reject);
    child.on('message', (message: 'ready' | Report) => {
      if (message !== 'ready') report = message;
      else
        resolve({
          crawl: () => {
            child.send('go');
            return ended;
          },
        });
    });
    child.once('error', reject);
    child.send(assignment);
  });
}

/** A worker: once told to go, crawls its pages through the shared limits, reports, and closes everything. */
async function work({ redisPort, baseURL, key, pages }: Assignment, go: Promise<void>): Promise<Report> {
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  const semaphore = new RedisSemaphore({ redis, key, permits: PERMITS });
  const limiter = new RedisRateLimiter({ redis, key: `${key}:rate`, ...RATE });
  const session = createSession({ baseURL, raiseForStatus: true, timeout: 10_000 });
  let inFlight = 0;
  let peak = 0;
  // The permit first, then the start: a request allowed to start already holds its permit.
  const fetchPage = (n: number) =>
    semaphore.run(
      limiter.run(() =>
        defer(() => {
          peak = Math.max(peak, ++inFlight);
          return session.get(pagePath(n));
        }).pipe(finalize(() => inFlight--)),
      ),
    );
  try {
    await redis.ping();
    process.send!('ready');
    await go;
    const failed = await lastValueFrom(
      asCompleted(
        pages.map((n) => fetchPage(n)),
        { returnExceptions: true },
      ).pipe(reduce((count, result) => count + (result instanceof Error ? 1 : 0), 0)),
    );
    return { fetched: pages.length - failed, failed, peak };
  } finally {
    await session.close();
    await semaphore.close();
    await limiter.close();
    await redis.quit();
  }
}

if (process.argv.includes('--worker')) {
  process.once('message', (assignment: Assignment) => {
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    work(assignment, go).then(
      (report) => {
        process.send!(report);
        process.disconnect();
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
} else {
  // On its own: 400 pages (or --workers N), against HTTPBIN_URL or an embedded httpbin of its own.
  runIfMain(module, (env) => main(env, { pages: FULL_RUN }), { needsHttpbin: true });
}
