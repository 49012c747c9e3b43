/**
 * A real redis-server for the specs: started by the test itself on 127.0.0.1 at a free
 * port, with a temporary directory and no persistence, and stopped after it (never the
 * system's service). `stop()` and `start()` again (same port, empty data) let a test
 * take Redis away and bring it back.
 *
 * Readiness is an event, not a sleep: the server's own "Ready to accept connections"
 * line on stdout.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

export interface RedisServer {
  readonly port: number;
  /** Whether the server process runs now. */
  readonly running: boolean;
  /** A client of this server (closed by `close()` if still open); a reconnection is tried every 20 ms. */
  client(options?: RedisOptions): Redis;
  /** Stops the server (SIGTERM: it closes every connection; SIGKILL: the kernel resets them). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a frozen server go on (SIGCONT). */
  resume(): void;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Closes the clients, stops the server, removes its directory. */
  close(): Promise<void>;
}

/** redis-server on PATH (or Debian's), else an error saying how to install it. */
function redisServerBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin']) {
    const file = path.join(dir, 'redis-server');
    if (fs.existsSync(file)) return file;
  }
  throw new Error('redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run installs it)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns redis-server and resolves once it says it is ready; rejects with its output if it exits first. */
function spawnServer(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never outlive the test process, even one that exits without its afterAll.
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        // Keep draining its output, so that it never blocks on a full pipe.
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`redis-server on port ${port} exited with ${code} before it was ready:\n${output}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxjs-asyncio-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // A port found free may be taken before the server binds it: try another.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await spawnServer(binary, port, dir);
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  const clients = new Set<Redis>();
  /** Once closing, a client whose connection fails stops retrying, and ends. */
  let closing = false;

  const server: RedisServer = {
    port,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    client(options = {}) {
      const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => (closing ? null : 20), ...options });
      // A test that stops Redis sees connection errors: they are expected, not unhandled.
      client.on('error', () => undefined);
      clients.add(client);
      client.once('end', () => clients.delete(client));
      return client;
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill(signal);
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async start() {
      if (server.running) return;
      child = await spawnServer(binary, port, dir);
    },
    async close() {
      closing = true;
      server.resume();
      // Each client's end, awaited: ioredis keeps a timer until its socket has closed. One
      // waiting to reconnect has no socket: its next attempt ends it (or is disconnected).
      await Promise.all(
        [...clients].map((client) => {
          if (client.status === 'end') return undefined;
          const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
          if (client.status === 'reconnecting') client.once('connect', () => client.disconnect());
          else client.disconnect();
          // (One a test disconnected while it waited to reconnect never ends: not waited for long.)
          return Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
        }),
      );
      clients.clear();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
