import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { ResourceTracker } from '../testing/resources';
import { answer, response, startHostile } from './server';
import type { Hostile, Route } from './server';

/**
 * Issue 13, item 1, measured: an endless body reached 3.5 GB RSS in about 10 s, and a
 * 1.5 MB gzip bomb came back as a 1.5 GiB Buffer at 3.2 GB RSS. With default options
 * (`maxContentLength` 64 MiB), each now fails with ResponseTooLargeError while the client's
 * peak RSS stays under its baseline + the limit + 100 MB. The client runs in a child
 * process (spec/hostile/memory-child.ts), so the peak is its own; the server runs here.
 */

const MiB = 1024 * 1024;
const LIMIT = 64 * MiB;
const SLACK = 100 * 1000 * 1000;
/**
 * The body streamed, and how far above its baseline the client's RSS may go meanwhile.
 * Issue 15 asked for +64 MB; Node itself does not stay under that. Each socket read is a
 * fresh ArrayBuffer that V8 frees only at a GC, and V8 lets such external memory grow by
 * 64 MiB past the last GC before it collects. Measured here on 1 GiB, same harness: a bare
 * `http.get` that only counts the chunks +45 to +68 MB, the session on axios +38 to +64 MB
 * (64.2 MB once in CI, failing a 64 MiB bound); raw undici `dispatch` +74 to +88 MB, the
 * session on undici +61 to +72 MB. The bound is the worst of those floors with room for a
 * loaded machine; a body kept rather than streamed overshoots it by a gigabyte.
 */
const GiB = 1024 * MiB;
const STREAM_SLACK: Record<string, number> = { axios: 80 * MiB, undici: 96 * MiB };

/** A child is killed, and its test fails, past this. */
const DEADLINE_MS = 60_000;

/** Headers, then zeros for as long as the client reads. */
const endless: Route = (_req, wire) => {
  wire.write('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
  wire.flood(Buffer.alloc(256 * 1024));
};

/** 1 GiB of zeros, framed by its Content-Length. */
const gigabyte: Route = (_req, wire) => {
  wire.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${GiB}\r\n\r\n`);
  wire.flood(Buffer.alloc(256 * 1024), GiB);
};

/**
 * A gzip bomb of 1 GiB of zeros in about 1 MB: 1,024 gzip members of 1 MiB each, one after
 * the other (a gzip file may hold several members; decoders undo them all).
 */
function gzipBomb(): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 });
  return response(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' }, Buffer.concat(Array(1024).fill(member) as Buffer[]));
}

interface Measured {
  name: string;
  limit?: number;
  message: string;
  bytes?: number;
  baseline: number;
  peak?: number;
  reset: boolean;
}

/** Runs memory-child.ts against `url` and resolves with what it measured. */
function measure(transport: string, url: string, mode?: 'stream'): Promise<Measured> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'memory-child.ts'), transport, url, ...(mode === undefined ? [] : [mode])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith('MEMORY '));
      if (code !== 0 || line === undefined) reject(new Error(`memory-child exited with ${code}:\n${output.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('MEMORY '.length)) as Measured);
    });
  });
}

describe('memory under a hostile body, with default options', () => {
  const resources = new ResourceTracker();
  let server: Hostile;

  beforeAll(async () => {
    server = await startHostile({ '/warm': answer(response(200, {}, 'warm')), '/endless': endless, '/bomb': answer(gzipBomb()), '/gigabyte': gigabyte });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    resources.start();
  });

  afterEach(async () => {
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  it.each([
    ['axios', 'an endless body', '/endless'],
    ['undici', 'an endless body', '/endless'],
    ['axios', 'a gzip bomb of 1 GiB', '/bomb'],
    ['undici', 'a gzip bomb of 1 GiB', '/bomb'],
  ])(
    `on %s, fails %s with ResponseTooLargeError, its peak RSS under baseline + 64 MiB + 100 MB`,
    async (transport, _what, path) => {
      const measured = await measure(transport, `${server.url}${path}`);
      expect(measured).toMatchObject({ name: 'ResponseTooLargeError', limit: LIMIT });
      expect(measured.message).toBe(`GET ${server.url}${path} failed: the response body is larger than maxContentLength (67108864 bytes)`);
      expect(measured.peak).toBeDefined();
      expect(measured.peak!).toBeLessThan(measured.baseline + LIMIT + SLACK);
      // How far under the bound it stayed, when asked (HOSTILE_REPORT=1).
      if (process.env.HOSTILE_REPORT === '1')
        console.log(
          `${transport} ${path}: baseline ${(measured.baseline / 1e6).toFixed(0)} MB, peak ${(measured.peak! / 1e6).toFixed(0)} MB (bound ${((measured.baseline + LIMIT + SLACK) / 1e6).toFixed(0)} MB)`,
        );
    },
    DEADLINE_MS + 10_000,
  );

  it.each(['axios', 'undici'])(
    'on %s, streams 1 GiB chunk by chunk with session.stream(), its peak RSS under baseline + 80 MiB (undici: 96 MiB)',
    async (transport) => {
      const measured = await measure(transport, `${server.url}/gigabyte`, 'stream');
      expect(measured).toMatchObject({ name: 'complete', bytes: GiB });
      expect(measured.peak).toBeDefined();
      expect(measured.peak!).toBeLessThan(measured.baseline + STREAM_SLACK[transport]!);
      if (process.env.HOSTILE_REPORT === '1')
        console.log(`${transport} stream 1 GiB: baseline ${(measured.baseline / 1e6).toFixed(0)} MB, peak ${(measured.peak! / 1e6).toFixed(0)} MB`);
    },
    DEADLINE_MS + 10_000,
  );
});
