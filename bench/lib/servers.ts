/**
 * Servers a scenario runs its contenders against, each in a process of its own on
 * 127.0.0.1: started, waited for until they answer, and stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** GETs `url` until it answers (a server starting), and returns the body. */
export async function waitForServer(url: string, child: ChildProcess, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench: ${what} exited with code ${child.exitCode}`);
    try {
      return await new Promise<string>((resolve, reject) => {
        http
          .get(url, { agent: false }, (res) => {
            let body = '';
            res.setEncoding('latin1');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
          })
          .on('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`bench: ${what} did not answer at ${url}: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * A server a scenario file starts itself when run with `flag`, in a process of its own
 * (`node --import tsx <file> <flag>`, from `root`): its base URL is the first line it
 * prints that starts with `http://`; it is ready once `probe` (a path) answers 200.
 */
export async function startServerProcess(
  root: string,
  file: string,
  flag: string,
  probe: string,
  what: string,
): Promise<{ base: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, flag], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`bench: ${what} exited with code ${code}`)));
  });
  try {
    await waitForServer(`${base}${probe}`, child, what);
  } catch (err) {
    await stop(child, 'SIGTERM');
    throw err;
  }
  return { base, stop: () => stop(child, 'SIGTERM') };
}

export function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill(signal);
  });
}

/** nginx in the foreground (master and one worker) with a minimal config in a temp dir, serving `body` as `/small.json` (keep-alive, no log). */
export async function startNginx(nginx: string, body: string): Promise<{ url: string; version: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxjs-asyncio-nginx-'));
  // The worker runs as an unprivileged user when the master is root: let it read the file.
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  fs.mkdirSync(path.join(dir, 'html'), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'html', 'small.json'), body, { mode: 0o644 });
  const temp = (name: string): string => `${name}_temp_path ${path.join(dir, name)};`;
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
      '  default_type application/json;',
      '  keepalive_requests 1000000;',
      '  keepalive_timeout 60s;',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${path.join(dir, 'html')};`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const version = spawnSync(nginx, ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
  const child = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/small.json`;
  const stopNginx = async (): Promise<void> => {
    // SIGQUIT: graceful shutdown of the master and its worker.
    await stop(child, 'SIGQUIT');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, child, 'nginx');
  } catch (err) {
    await stopNginx();
    throw err;
  }
  return { url, version, stop: stopNginx };
}
