/**
 * The witness of the multi-process specs: a TCP server on 127.0.0.1 in the test process
 * that every job of every worker reports to, `start <worker> <job>` when it starts and
 * `end <worker> <job>` when it ends, one line each, answered `ok` once counted. A job
 * waits for the `ok` of its `end` before it completes, so the permit it then gives back
 * cannot start another job (in any process) before this server has counted the end:
 * the peak it sees is the true peak.
 *
 * Tests wait for what they need with `until(predicate)`, resolved by the report that
 * makes it true (an event, never a polling loop or a sleep).
 */
import * as net from 'node:net';

export interface Report {
  readonly kind: 'start' | 'end';
  readonly worker: string;
  readonly job: string;
  /** `performance.now()` in the test process when the report arrived. */
  readonly at: number;
}

export interface CounterServer {
  readonly port: number;
  /** Every report, in arrival order. */
  readonly reports: readonly Report[];
  /** Jobs started and not ended. */
  readonly inFlight: number;
  /** The most jobs in flight at once so far. */
  readonly peak: number;
  /** The starts, in arrival order. */
  starts(worker?: string): Report[];
  /** Jobs ended. */
  readonly ended: number;
  /** Forgets a worker's jobs in flight (it was killed: they will never report their end). */
  forget(worker: string): void;
  /** Resolves once `predicate()` holds, checked now and after every report; rejects after `ms`. */
  until(what: string, predicate: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCounterServer(): Promise<CounterServer> {
  const reports: Report[] = [];
  /** `worker job` of each job in flight. */
  const running = new Set<string>();
  let peak = 0;
  let ended = 0;
  const watchers = new Set<() => void>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let newline: number;
      let answers = '';
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const [kind, worker, job] = line.split(' ');
        if ((kind !== 'start' && kind !== 'end') || worker === undefined || job === undefined) {
          answers += `error ${line}\n`;
          continue;
        }
        const key = `${worker} ${job}`;
        if (kind === 'start') {
          running.add(key);
          if (running.size > peak) peak = running.size;
        } else if (running.delete(key)) {
          ended++;
        }
        reports.push({ kind, worker, job, at: performance.now() });
        answers += 'ok\n';
      }
      if (answers !== '') socket.write(answers);
      for (const watcher of [...watchers]) watcher();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    reports,
    get inFlight() {
      return running.size;
    },
    get peak() {
      return peak;
    },
    get ended() {
      return ended;
    },
    starts: (worker) => reports.filter((r) => r.kind === 'start' && (worker === undefined || r.worker === worker)),
    forget(worker) {
      for (const key of [...running]) if (key.startsWith(`${worker} `)) running.delete(key);
    },
    until(what, predicate, ms = 20_000) {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`counter server: still not ${what} after ${ms} ms (in flight ${running.size}, peak ${peak}, ${reports.length} reports)`));
        }, ms);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
