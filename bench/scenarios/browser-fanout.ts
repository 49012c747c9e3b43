/**
 * The HTTP fan-out in headless Chromium: the session over axios's fetch adapter (what
 * `createSession()` uses in a browser) against `fetch` itself, the same requests to the
 * same server, timed inside the page.
 *
 * The setup bundles a page from lib/ as the browser build does (each module's
 * `.browser.ts` in its place, scripts/browser.ts) and serves it, with a small JSON
 * response (`Cache-Control: no-store`, so that every request reaches the server), from
 * one server on 127.0.0.1 in the runner's process: same origin, no CORS preflight.
 * Each run starts Chromium (Debian's, the flags of scripts/browser.ts, a fresh profile),
 * makes `warmup` requests, then times `n`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../scripts/browser';
import { projectRoot } from '../lib/root';
import { Skip, defineScenario, timed } from '../lib/scenario';
import type { Prepared, ScenarioSetup } from '../lib/scenario';

interface BrowserParams {
  readonly n: number;
  readonly concurrency: number;
  readonly warmup: number;
}

/** What every contender's run resolves to. */
interface Check {
  readonly requests: number;
  readonly ok: number;
  readonly bytes: number;
}

const ROOT = projectRoot(__dirname);
const ENV_PAGE = 'BENCH_BROWSER_PAGE';
const BODY = '{"ok":true}\n';

/**
 * The page's script: `window.bench.fetch` and `window.bench.session`, each making `n`
 * GETs of `url`, `concurrency` at once, every body read as text, and resolving to the
 * time and what came. `fetch` by async workers, as the raw clients of http-fanout;
 * the session by `asCompleted` over a generator, as the session contenders there.
 */
const PAGE_SCRIPT = `
import { asCompleted } from './lib';
import { createSession } from './lib/http';

const session = createSession();

window.bench = {
  async fetch(url, n, concurrency) {
    const started = performance.now();
    let next = 0, ok = 0, bytes = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const res = await fetch(url);
        const text = await res.text();
        if (res.status === 200) ok++;
        bytes += text.length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
    return { ms: performance.now() - started, check: { requests: n, ok, bytes } };
  },
  session(url, n, concurrency) {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      let ok = 0, bytes = 0;
      function* requests() {
        for (let i = 0; i < n; i++) yield session.get(url, { responseType: 'text' });
      }
      asCompleted(requests(), { concurrency }).subscribe({
        next: (res) => {
          if (res.status === 200) ok++;
          bytes += res.data.length;
        },
        error: reject,
        complete: () => resolve({ ms: performance.now() - started, check: { requests: n, ok, bytes } }),
      });
    });
  },
};
`;

async function setup(): Promise<ScenarioSetup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rxjs-asyncio-bench-page-'));
  const { build } = await import('esbuild');
  const { browserModules } = await import('../../scripts/browser.js');
  await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: ROOT, loader: 'js', sourcefile: 'page.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'page.js'),
    plugins: [browserModules],
    logLevel: 'warning',
  });
  const files: Record<string, { type: string; body: Buffer | string }> = {
    '/': {
      type: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
    },
    '/page.js': { type: 'text/javascript', body: readFileSync(path.join(dir, 'page.js')) },
    '/small.json': { type: 'application/json', body: BODY },
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (file === undefined) res.writeHead(404, { 'content-length': 0 }).end();
    else res.writeHead(200, { 'content-type': file.type, 'content-length': Buffer.byteLength(file.body), 'cache-control': 'no-store' }).end(file.body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env[ENV_PAGE] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    note: `Server: node:http in the runner's process on 127.0.0.1, serving the page and a ${BODY.length}-byte JSON file (keep-alive, no-store); Chromium from ${CHROMIUM}.`,
    teardown: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A contender: `window.bench[kind]` in a fresh Chromium, warmed up, then timed by the page. */
function inChromium(kind: 'fetch' | 'session') {
  return async ({ n, concurrency, warmup }: BrowserParams): Promise<Prepared> => {
    const page = process.env[ENV_PAGE];
    if (!page) throw new Error(`browser-fanout: ${ENV_PAGE} is not set: run it through bench/run.ts`);
    if (!existsSync(CHROMIUM)) throw new Skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROME_BIN)`);
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(path.join(tmpdir(), 'rxjs-asyncio-bench-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const close = async (): Promise<void> => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    };
    try {
      const tab = await browser.newPage();
      await tab.goto(page);
      await tab.waitForFunction('window.bench !== undefined', undefined, { timeout: 20_000 });
      const url = new URL('/small.json', page).href;
      const fanOut = (count: number): Promise<{ ms: number; check: Check }> =>
        tab.evaluate(`window.bench.${kind}(${JSON.stringify(url)}, ${count}, ${concurrency})`) as Promise<{ ms: number; check: Check }>;
      await fanOut(warmup);
      return {
        run: async () => {
          const { ms, check } = await fanOut(n);
          return timed(ms, check);
        },
        teardown: close,
      };
    } catch (err) {
      await close();
      throw err;
    }
  };
}

export default defineScenario<BrowserParams>({
  title: '2,000 GETs of a small JSON response in headless Chromium, at concurrency 100 (requests per second)',
  description:
    'The same fan-out as http-fanout, in a page: `fetch` by 100 async workers against the session (`createSession()`, axios over fetch in a browser) driven by ' +
    '`asCompleted(requests(), { concurrency: 100 })`, each body read as text. Chromium opens at most 6 connections to one HTTP/1.1 origin, so 6 requests are on the wire at a time for both. ' +
    "Times are the page's own (`performance.now()`); peak RSS is the Node process driving Chromium, not Chromium's. Target: the session at least 0.9× fetch.",
  params: { full: { n: 2_000, concurrency: 100, warmup: 500 }, quick: { n: 300, concurrency: 100, warmup: 100 } },
  expected: ({ n }) => ({ requests: n, ok: n, bytes: n * BODY.length }),
  budgetMs: { full: 60_000, quick: 30_000 },
  setup,
  throughput: { unit: 'req/s', count: ({ n }) => n },
  ratioTargets: [{ contender: 'session (fetch)', over: 'fetch', atLeast: 0.9 }],
  contenders: [
    { name: 'fetch', reference: true, note: "Chromium's `fetch(url)` and `res.text()`, 100 async workers", prepare: inChromium('fetch') },
    {
      name: 'session (fetch)',
      note: "rxjs-asyncio: `createSession()` (axios's fetch adapter in a browser), `asCompleted(requests(), { concurrency: 100 })` of `session.get(url, { responseType: 'text' })`",
      prepare: inChromium('session'),
    },
  ],
});
