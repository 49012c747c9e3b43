/**
 * An HTTP fan-out: 10,000 GETs of a small static response at concurrency 100, on
 * 127.0.0.1, in requests per second: the session on each transport, the raw clients
 * they wrap, Python's aiohttp running the asyncio guide's own pattern, and wrk as the
 * ceiling.
 *
 * The server is nginx (one worker) when it is installed (bench/setup.sh installs it,
 * with wrk and python3-aiohttp), else the embedded httpbin, in a process of its own;
 * the results say which. A contender whose tool is missing (wrk, Python with aiohttp)
 * is reported as skipped, with why. `npm test` needs none of this.
 *
 * Every Node contender opens its connections, warms up with `warmup` requests of the
 * same kind in two fan-outs (not timed, after the memory baseline), then times `n`; the
 * Python script warms up and times itself; wrk runs for `wrkSeconds` and its rate is
 * converted to a time for `n`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Observable } from 'rxjs';
import { asCompleted } from '../../lib';
import { createSession, undiciTransport } from '../../lib/http';
import type { ClientSession, HttpResponse } from '../../lib/http';
import { projectRoot } from '../lib/root';
import { Skip, defineScenario, timed } from '../lib/scenario';
import type { Prepared, ScenarioSetup } from '../lib/scenario';
import { startNginx, startServerProcess, waitForServer } from '../lib/servers';
import { notInstalled, which } from '../lib/tools';

interface FanoutParams {
  /** Timed requests. */
  readonly n: number;
  readonly concurrency: number;
  /** Requests before the timed ones (connections opened, code warmed). */
  readonly warmup: number;
  /** How long wrk runs. */
  readonly wrkSeconds: number;
}

/** What every contender's run resolves to: the same for all when every response was read in full. */
interface Check {
  readonly requests: number;
  readonly ok: number;
  readonly bytes: number;
}

/** The static body nginx serves (the fallback serves its own `/json`). */
const BODY = '{"ok":true}\n';
const ROOT = projectRoot(__dirname);
const PY_SCRIPT = path.join(ROOT, 'bench', 'aiohttp_fanout.py');

// The server and tools, as the setup found them, handed to the child processes by environment.
const ENV_URL = 'BENCH_HTTP_URL';
const ENV_BYTES = 'BENCH_HTTP_BODY_BYTES';
const ENV_PYTHON = 'BENCH_HTTP_PYTHON';
const ENV_PYTHON_SKIP = 'BENCH_HTTP_PYTHON_SKIP';

function target(): { url: string; bytes: number } {
  const url = process.env[ENV_URL];
  const bytes = Number(process.env[ENV_BYTES]);
  if (!url || !Number.isInteger(bytes)) throw new Error(`http-fanout: ${ENV_URL} is not set: run it through bench/run.ts`);
  return { url, bytes };
}

// ---------------------------------------------------------------------------
// Setup: tools, then a server on a free port.

/** A Python interpreter that imports aiohttp (Debian's python3-aiohttp is for /usr/bin/python3). */
function pythonWithAiohttp(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import aiohttp'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) return python;
  }
  return undefined;
}

function missingTools(): string[] {
  const missing: string[] = [];
  if (!which('nginx')) missing.push('nginx');
  if (!which('wrk')) missing.push('wrk');
  if (!pythonWithAiohttp()) missing.push('python3-aiohttp');
  return missing;
}

async function setup(_params: FanoutParams): Promise<ScenarioSetup> {
  const missing = missingTools();
  const installed = missing.length === 0 ? 'nginx, wrk and python3-aiohttp installed' : notInstalled(missing);
  const python = pythonWithAiohttp();
  if (python) process.env[ENV_PYTHON] = python;
  else process.env[ENV_PYTHON_SKIP] = `no Python with aiohttp: ${notInstalled(['python3-aiohttp'])}`;
  const nginx = process.env.BENCH_HTTP_SERVER === 'httpbin' ? undefined : which('nginx');
  let server: { url: string; stop(): Promise<void> };
  let note: string;
  if (nginx) {
    const started = await startNginx(nginx, BODY);
    server = started;
    note = `Server: ${started.version} (one worker, a static ${BODY.length}-byte file, keep-alive) on 127.0.0.1; ${installed}.`;
  } else {
    // The embedded httpbin in a process of its own (this file, run with `--serve-httpbin`).
    const httpbin = await startServerProcess(ROOT, __filename, '--serve-httpbin', '/json', 'the httpbin process');
    server = { url: `${httpbin.base}/json`, stop: httpbin.stop };
    const why = process.env.BENCH_HTTP_SERVER === 'httpbin' ? 'BENCH_HTTP_SERVER=httpbin' : 'nginx is not available';
    note = `Server: the embedded httpbin (\`/json\`) in a process of its own, as ${why} (${installed}); it is slower than nginx, so the fastest contenders measure it more than themselves.`;
  }
  const body = await waitForServer(server.url, { exitCode: null } as ChildProcess, 'the server');
  process.env[ENV_URL] = server.url;
  process.env[ENV_BYTES] = String(Buffer.byteLength(body, 'latin1'));
  return { note, teardown: () => server.stop() };
}

// ---------------------------------------------------------------------------
// Contenders.

/** `n` calls of `one` (each resolving to its body's length, or failing), by `concurrency` workers. */
async function workers(n: number, concurrency: number, one: () => Promise<number>): Promise<Check> {
  let started = 0;
  let ok = 0;
  let bytes = 0;
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      // Not `bytes += await one()`: that reads `bytes` before awaiting, and loses the other workers' sums.
      const size = await one();
      bytes += size;
      ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { requests: n, ok, bytes };
}

/**
 * A contender: `make` builds the client and opens its connections; its function times
 * `n` requests after a warm-up of `warmup` requests in two fan-outs, after the memory
 * baseline (see `Prepared.warm`): the end of a fan-out runs what its middle did not (the
 * last completions, the teardown), which deoptimizes code once; the second time round, not.
 */
function contender(make: (params: FanoutParams, url: string) => Promise<{ run(n: number): Promise<Check>; close(): Promise<void> | void }>) {
  return async (params: FanoutParams): Promise<Prepared> => {
    const { url } = target();
    const client = await make(params, url);
    await client.run(params.concurrency);
    const half = Math.ceil(params.warmup / 2);
    const warm = async (): Promise<void> => {
      await client.run(half);
      await client.run(half);
    };
    return { warm, run: () => client.run(params.n), teardown: () => client.close() };
  };
}

/**
 * The session's fan-out, as the library's docs write one: `asCompleted` over a
 * generator of the requests, `concurrency` at once (the generator is pulled as slots
 * free, so only those requests exist at a time), each response counted as it arrives.
 */
function sessionFanout(session: ClientSession, url: string, concurrency: number) {
  const config = { responseType: 'text' } as const;
  return (n: number): Promise<Check> =>
    new Promise<Check>((resolve, reject) => {
      function* requests(): Generator<Observable<HttpResponse<string>>> {
        for (let i = 0; i < n; i++) yield session.get<string>(url, config);
      }
      let ok = 0;
      let bytes = 0;
      asCompleted(requests(), { concurrency }).subscribe({
        next: (res) => {
          if (res.status === 200) ok++;
          bytes += Buffer.byteLength(res.data);
        },
        error: reject,
        complete: () => resolve({ requests: n, ok, bytes }),
      });
    });
}

function checkStatus(status: number | undefined): void {
  if (status !== 200) throw new Error(`http-fanout: status ${status}`);
}

/** wrk's figures from its report. */
function parseWrk(out: string): { rps: number; requests: number; errors: number } {
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((sum, v) => sum + Number(v), 0) : 0);
  if (!Number.isFinite(rps) || !Number.isFinite(requests)) throw new Error(`http-fanout: cannot read wrk's output:\n${out}`);
  return { rps, requests, errors };
}

/** The peak RSS of a running process (its high-water mark), in bytes, or undefined. */
function highWaterMark(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s*(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export default defineScenario<FanoutParams>({
  title: '10,000 GETs of a small static response at concurrency 100 on 127.0.0.1 (requests per second)',
  description:
    'Each Node contender makes `n` GETs of one URL, `concurrency` at once, reading every body in full; results are counted (status 200) and their bytes summed, ' +
    "and must agree. The session contenders run the asyncio pattern in RxJS: `asCompleted(requests(), { concurrency: 100 })` over a generator of `session.get(url, { responseType: 'text' })`; " +
    "the raw clients run a hand-written pool of 100 async workers; aiohttp runs the asyncio guide's pattern in Python (`asyncio.gather` + `asyncio.Semaphore(100)`, one `ClientSession`). " +
    'wrk (`-t1 -c100`) is the ceiling: the server alone. Two shared, noisy cores serve both the client and the server: read ratios within one table, not absolute rates; ' +
    "the client's CPU time per request (its process only, the server's excluded) moves less with the load than the rates do. " +
    "Every contender opens its connections, then warms up with `warmup` requests in two fan-outs (not timed) after the memory baseline, whose forced GCs would otherwise undo the warm-up (see `Prepared.warm` in bench/lib/scenario.ts); the warm-up's memory counts in the growth. " +
    'Targets: the session on axios ≥ 0.9× raw axios and ≥ 1× aiohttp; the session on undici ≥ 0.9× the raw undici it wraps (undici `dispatch`) and ≥ 3× aiohttp.',
  params: {
    full: { n: 10_000, concurrency: 100, warmup: 2_000, wrkSeconds: 3 },
    quick: { n: 2_000, concurrency: 100, warmup: 200, wrkSeconds: 1 },
  },
  expected: ({ n }) => ({ requests: n, ok: n, bytes: n * Number(process.env[ENV_BYTES]) }),
  budgetMs: { full: 30_000, quick: 15_000 },
  setup,
  throughput: { unit: 'req/s', count: ({ n }) => n },
  ratioTargets: [
    { contender: 'session+axios', over: 'raw axios', atLeast: 0.9 },
    { contender: 'session+axios', over: 'aiohttp', atLeast: 1 },
    { contender: 'session+undici', over: 'raw undici', atLeast: 0.9 },
    { contender: 'session+undici', over: 'aiohttp', atLeast: 3 },
  ],
  contenders: [
    {
      name: 'aiohttp',
      reference: true,
      note: "Python aiohttp, the asyncio guide's pattern: `asyncio.gather` of `n` coroutines, each `async with Semaphore(100)` around `session.get(url)` and `await resp.read()`, one `ClientSession` (bench/aiohttp_fanout.py; it times itself; peak RSS is the Python process's)",
      prepare: async (params) => {
        const { url } = target();
        const python = process.env[ENV_PYTHON];
        if (!python) throw new Skip(process.env[ENV_PYTHON_SKIP] ?? 'no Python with aiohttp');
        return {
          run: async () => {
            const out = execFileSync(python, [PY_SCRIPT, url, String(params.n), String(params.concurrency), String(params.warmup)], {
              encoding: 'utf8',
              timeout: 120_000,
            });
            const result = JSON.parse(out.trim().split('\n').pop()!) as Check & { ms: number; cpu_ms: number; maxrss: number };
            return timed(result.ms, { requests: result.requests, ok: result.ok, bytes: result.bytes }, result.maxrss, result.cpu_ms);
          },
        };
      },
    },
    {
      name: 'session+axios',
      note: 'rxjs-asyncio: `createSession({ maxSockets: 100 })` (its own axios transport), driven by `asCompleted(requests(), { concurrency: 100 })`',
      prepare: contender(async ({ concurrency }, url) => {
        const session = createSession({ maxSockets: concurrency });
        return { run: sessionFanout(session, url, concurrency), close: () => session.close() };
      }),
    },
    {
      name: 'session+undici',
      note: 'rxjs-asyncio: `createSession({ transport: undiciTransport({ maxSockets: 100 }) })`, driven by `asCompleted(requests(), { concurrency: 100 })`',
      prepare: contender(async ({ concurrency }, url) => {
        const session = createSession({ transport: undiciTransport({ maxSockets: concurrency }) });
        return { run: sessionFanout(session, url, concurrency), close: () => session.close() };
      }),
    },
    {
      name: 'raw axios',
      note:
        "axios alone, as an application uses it: `axios.create()` with the session's settings (a keep-alive `http.Agent({ maxSockets: 100 })`, `maxRedirects: 0`, `proxy: false`, `responseType: 'text'`) and `client.get(url)`; 100 async workers. " +
        "(The session's transport calls axios's http adapter directly, with axios's defaults merged once: see lib/http/axiosTransport.ts.)",
      prepare: contender(async ({ concurrency }, url) => {
        const { default: axios } = await import('axios');
        const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
        const client = axios.create({ httpAgent: agent, maxRedirects: 0, proxy: false, responseType: 'text' });
        const one = async (): Promise<number> => {
          const res = await client.get<string>(url);
          checkStatus(res.status);
          return Buffer.byteLength(res.data);
        };
        return { run: (n) => workers(n, concurrency, one), close: () => agent.destroy() };
      }),
    },
    {
      name: 'raw undici',
      note: "undici 7 alone, at the level `undiciTransport` works at: `dispatch()` with a handler that collects the body, on undici's `Pool({ connections: 100 })` (the transport pools undici `Client`s itself, so that a connection is reused as soon as its response is in); 100 async workers",
      prepare: contender(async ({ concurrency }, url) => {
        const { Pool } = await import('undici');
        const { origin, pathname, search } = new URL(url);
        const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
        const one = (): Promise<number> =>
          new Promise<number>((resolve, reject) => {
            let status = 0;
            const chunks: Buffer[] = [];
            pool.dispatch(
              { origin, path: pathname + search, method: 'GET', headers: {} },
              {
                onConnect: () => undefined,
                onHeaders: (code) => ((status = code), true),
                onData: (chunk) => (chunks.push(chunk), true),
                onComplete: () => {
                  if (status !== 200) reject(new Error(`http-fanout: status ${status}`));
                  else resolve(Buffer.byteLength(Buffer.concat(chunks).toString()));
                },
                onError: reject,
              },
            );
          });
        return { run: (n) => workers(n, concurrency, one), close: () => pool.destroy() };
      }),
    },
    {
      name: 'raw undici request',
      note: 'undici 7 as its README shows it: `Pool({ connections: 100 }).request()` and `body.text()`; 100 async workers',
      prepare: contender(async ({ concurrency }, url) => {
        const { Pool } = await import('undici');
        const { origin, pathname, search } = new URL(url);
        const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
        const one = async (): Promise<number> => {
          const res = await pool.request({ path: pathname + search, method: 'GET' });
          const text = await res.body.text();
          checkStatus(res.statusCode);
          return Buffer.byteLength(text);
        };
        return { run: (n) => workers(n, concurrency, one), close: () => pool.destroy() };
      }),
    },
    {
      name: 'raw node:http',
      note: '`node:http` alone: `http.request` on a keep-alive `http.Agent({ maxSockets: 100 })`, the body collected from `data` events; 100 async workers',
      prepare: contender(async ({ concurrency }, url) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
        const one = (): Promise<number> =>
          new Promise<number>((resolve, reject) => {
            http
              .get(url, { agent }, (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => {
                  if (res.statusCode !== 200) reject(new Error(`http-fanout: status ${res.statusCode}`));
                  else resolve(Buffer.byteLength(Buffer.concat(chunks).toString()));
                });
                res.on('error', reject);
              })
              .on('error', reject);
          });
        return { run: (n) => workers(n, concurrency, one), close: () => agent.destroy() };
      }),
    },
    {
      name: 'wrk',
      note: "`wrk -t1 -c100 -d<wrkSeconds>s` (C, one thread, 100 connections): the server's ceiling; its rate is converted to a time for `n`; peak RSS is wrk's",
      prepare: async ({ n, concurrency, wrkSeconds }) => {
        const { url, bytes } = target();
        const wrk = which('wrk');
        if (!wrk) throw new Skip(notInstalled(['wrk']));
        return {
          run: async () => {
            const child = spawn(wrk, ['-t1', `-c${concurrency}`, `-d${wrkSeconds}s`, url], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let peak: number | undefined;
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
            const sampler = setInterval(() => (peak = highWaterMark(child.pid!) ?? peak), 100);
            const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
            clearInterval(sampler);
            if (code !== 0) throw new Error(`http-fanout: wrk exited with code ${code}:\n${out}`);
            const { rps, errors } = parseWrk(out);
            // wrk counts responses, not bodies: every response without an error is one whole body.
            const check: Check = errors === 0 ? { requests: n, ok: n, bytes: n * bytes } : { requests: n, ok: -errors, bytes: 0 };
            return timed((n / rps) * 1000, check, peak);
          },
        };
      },
    },
  ],
});

// `node --import tsx bench/scenarios/http-fanout.ts --serve-httpbin`: the fallback server.
if (process.argv.includes('--serve-httpbin')) {
  void import('../../lib/testing/index.js').then(async ({ startHttpbin }) => {
    const httpbin = await startHttpbin();
    console.log(httpbin.url);
    process.on('SIGTERM', () => void httpbin.close().then(() => process.exit(0)));
  });
}
