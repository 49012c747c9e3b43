import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The soak's short form: `tsx soak/run.ts 10000 --malformed=100` (10,000 requests through
 * one session at concurrency 200, against httpbin in a child process, 1% seeded faults;
 * then 100 malformed responses a transport), run as `npm run soak` runs it, bounded by a
 * deadline (about 15 s on two idle cores; the deadline leaves room for a loaded machine).
 * It must exit 0, and its report must show every request ending as its fault (or its
 * malformed kind) says, the heap back within 10% of where it settled, and nothing left open.
 */
const REQUESTS = 10_000;
const MALFORMED = 100;
/** The run is killed, and the test fails, past this: far above its length on a loaded machine. */
const DEADLINE_MS = 120_000;

interface SoakResult {
  ok: boolean;
  requests: number;
  reqPerSec: number;
  errors: Record<string, number>;
  expectedErrors: Record<string, number>;
  mismatches: number;
  heap: { settledMB: number; endMB: number; change: number; tolerance: number; ok: boolean };
  samples: { at: string; heapMB: number }[];
  server: { openConnections: number; requests: number };
  leftover: string[];
  malformed: Record<
    string,
    { requests: number; kinds: number; endings: Record<string, number>; mismatches: number; unhandled: number; openAfterClose: number }
  >;
}

/**
 * Runs the soak script as `npm run soak` does (node with tsx's loader), in a process
 * group of its own so that the deadline kills it with its server child; resolves with
 * its exit code and output once its pipes have closed.
 */
function runSoak(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'soak', 'run.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      output += `\n(killed: still running after ${DEADLINE_MS} ms)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, DEADLINE_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('soak (short form)', () => {
  it(
    `runs ${REQUESTS} requests with 1% faults, then ${MALFORMED} malformed responses a transport: every outcome as expected, a flat heap, nothing left open`,
    async () => {
      const { code, signal, output } = await runSoak([String(REQUESTS), `--malformed=${MALFORMED}`]);
      const line = output.split('\n').find((l) => l.startsWith('SOAK_RESULT '));
      if (line === undefined || code !== 0) {
        const report = output.split('\n').filter((l) => !l.startsWith('SOAK_RESULT '));
        throw new Error(`soak exited with ${code ?? signal}:\n${report.join('\n').slice(-4000)}`);
      }
      const result = JSON.parse(line.slice('SOAK_RESULT '.length)) as SoakResult;
      expect(result.ok).toBe(true);
      expect(result.requests).toBe(REQUESTS);
      expect(result.reqPerSec).toBeGreaterThan(0);
      expect(result.mismatches).toBe(0);
      // About 1% faults, each ending as its class says.
      const failed = Object.values(result.errors).reduce((a, b) => a + b, 0);
      expect(failed).toBeGreaterThan(REQUESTS * 0.005);
      expect(failed).toBeLessThan(REQUESTS * 0.02);
      expect(result.errors).toEqual(result.expectedErrors);
      expect(Math.abs(result.heap.change)).toBeLessThanOrEqual(result.heap.tolerance);
      expect(result.samples.length).toBeGreaterThanOrEqual(20);
      expect(result.server.openConnections).toBe(0);
      expect(result.leftover).toEqual([]);
      expect(Object.keys(result.malformed)).toEqual(['axios', 'undici']);
      for (const report of Object.values(result.malformed)) {
        expect(report).toMatchObject({ requests: MALFORMED, mismatches: 0, unhandled: 0, openAfterClose: 0 });
        expect(Object.keys(report.endings).sort()).toEqual(['NetworkError', 'ResponseTooLargeError', 'SyntaxError', 'TimeoutError']);
      }
      // The same draw ends the same way on both transports.
      expect(result.malformed.undici!.endings).toEqual(result.malformed.axios!.endings);
    },
    DEADLINE_MS + 10_000,
  );
});
