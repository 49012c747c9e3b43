import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

/**
 * Promises are never left unhandled: a Promise input that a run never reaches, or
 * leaves before it settles, never causes an `unhandledRejection`. Proven where it
 * matters, in a child process with Node's default flags (an unhandled rejection ends
 * it with exit code 1), one per scenario of spec/faults/children/early-exit.ts.
 */
const ROOT = path.join(__dirname, '../..');
let dir: string;
let script: string;

// The scenarios compiled once into one script, so that each child is a plain `node script.js`.
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'early-exit-'));
  script = path.join(dir, 'early-exit.js');
  await build({ entryPoints: [path.join(__dirname, 'children/early-exit.ts')], bundle: true, platform: 'node', outfile: script, logLevel: 'silent' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, scenario], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}

const SCENARIOS = [
  'gather: an earlier failure',
  'gather: a failure inside the concurrency window',
  'gather: the timeout',
  'gather: a Promise rejects while it waits for a slot',
  'asCompleted: a Set, a Promise rejects while it waits for a slot',
  'gather: an array iterator, a Promise rejects while it waits for a slot',
  "asCompleted: a Map's values, the first failure",
  'gather: an async iterable brings a Promise after the timeout',
  'Condition.runWhen: a Promise asleep',
  'gatherAll: a source Promise rejects while it waits for a slot',
  'Semaphore: a queued Promise rejects while it waits',
  'RateLimiter: a queued Promise rejects while it waits',
  'gather: a record and a Map',
  'asCompleted: take(1)',
  'asCompleted: a Set, the first failure',
  'asCompleted: unsubscribed',
  'wait: unsubscribed before it emits',
  'wait: FIRST_COMPLETED, a pending Promise rejects later',
  'Semaphore: a queued Promise left the queue',
  'RateLimiter: a queued Promise left the queue',
];

describe('no unhandled rejection on an early exit', () => {
  it('the harness sees a rejection left unhandled (control: exit code 1)', async () => {
    const { code, stderr } = await run('control');
    expect(code).toBe(1);
    expect(stderr).toContain('rejected after 5 ms');
  });

  it.each(SCENARIOS)('%s: the process ends on its own with exit code 0', async (scenario) => {
    const { code, stdout, stderr } = await run(scenario);
    expect(stderr).toBe('');
    expect(stdout).toContain(`ran ${scenario}`);
    expect(code).toBe(0);
  });
});
