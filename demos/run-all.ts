/**
 * Runs every demo in order, each under a section title: `npm run demo`.
 *
 *   npx tsx demos/run-all.ts              every section
 *   npx tsx demos/run-all.ts gather wait  only sections whose title or file mentions a word
 *   DEMO_TIME_SCALE=0.05 npx tsx demos/run-all.ts   every delay twenty times shorter
 *
 * A demo is a module exporting `main(env)`, which prints what it shows and resolves
 * when done. Adding one is adding an entry to `sections`. Sections that talk HTTP set
 * `needsHttpbin`: the runner then starts the embedded httpbin once, before the first
 * of them, passes its URL in `env.httpbinUrl`, and closes it at the end.
 *
 *   HTTPBIN_URL=http://host:port npx tsx demos/run-all.ts   HTTP demos against that server
 *
 * Exits non-zero if any demo throws (the others still run).
 */
import * as path from 'node:path';
import type { Httpbin } from '../lib/testing';

/** What the runner hands to every demo's `main`. */
export interface DemoEnv {
  /** Base URL of the httpbin (no trailing slash); set for sections with `needsHttpbin`. */
  readonly httpbinUrl?: string;
  /** The embedded httpbin itself, when it is the one in use: its counters show what the server saw. */
  readonly httpbin?: Httpbin;
}

export interface DemoSection {
  /** Printed as `== <n>. <title> ==` before the demo's output. */
  readonly title: string;
  /** The demo module, relative to `demos/`. */
  readonly file: string;
  /** The demo makes HTTP requests to `env.httpbinUrl`. */
  readonly needsHttpbin?: boolean;
}

type DemoMain = (env: DemoEnv) => Promise<void>;

/** Every demo, in the order the README tells the story. Add HTTP demos (demos/guide/) after these. */
export const sections: readonly DemoSection[] = [
  { title: 'gather: all results, in submission order', file: 'patterns/01-gather.ts' },
  { title: 'asCompleted: each result as it completes', file: 'patterns/02-as-completed.ts' },
  { title: 'wait: done and pending, then cancel what is left', file: 'patterns/03-wait.ts' },
  { title: 'waitFor and deadline: time limits with rxjs TimeoutError', file: 'patterns/04-wait-for.ts' },
  { title: 'operators: gatherAll, asCompletedAll, waitUntil over a stream of inputs', file: 'patterns/05-operators.ts' },
  { title: 'tasks: createTask, result(), exception(), cancel()', file: 'patterns/06-tasks.ts' },
  { title: 'barrier: three runners wait for each other, round after round; abort() and reset()', file: 'barrier.ts' },
  // The asyncio guide's own examples, in its order, over HTTP.
  { title: 'guide: one request in a scoped session (async with → using)', file: 'guide/01-session.ts', needsHttpbin: true },
  { title: 'guide: gather three statuses', file: 'guide/02-gather.ts', needsHttpbin: true },
  { title: 'guide: as_completed over delays of 3, 1 and 2 seconds', file: 'guide/03-as-completed.ts', needsHttpbin: true },
  { title: 'guide: wait FIRST_COMPLETED, then cancel what is pending', file: 'guide/04-wait.ts', needsHttpbin: true },
  { title: 'guide: an overall timeout', file: 'guide/05-overall-timeout.ts', needsHttpbin: true },
  { title: 'guide: a per-request timeout', file: 'guide/06-request-timeout.ts', needsHttpbin: true },
  { title: 'guide: error handling with returnExceptions', file: 'guide/07-errors.ts', needsHttpbin: true },
  { title: 'guide: a Semaphore caps the fan-out', file: 'guide/08-semaphore.ts', needsHttpbin: true },
  { title: 'streaming: lines, chunks with progress, Server-Sent Events, a stream left early', file: 'guide/09-streaming.ts', needsHttpbin: true },
  { title: 'crawl: 100 pages (1,000 on its own) through one Semaphore(20) and a RateLimiter, with progress', file: 'crawl.ts', needsHttpbin: true },
  {
    title: 'queue-crawl: a Queue of links drained by 8 workers in a taskGroup, 100 pages (200 on its own), with progress',
    file: 'queue-crawl.ts',
    needsHttpbin: true,
  },
  {
    title: 'crawl-redis: 100 pages (400 on its own) by 4 worker processes sharing one RedisSemaphore(8) and one RedisRateLimiter',
    file: 'crawl-redis.ts',
    needsHttpbin: true,
  },
  { title: 'README: every code block of the README, run', file: 'lib/readme-snippets.ts', needsHttpbin: false },
];

/** A running server the HTTP demos talk to: the embedded httpbin, or one named by HTTPBIN_URL. */
interface DemoServer {
  readonly url: string;
  readonly httpbin?: Httpbin;
  close(): Promise<void>;
}

/**
 * The hook for HTTP demos: starts the embedded httpbin of `rxjs-asyncio/testing`
 * (its `startHttpbin()`, as API.md describes it). Loaded lazily, so the pattern demos
 * never load the HTTP code.
 */
async function startDemoServer(): Promise<DemoServer> {
  const external = process.env.HTTPBIN_URL;
  if (external !== undefined && external !== '') {
    console.log(`(using the httpbin at ${external})`);
    return { url: external.replace(/\/+$/, ''), close: async () => undefined };
  }
  const { startHttpbin } = require('../lib/testing') as typeof import('../lib/testing');
  const httpbin = await startHttpbin();
  return { url: httpbin.url, httpbin, close: () => httpbin.close() };
}

function loadMain(section: DemoSection): DemoMain {
  const mod = require(path.join(__dirname, section.file)) as { main?: unknown };
  if (typeof mod.main !== 'function') throw new Error(`run-all: demos/${section.file} does not export main()`);
  return mod.main as DemoMain;
}

/** Sections matching any of `words` (in title or file, case-insensitive); all of them if none is given. */
export function select(words: readonly string[]): DemoSection[] {
  if (words.length === 0) return [...sections];
  const wanted = words.map((word) => word.toLowerCase());
  return sections.filter((s) => wanted.some((word) => s.title.toLowerCase().includes(word) || s.file.toLowerCase().includes(word)));
}

/** Runs the sections in order; returns the files of those that threw. */
export async function runAll(selected: readonly DemoSection[]): Promise<string[]> {
  const failed: string[] = [];
  let server: DemoServer | undefined;
  try {
    for (const section of selected) {
      const number = sections.indexOf(section) + 1;
      console.log(`== ${number}. ${section.title} ==`);
      try {
        if (section.needsHttpbin && server === undefined) server = await startDemoServer();
        const env: DemoEnv = server === undefined ? {} : { httpbinUrl: server.url, httpbin: server.httpbin };
        await loadMain(section)(env);
      } catch (err) {
        failed.push(section.file);
        console.error(`!! demos/${section.file} failed:`);
        console.error(err);
      }
      console.log('');
    }
  } finally {
    await server?.close();
  }
  return failed;
}

async function cli(): Promise<void> {
  const words = process.argv.slice(2);
  const selected = select(words);
  if (selected.length === 0) {
    console.error(`run-all: no section matches ${words.join(' ')}; sections:`);
    for (const s of sections) console.error(`  ${s.file}  ${s.title}`);
    process.exitCode = 2;
    return;
  }
  const failed = await runAll(selected);
  if (failed.length > 0) {
    console.error(`${failed.length} of ${selected.length} demos failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  cli().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
