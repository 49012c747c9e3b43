/**
 * Soak: many requests through one session, against the embedded httpbin in a child
 * process (so this process's heap is the client's alone), with seeded faults.
 *
 *   npm run soak                       # 100,000 requests, then 600 malformed responses a transport (tsx soak/run.ts)
 *   tsx soak/run.ts 10000 --malformed=100   # a shorter run (what spec/faults/soak.spec.ts does)
 *   tsx soak/run.ts 100000 --concurrency=200 --rate=0.01 --seed=1 --timeout=30000 --faulttimeout=500 --malformed=600
 *
 * Every request is `session.json('/chaos/<i>')` under `asCompleted(generator, {
 * concurrency })`; the server answers about `rate` of them with a fault drawn from the
 * seed (reset, hang, slow body, 5xx, truncated or malformed JSON), and since the draw is
 * a pure function of seed and key, this process knows what each request must end with
 * and counts every mismatch.
 *
 * Deadlines: the session's `timeout` (30 s) is a safety net far above any latency of a
 * loaded machine, so no request that answers can time out; the requests whose key draws
 * a hang or a slow body carry a deadline of their own (`faulttimeout`, 500 ms; the slow
 * bodies take 2 s), so they end in TimeoutError without stretching the run's tail.
 *
 * Heap: a full GC is forced (--expose-gc, or the V8 flag set at run time) before each
 * sample, one every 5% of the requests. The heap "settles" once warm-up is over: the
 * median of the samples at 10, 15 and 20%; its "end" is the median of the last three
 * samples taken while the run is still at full concurrency (85, 90, 95%), so both are
 * measured with the same requests in flight. The run FAILS (exit 1) if the end is not
 * within 10% of the settled heap, if any request ended otherwise than its fault says,
 * if the server is left with an open connection once the session is closed, or if a
 * timer or socket of this process outlives the run.
 *
 * Then, malformed responses: `--malformed` requests (600 by default, 0 for none) on each
 * transport against the seeded generator of spec/hostile/malformed.ts (its server in this
 * process), 50 at once: each must end as its kind allows (NetworkError, SyntaxError,
 * ResponseTooLargeError or TimeoutError), with no unhandled rejection and no socket left
 * open, or the run FAILS.
 *
 * The last line of output is `SOAK_RESULT <json>`, for scripts.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Observable, catchError, map, of } from 'rxjs';
import { CancelledError, asCompleted } from '../lib';
import { HttpStatusError, NetworkError, TimeoutError, createSession, undiciTransport } from '../lib/http';
import { chaosFault } from '../lib/testing/httpbin';
import type { ChaosKind, ChaosOptions } from '../lib/testing/httpbin';
import { runMalformed } from '../spec/hostile/malformed';
import type { MalformedReport } from '../spec/hostile/malformed';

interface Options {
  readonly requests: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly seed: number;
  readonly timeout: number;
  readonly faultTimeout: number;
  /** Malformed responses a transport, after the chaos run. */
  readonly malformed: number;
}

interface Sample {
  readonly at: string;
  readonly done: number;
  readonly seconds: number;
  /** Requests per second since the previous sample. */
  readonly reqPerSec: number;
  readonly heapMB: number;
  readonly rssMB: number;
}

/** Heap may move this much (as a fraction) between settling and the end. */
const HEAP_TOLERANCE = 0.1;
/** One sample per this fraction of the requests. */
const SAMPLE_EVERY = 0.05;

function parseArgs(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  let requests = 100_000;
  for (const arg of argv) {
    const flag = /^--([a-z]+)=(.*)$/.exec(arg);
    if (flag) flags.set(flag[1]!, flag[2]!);
    else if (/^\d+$/.test(arg)) requests = Number(arg);
    else
      throw new Error(
        `soak: unknown argument ${JSON.stringify(arg)} (expected a request count or --concurrency=, --rate=, --seed=, --timeout=, --faulttimeout=, --malformed=)`,
      );
  }
  const num = (name: string, fallback: number): number => {
    const value = flags.has(name) ? Number(flags.get(name)) : fallback;
    if (!Number.isFinite(value) || value < 0) throw new Error(`soak: --${name} must be a non-negative number, got ${flags.get(name)}`);
    return value;
  };
  const options = {
    requests,
    concurrency: num('concurrency', 200),
    rate: num('rate', 0.01),
    seed: num('seed', 1),
    timeout: num('timeout', 30_000),
    faultTimeout: num('faulttimeout', 500),
    malformed: num('malformed', 600),
  };
  if (options.requests < 100) throw new Error('soak: at least 100 requests, for 20 samples');
  return options;
}

/** A full, forced garbage collection: --expose-gc's `gc`, or the same function obtained at run time. */
function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The error class a request ends with (or `ok`). */
function classOf(err: unknown): string {
  if (err instanceof TimeoutError) return 'TimeoutError';
  if (err instanceof NetworkError) return 'NetworkError';
  if (err instanceof HttpStatusError) return 'HttpStatusError';
  if (err instanceof CancelledError) return 'CancelledError';
  if (err instanceof SyntaxError) return 'SyntaxError';
  return err instanceof Error ? `other: ${err.name}` : `other: ${String(err)}`;
}

/** What a request whose key draws `fault` must end with (the session has raiseForStatus). */
function expectedClass(fault: ChaosKind | undefined): string {
  switch (fault) {
    case undefined:
      return 'ok';
    case 'reset':
    case 'truncated-json':
      return 'NetworkError';
    case 'hang':
    case 'slow-body':
      return 'TimeoutError';
    case 'status-5xx':
      return 'HttpStatusError';
    case 'malformed-json':
      return 'SyntaxError';
  }
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The server child: started, its URL read, then driven over stdin. */
class ServerProcess {
  readonly url: Promise<string>;
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: Interface;
  private readonly closed: Promise<void>;
  private statsWaiter: ((stats: Record<string, unknown>) => void) | undefined;

  constructor(chaos: ChaosOptions) {
    // The same node flags as this process (tsx's loader when run by tsx), else tsx's loader.
    const execArgv = process.execArgv.some((arg) => arg.includes('tsx')) ? process.execArgv.filter((arg) => arg !== '--expose-gc') : ['--import', 'tsx'];
    this.child = spawn(process.execPath, [...execArgv, join(__dirname, 'server.ts'), JSON.stringify(chaos)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.lines = createInterface({ input: this.child.stdout });
    this.url = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`soak server exited with ${code} before it was ready`)));
      this.lines.on('line', (line) => {
        if (line.startsWith('READY ')) resolve(line.slice('READY '.length));
        else if (line.startsWith('STATS ')) this.statsWaiter?.(JSON.parse(line.slice('STATS '.length)) as Record<string, unknown>);
      });
    });
  }

  /** The server's counters, once it has seen every connection close (or after 10 s). */
  stats(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.statsWaiter = resolve;
      this.child.stdin.write('stats\n');
    });
  }

  /** Closes the server; resolves once the process has exited and its pipes are closed. */
  stop(): Promise<void> {
    this.child.stdin.end();
    return this.closed.then(() => this.lines.close());
  }

  kill(): void {
    this.child.kill();
  }
}

/** Counts of process.getActiveResourcesInfo() by type. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const gc = gcFunction();
  const baseline = activeResources();
  const chaos: ChaosOptions = { seed: options.seed, rate: options.rate, slowBodyMs: Math.min(10_000, Math.max(2000, options.faultTimeout * 4)) };
  const server = new ServerProcess(chaos);
  let url: string;
  try {
    url = await server.url;
  } catch (err) {
    server.kill();
    throw err;
  }

  const session = createSession({ baseURL: url, timeout: options.timeout, maxSockets: options.concurrency, raiseForStatus: true });
  const errors: Record<string, number> = {};
  const expectedErrors: Record<string, number> = {};
  const mismatches: string[] = [];
  let mismatchCount = 0;
  const samples: Sample[] = [];
  const started = performance.now();
  let lastSample = { done: 0, at: started };
  let done = 0;

  const sample = (at: string): void => {
    gc();
    gc();
    const now = performance.now();
    const { heapUsed, rss } = process.memoryUsage();
    const row: Sample = {
      at,
      done,
      seconds: Math.round((now - started) / 100) / 10,
      reqPerSec: now > lastSample.at ? Math.round(((done - lastSample.done) / (now - lastSample.at)) * 1000) : 0,
      heapMB: mb(heapUsed),
      rssMB: mb(rss),
    };
    samples.push(row);
    lastSample = { done, at: performance.now() };
    printRow(row);
  };

  function* requests(): Generator<Observable<{ key: number; outcome: string }>> {
    for (let key = 0; key < options.requests; key++) {
      const fault = chaosFault(chaos, String(key));
      const config = fault === 'hang' || fault === 'slow-body' ? { timeout: options.faultTimeout } : {};
      yield session.json(`/chaos/${key}`, config).pipe(
        map(() => ({ key, outcome: 'ok' })),
        catchError((err: unknown) => of({ key, outcome: classOf(err) })),
      );
    }
  }

  const step = Math.max(1, Math.round(options.requests * SAMPLE_EVERY));
  console.log(
    `soak: ${options.requests} requests, concurrency ${options.concurrency}, ${options.rate * 100}% faults (seed ${options.seed}), ` +
      `timeout ${options.timeout} ms (${options.faultTimeout} ms for hangs and slow bodies), server in a child process`,
  );
  printHeader();
  sample('start');
  await new Promise<void>((resolve, reject) => {
    asCompleted(requests(), { concurrency: options.concurrency }).subscribe({
      next: ({ key, outcome }) => {
        done++;
        const expected = expectedClass(chaosFault(chaos, String(key)));
        if (expected !== 'ok') expectedErrors[expected] = (expectedErrors[expected] ?? 0) + 1;
        if (outcome !== 'ok') errors[outcome] = (errors[outcome] ?? 0) + 1;
        if (outcome !== expected) {
          mismatchCount++;
          if (mismatches.length < 5) mismatches.push(`/chaos/${key}: expected ${expected}, got ${outcome}`);
        }
        // Samples at 5%, 10%, ... 95%, while the run is at full concurrency.
        if (done % step === 0 && done < options.requests) sample(`${Math.round((done / options.requests) * 100)}%`);
      },
      error: reject,
      complete: resolve,
    });
  });
  const seconds = (performance.now() - started) / 1000;
  sample('end (idle)');
  await session.close();
  const serverStats = await server.stats();
  sample('closed');
  await server.stop();
  // Let libuv release what closed, then compare with the baseline.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const after = activeResources();
  const leftover = [...after].filter(([type, n]) => n > (baseline.get(type) ?? 0)).map(([type, n]) => `${type} x${n - (baseline.get(type) ?? 0)}`);

  const pick = (percents: number[]): number[] => percents.map((p) => samples.find((s) => s.at === `${p}%`)?.heapMB).filter((h): h is number => h !== undefined);
  const settled = median(pick([10, 15, 20]));
  const end = median(pick([85, 90, 95]));
  const change = (end - settled) / settled;
  const heapOk = Math.abs(change) <= HEAP_TOLERANCE;
  // Every request reached the server, except perhaps a hang's or slow body's whose own short
  // deadline passed while it was still connecting (a loaded server accepts late).
  const received = serverStats.requests as number;
  const mayMiss = expectedErrors.TimeoutError ?? 0;
  const serverOk = serverStats.drained === true && serverStats.openConnections === 0 && received <= options.requests && received >= options.requests - mayMiss;

  // Malformed responses, on each transport.
  const malformed: Record<string, MalformedReport> = {};
  if (options.malformed > 0) {
    console.log('');
    console.log(`malformed responses: ${options.malformed} a transport (seed ${options.seed}), 50 at once`);
    for (const name of ['axios', 'undici'] as const) {
      const report = await runMalformed({
        seed: options.seed,
        count: options.malformed,
        concurrency: 50,
        ...(name === 'undici' ? { transport: undiciTransport({ maxSockets: 50 }) } : {}),
      });
      malformed[name] = report;
      const endings = Object.entries(report.endings)
        .map(([ending, n]) => `${ending} ${n}`)
        .join(', ');
      const fine = report.mismatchCount === 0 && report.unhandled === 0 && report.openAfterClose === 0;
      console.log(
        `  ${name.padEnd(7)} ${report.requests} in ${report.seconds} s over ${Object.keys(report.kinds).length} kinds: ${endings}; ` +
          `mismatches ${report.mismatchCount}, unhandled rejections ${report.unhandled}, open after close ${report.openAfterClose} ${fine ? 'OK' : 'FAIL'}`,
      );
      for (const line of report.mismatches) console.log(`    ${line}`);
    }
  }
  const malformedOk = Object.values(malformed).every((r) => r.mismatchCount === 0 && r.unhandled === 0 && r.openAfterClose === 0);
  const ok = heapOk && mismatchCount === 0 && serverOk && leftover.length === 0 && malformedOk;

  console.log('');
  console.log(`requests: ${done} in ${seconds.toFixed(1)} s, ${Math.round(done / seconds)} req/s`);
  console.log('errors by class (expected from the seed):');
  for (const cls of new Set([...Object.keys(expectedErrors), ...Object.keys(errors)])) {
    console.log(`  ${cls.padEnd(16)} ${String(errors[cls] ?? 0).padStart(6)}  (${expectedErrors[cls] ?? 0})`);
  }
  console.log(`mismatches: ${mismatchCount}${mismatches.length > 0 ? `\n  ${mismatches.join('\n  ')}` : ''}`);
  console.log(
    `heap: settled ${settled} MB (median of 10-20%), end ${end} MB (median of 85-95%): ${(change * 100).toFixed(1)}% ${heapOk ? 'OK' : `FAIL (more than ${HEAP_TOLERANCE * 100}%)`}`,
  );
  console.log(
    `server: ${received} requests received (at least ${options.requests - mayMiss} expected), ${serverStats.connections} connections, ` +
      `at most ${serverStats.maxOpenConnections} open; after the session closed: ${serverStats.openConnections} open ${serverOk ? 'OK' : 'FAIL'}`,
  );
  console.log(`leftover timers and sockets: ${leftover.length === 0 ? 'none' : leftover.join(', ')}`);
  console.log(ok ? 'soak: PASS' : 'soak: FAIL');
  const result = {
    ok,
    requests: done,
    concurrency: options.concurrency,
    faultRate: options.rate,
    seed: options.seed,
    seconds: Math.round(seconds * 10) / 10,
    reqPerSec: Math.round(done / seconds),
    errors,
    expectedErrors,
    mismatches: mismatchCount,
    heap: { settledMB: settled, endMB: end, change: Math.round(change * 1000) / 1000, tolerance: HEAP_TOLERANCE, ok: heapOk },
    samples,
    server: serverStats,
    leftover,
    malformed: Object.fromEntries(
      Object.entries(malformed).map(([name, r]) => [
        name,
        {
          requests: r.requests,
          kinds: Object.keys(r.kinds).length,
          endings: r.endings,
          mismatches: r.mismatchCount,
          unhandled: r.unhandled,
          openAfterClose: r.openAfterClose,
        },
      ]),
    ),
  };
  console.log(`SOAK_RESULT ${JSON.stringify(result)}`);
  return ok ? 0 : 1;
}

function printHeader(): void {
  console.log('');
  console.log('  sample       done   time s    req/s  heap MB   rss MB');
}

function printRow(row: Sample): void {
  console.log(
    `  ${row.at.padEnd(10)} ${String(row.done).padStart(7)} ${row.seconds.toFixed(1).padStart(8)} ${String(row.reqPerSec).padStart(8)} ${row.heapMB.toFixed(1).padStart(8)} ${row.rssMB.toFixed(1).padStart(8)}`,
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  },
);
