/**
 * Worker processes for the multi-process specs: each is `node worker.js`, forked with an
 * IPC channel, running its own client and limiter. worker.ts is bundled once per test
 * process by esbuild (lib/ and its dependencies included), so a worker starts in a
 * fraction of the time tsx would take to compile it in every process.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { FromWorker, LimiterConfig, ToWorker } from './protocol';

export interface Worker {
  readonly name: string;
  /** Every message it sent, in order. */
  readonly messages: readonly FromWorker[];
  /** When each of `messages` arrived (`performance.now()`). */
  readonly arrivals: readonly number[];
  send(message: ToWorker): void;
  /** Resolves with the first message (already received, or to come) that matches; rejects after `ms` or if the worker exits. */
  next<T extends FromWorker['type']>(
    type: T,
    match?: (message: Extract<FromWorker, { type: T }>) => boolean,
    ms?: number,
  ): Promise<Extract<FromWorker, { type: T }>>;
  /** Resolves once `predicate(messages)` holds (checked now and at each message); rejects after `ms` or if the worker exits. */
  until(what: string, predicate: (messages: readonly FromWorker[]) => boolean, ms?: number): Promise<void>;
  /** Calls `listener` after each message (and when the worker exits); returns how to stop. */
  watch(listener: () => void): () => void;
  /** Messages of a type received so far. */
  all<T extends FromWorker['type']>(type: T): Extract<FromWorker, { type: T }>[];
  kill(signal: NodeJS.Signals): Promise<void>;
  /**
   * Closes its limiter and client, then lets go of it; resolves with its exit code once it
   * has ended on its own (0: nothing of the library held it; 3: something still did after
   * 5 s, printed to stderr).
   */
  close(): Promise<number | null>;
}

let bundled: string | undefined;

/** worker.ts bundled to a temporary file, once per test process (removed when it exits). */
function workerScript(): string {
  if (bundled !== undefined) return bundled;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxjs-asyncio-worker-'));
  const file = path.join(dir, 'worker.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'worker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: file,
    logLevel: 'warning',
  });
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  bundled = file;
  return file;
}

export async function startWorker(name: string, redisPort: number, counterPort: number, limiter: LimiterConfig): Promise<Worker> {
  const child: ChildProcess = fork(workerScript(), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: FromWorker[] = [];
  const arrivals: number[] = [];
  const listeners = new Set<() => void>();
  child.on('message', (message: FromWorker) => {
    messages.push(message);
    arrivals.push(performance.now());
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const listener of [...listeners]) listener();
  });

  const worker: Worker = {
    name,
    messages,
    arrivals,
    send: (message) => {
      child.send(message);
    },
    next(type, match = () => true, ms = 20_000) {
      type M = Extract<FromWorker, { type: typeof type }>;
      return new Promise<M>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker ${name}: no ${type} message within ${ms} ms`));
        }, ms);
        const check = (): void => {
          const found = messages.find((m): m is M => m.type === type && match(m as M));
          if (found === undefined && !gone) return;
          clearTimeout(timer);
          listeners.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`worker ${name} exited before a ${type} message`));
        };
        listeners.add(check);
        check();
      });
    },
    until(what, predicate, ms = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker ${name}: still not ${what} after ${ms} ms`));
        }, ms);
        const check = (): void => {
          const held = predicate(messages);
          if (!held && !gone) return;
          clearTimeout(timer);
          listeners.delete(check);
          if (held) resolve();
          else reject(new Error(`worker ${name} exited, not ${what}`));
        };
        listeners.add(check);
        check();
      });
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    all: (type) => messages.filter((m) => m.type === type) as never,
    async kill(signal) {
      if (!gone) child.kill(signal);
      await exited;
    },
    async close() {
      if (gone) return exited;
      const closed = worker.next('closed', undefined, 10_000);
      worker.send({ type: 'close' });
      await closed;
      return exited;
    },
  };
  worker.send({ type: 'init', name, redisPort, counterPort, limiter });
  await worker.next('ready');
  return worker;
}

/** Resolves once `predicate()` holds, checked now and after any worker's message; rejects after `ms`. */
export function untilAll(workers: readonly Worker[], what: string, predicate: () => boolean, ms = 20_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stops: (() => void)[] = [];
    const done = (err?: Error): void => {
      clearTimeout(timer);
      for (const stop of stops) stop();
      if (err === undefined) resolve();
      else reject(err);
    };
    const timer = setTimeout(() => done(new Error(`workers: still not ${what} after ${ms} ms`)), ms);
    const check = (): void => {
      if (predicate()) done();
    };
    for (const worker of workers) stops.push(worker.watch(check));
    check();
  });
}
