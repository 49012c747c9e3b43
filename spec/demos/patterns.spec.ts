import { format } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main as gatherDemo } from '../../demos/patterns/01-gather';
import { main as asCompletedDemo } from '../../demos/patterns/02-as-completed';
import { main as waitDemo } from '../../demos/patterns/03-wait';
import { main as waitForDemo } from '../../demos/patterns/04-wait-for';
import { main as operatorsDemo } from '../../demos/patterns/05-operators';
import { main as tasksDemo } from '../../demos/patterns/06-tasks';
import { sections } from '../../demos/run-all';

/**
 * Each pattern demo is run as `npm run demo` runs it, and its printed story is
 * checked. The demos' timers stand in for I/O, so the spec runs them on jest's fake
 * clock: each timer fires in order of its due time, however busy the machine is, and
 * the order of events is exact. The times (`~300 ms`) are blanked out all the same, as
 * they are only approximate in a real run.
 */

/** Runs a demo on the fake clock and returns the lines it printed, times replaced by `~N ms`. */
async function output(main: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(...format(...args).split('\n'));
  });
  jest.useFakeTimers();
  try {
    const done = main();
    // Fires every timer in due order, letting promises settle in between, until none is left.
    await jest.runAllTimersAsync();
    await done;
  } finally {
    jest.useRealTimers();
    spy.mockRestore();
  }
  return lines.map((line) => line.replace(/~\d+ ms/g, '~N ms'));
}

/** Whether `expected` appear among `lines` in this order (other lines may come between). */
function inOrder(lines: readonly string[], expected: readonly string[]): boolean {
  let from = 0;
  for (const line of expected) {
    const found = lines.indexOf(line, from);
    if (found < 0) return false;
    from = found + 1;
  }
  return true;
}

const savedScale = process.env.DEMO_TIME_SCALE;
beforeAll(() => {
  process.env.DEMO_TIME_SCALE = '0.1';
});
afterAll(() => {
  if (savedScale === undefined) delete process.env.DEMO_TIME_SCALE;
  else process.env.DEMO_TIME_SCALE = savedScale;
});

describe('demos/patterns', () => {
  it('01-gather: results in submission order, failures in place or raised with the rest aborted', async () => {
    const lines = await output(gatherDemo);
    // Finished in completion order, emitted in submission order.
    expect(inOrder(lines, ['  b.txt finished at ~N ms', '  c.txt finished at ~N ms', '  a.txt finished at ~N ms'])).toBe(true);
    expect(lines).toContain('gather emitted at ~N ms: a.txt, b.txt, c.txt  (submission order, not completion order)');
    // returnExceptions: the error sits in b.txt's slot.
    expect(inOrder(lines, ['  [0] a.txt', '  [1] Error: b.txt: 404 Not Found', '  [2] c.txt'])).toBe(true);
    // Without it: the others are aborted and the failure raised.
    expect(inOrder(lines, ['  c.txt aborted', '  a.txt aborted', 'gather failed at ~N ms: Error: b.txt: 404 Not Found'])).toBe(true);
    expect(lines).toContain('gather emitted at ~N ms: user=user.json posts=posts.json');
  });

  it('02-as-completed: results in completion order, the generator pulled lazily, then the timeout', async () => {
    const lines = await output(asCompletedDemo);
    expect(lines.slice(1, 4)).toEqual(['  ~N ms  b.txt', '  ~N ms  c.txt', '  ~N ms  a.txt']);
    // With concurrency 2, the generator is asked for the next input only when a slot frees.
    const start = lines.indexOf('  generator: yields a.txt (500 ms)');
    expect(lines.slice(start, start + 9)).toEqual([
      '  generator: yields a.txt (500 ms)',
      '  generator: yields b.txt (100 ms)',
      '  ~N ms  b.txt',
      '  generator: yields c.txt (150 ms)',
      '  ~N ms  c.txt',
      '  generator: yields d.txt (100 ms)',
      '  ~N ms  d.txt',
      '  generator: exhausted',
      '  ~N ms  a.txt',
    ]);
    const timeout = lines.findIndex((line) => line.startsWith('timeout: 250'));
    expect(lines.slice(timeout + 1, timeout + 4)).toEqual(['  ~N ms  b.txt', '  ~N ms  c.txt', '  a.txt aborted']);
    expect(lines[timeout + 4]).toMatch(/^failed at ~N ms: TimeoutError: asCompleted: timed out after \d+ ms$/);
  });

  it('03-wait: FIRST_COMPLETED leaves the others pending until cancelled; failures and timeouts are in done, not raised', async () => {
    const lines = await output(waitDemo);
    expect(lines).toContain('wait emitted at ~N ms: done: mirror-b; pending: mirror-a, mirror-c');
    expect(lines).toContain('  mirror-b result(): "mirror-b"');
    expect(
      inOrder(lines, [
        '  mirror-a aborted',
        '  mirror-a cancel(): true, cancelled(): true',
        '  mirror-c aborted',
        '  mirror-c cancel(): true, cancelled(): true',
      ]),
    ).toBe(true);
    expect(lines).toContain('wait emitted at ~N ms: done: job-1, job-2; pending: job-3');
    expect(lines).toContain('  job-2 exception(): Error: job-2: disk full');
    expect(lines).toContain('wait emitted at ~N ms: done: job-3; pending: none');
    expect(lines).toContain('wait emitted at ~N ms: done: t-100, t-200; pending: t-400');
    expect(lines).toContain('  t-400 cancelled(): true');
  });

  it('04-wait-for: waitFor and deadline fail with rxjs TimeoutError and unsubscribe the input', async () => {
    const lines = await output(waitForDemo);
    expect(lines).toContain('  result at ~N ms: report');
    expect(inOrder(lines, ['  export aborted', '  err instanceof TimeoutError (rxjs): true'])).toBe(true);
    expect(lines.some((line) => /^ {2}failed at ~N ms: TimeoutError: waitFor: input did not complete within \d+ ms$/.test(line))).toBe(true);
    expect(inOrder(lines, ['  backup aborted', '  failed at ~N ms: TimeoutError', '  task.cancelled(): true'])).toBe(true);
    // deadline: some ticks (how many depends on timer jitter), then TimeoutError.
    const deadline = lines.findIndex((line) => line.startsWith('deadline(350)'));
    const ticks = lines.slice(deadline + 1).findIndex((line) => !line.startsWith('  tick '));
    expect(ticks).toBeGreaterThan(0);
    expect(lines[deadline + 1 + ticks]).toBe('  failed at ~N ms: TimeoutError');
    expect(lines).toContain('  completed at ~N ms after tick 4: no TimeoutError');
  });

  it('05-operators: gatherAll in arrival order, asCompletedAll in completion order, waitUntil picks the fastest mirror', async () => {
    const lines = await output(operatorsDemo);
    expect(lines).toContain('  emitted at ~N ms: a.txt, b.txt, c.txt, d.txt');
    expect(inOrder(lines, ['  ~N ms  b.txt', '  ~N ms  c.txt', '  ~N ms  d.txt', '  ~N ms  a.txt'])).toBe(true);
    expect(lines).toContain('  emitted at ~N ms: the winner is us; 2 still pending');
    expect(inOrder(lines, ['  eu aborted', '  asia aborted', '  all cancelled: true'])).toBe(true);
  });

  // The pool starts the next input only after the finished one's teardown has run.
  it('05-operators: never more than `concurrency` inputs subscribed at once', async () => {
    const lines = await output(operatorsDemo);
    expect(lines).toContain('  at most 2 ran at once');
    expect(lines).toContain('  complete at ~N ms; at most 2 ran at once');
  });

  it('06-tasks: a task runs once, keeps its result or error, and cancel() raises CancelledError', async () => {
    const lines = await output(tasksDemo);
    expect(
      inOrder(lines, [
        '  report started (start #1)',
        '  done(): false',
        '  result() throws InvalidStateError: result(): the task is not done yet',
        '  early subscriber got "report" at ~N ms',
        '  late subscriber got "report" at once, from the same run',
        '  done(): true; the work started once',
        '  result() → "report"',
        '  exception() → undefined',
      ]),
    ).toBe(true);
    expect(inOrder(lines, ['  exception() → Error: upload: quota exceeded', '  result() throws Error: upload: quota exceeded'])).toBe(true);
    expect(
      inOrder(lines, [
        '  backup aborted',
        '  subscriber got CancelledError: the task was cancelled',
        '  cancel() → true',
        '  done(): true, cancelled(): true',
        '  cancel() again → false',
        '  result() throws CancelledError: the task was cancelled',
        '  exception() throws CancelledError: the task was cancelled',
      ]),
    ).toBe(true);
  });

  it('run-all lists every pattern demo, in file order', () => {
    const dir = path.join(__dirname, '../../demos/patterns');
    const files = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .sort();
    const listed = sections.filter((s) => s.file.startsWith('patterns/')).map((s) => s.file.slice('patterns/'.length));
    expect(listed).toEqual(files);
  });
});
