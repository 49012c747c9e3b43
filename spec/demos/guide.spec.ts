import { format } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main as sessionDemo } from '../../demos/guide/01-session';
import { main as gatherDemo } from '../../demos/guide/02-gather';
import { main as asCompletedDemo } from '../../demos/guide/03-as-completed';
import { main as waitDemo } from '../../demos/guide/04-wait';
import { main as overallTimeoutDemo } from '../../demos/guide/05-overall-timeout';
import { main as requestTimeoutDemo } from '../../demos/guide/06-request-timeout';
import { main as errorsDemo } from '../../demos/guide/07-errors';
import { main as semaphoreDemo } from '../../demos/guide/08-semaphore';
import { main as streamingDemo } from '../../demos/guide/09-streaming';
import type { DemoEnv } from '../../demos/run-all';
import { sections } from '../../demos/run-all';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';

/**
 * Every example of the asyncio guide, run as `npm run demo` runs it against the
 * embedded httpbin on 127.0.0.1, at half its delays (DEMO_TIME_SCALE=0.5: requests
 * that must finish in a given order stay hundreds of ms apart, so a busy machine does
 * not reorder them). The printed story is checked, and after each demo the server
 * must see every connection closed: nothing a demo opened outlives it.
 */
describe('demos/guide', () => {
  let httpbin: Httpbin;
  let env: DemoEnv;
  const savedScale = process.env.DEMO_TIME_SCALE;

  beforeAll(async () => {
    process.env.DEMO_TIME_SCALE = '0.5';
    httpbin = await startHttpbin();
    env = { httpbinUrl: httpbin.url, httpbin };
  });
  afterAll(async () => {
    await httpbin.close();
    if (savedScale === undefined) delete process.env.DEMO_TIME_SCALE;
    else process.env.DEMO_TIME_SCALE = savedScale;
  });
  afterEach(async () => {
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.activeRequests).toBe(0);
  });

  /** Runs a demo and returns what it printed with `console.log`, elapsed times blanked out. */
  async function output(main: (env: DemoEnv) => Promise<void>): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(...format(...args).split('\n'));
    });
    try {
      await main(env);
    } finally {
      spy.mockRestore();
    }
    return lines.map((line) => line.replace(/\d+\.\ds\b/g, 'N.Ns'));
  }

  it('01-session: a request inside using(), and the session closed when the scope ends', async () => {
    const lines = await output(sessionDemo);
    expect(lines).toContain('GET /get → url <httpbin>/get');
    expect(lines.find((l) => l.startsWith('after the scope'))).toMatch(
      /^after the scope, the session refuses: SessionClosedError: GET http:\/\/127\.0\.0\.1:\d+\/get/,
    );
    expect(lines).toContain('GET /status/201 → 201 Created');
  });

  it('02-gather: prints [200, 201, 400]', async () => {
    expect(await output(gatherDemo)).toContain('statuses: [200, 201, 400]');
  });

  it('03-as-completed: prints the results in completion order, not submission order', async () => {
    const lines = await output(asCompletedDemo);
    expect(lines).toEqual([
      'submitted in this order: /delay/3, /delay/1, /delay/2',
      '  /delay/1 finished after N.Ns',
      '  /delay/2 finished after N.Ns',
      '  /delay/3 finished after N.Ns',
      'completion order: 1, 2, 3',
    ]);
  });

  it('04-wait: takes the first result, cancels the pending requests, and the server sees them closed', async () => {
    const lines = await output(waitDemo);
    expect(lines).toEqual([
      'first completed after N.Ns: /delay/1',
      'the server is still answering 2 requests',
      'pending: 2; cancelling them',
      'cancelled: true, true',
      "the server saw the cancelled requests' sockets close: 0 requests in flight, 1 idle connection open",
      'a pending task now fails with CancelledError',
    ]);
  });

  it('05-overall-timeout: the whole batch fails with rxjs TimeoutError at its deadline', async () => {
    const lines = await output(overallTimeoutDemo);
    expect(lines).toContain('gather({ timeout }) after N.Ns: TimeoutError: gather: timed out after 2000 ms');
    expect(lines).toContain('  instanceof rxjs TimeoutError: true');
    expect(lines).toContain('waitFor(gather(...)) after N.Ns: TimeoutError: waitFor: input did not complete within 2000 ms');
  });

  it('06-request-timeout: only the slow requests fail, a body that drips in included', async () => {
    const lines = await output(requestTimeoutDemo);
    expect(lines).toEqual([
      'each request may take 1 s',
      '  /delay/0.2: status 200',
      '  /delay/2: TimeoutError: GET <httpbin>/delay/… timed out after 1000 ms',
      '  /drip?duration=3 (headers at once, body over 3 s): TimeoutError: GET <httpbin>/drip?duration=… timed out after 1000 ms',
    ]);
  });

  it('07-errors: every failure in its place, each with its own class', async () => {
    const lines = await output(errorsDemo);
    expect(lines).toEqual([
      '  /status/200: ok, status 200',
      '  /status/404: HttpStatusError: the server answered 404',
      '  /status/500: HttpStatusError: the server answered 500',
      '  /delay/3 (1 s allowed): TimeoutError: no complete answer in time',
      '  a closed port (connection refused): NetworkError: GET http://127.0.0.1:<closed port>/get failed: connect ECONNREFUSED 127.0.0.1:<closed port>',
      expect.stringMatching(/^ {2}an invalid URL: NetworkError: GET http:\/\/exa mple\.invalid\/ failed: /),
      '1 succeeded, 5 failed, none was lost',
    ]);
  });

  it('08-semaphore: never more than 3 requests at once, and every permit back at the end', async () => {
    const lines = await output(semaphoreDemo);
    expect(lines.find((l) => l.includes('semaphore.run:'))).toMatch(/at most 3 ran at once$/);
    expect(lines).toContain('  permits free now: 3 of 3');
  });

  it('09-streaming: lines, events and chunks each printed as it came, progress counted, a stream left early', async () => {
    const before = httpbin.requests;
    const lines = await output(streamingDemo);
    expect(lines).toEqual([
      'lines of /stream/3 (NDJSON), each parsed as it arrives:',
      '  id 0',
      '  id 1',
      '  id 2',
      'Server-Sent Events of /sse, 3 over 1.5 s:',
      '  ping id=0 after N.Ns',
      '  ping id=1 after N.Ns',
      '  ping id=2 after N.Ns',
      'the first 2 chunks of a body sent over 10 s, then unsubscribed:',
      '  done after N.Ns (last chunk 1 byte): the request aborted, not read to its end',
      '/drip sends its headers at once, then 4 bytes over 2 s: each chunk as it comes',
      '  1 byte(s) after N.Ns, 1 of 4 so far',
      '  1 byte(s) after N.Ns, 2 of 4 so far',
      '  1 byte(s) after N.Ns, 3 of 4 so far',
      '  1 byte(s) after N.Ns, 4 of 4 so far',
    ]);
    // Its four requests went to the embedded httpbin (none of its own started).
    expect(httpbin.requests - before).toBe(4);
  });

  it('covers every guide demo, each listed in run-all', () => {
    const files = fs.readdirSync(path.join(__dirname, '../../demos/guide')).filter((f) => /^\d\d-.*\.ts$/.test(f));
    const listed = sections.filter((s) => s.file.startsWith('guide/')).map((s) => s.file.slice('guide/'.length));
    expect(listed).toEqual(files);
    expect(sections.filter((s) => s.file.startsWith('guide/')).every((s) => s.needsHttpbin)).toBe(true);
  });
});
