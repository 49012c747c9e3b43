import { format } from 'node:util';
import { PERMITS, RATE, SHORT_FORM, main as crawlDemo } from '../../demos/crawl';
import type { DemoEnv } from '../../demos/run-all';
import { sections } from '../../demos/run-all';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';

/**
 * The crawler demo in its short form (what `npm run demo` runs: 100 pages), against a
 * real embedded httpbin on 127.0.0.1. Output is not a terminal here, so it prints plain
 * progress lines. The server's own counters are the witnesses: it received every page,
 * never had more than 20 requests in flight, and is left with no connection open.
 */
describe('demos/crawl', () => {
  let httpbin: Httpbin;
  const savedRequests = process.env.CRAWL_REQUESTS;

  beforeEach(async () => {
    delete process.env.CRAWL_REQUESTS;
    httpbin = await startHttpbin();
  });
  afterEach(async () => {
    await httpbin.close();
    if (savedRequests === undefined) delete process.env.CRAWL_REQUESTS;
    else process.env.CRAWL_REQUESTS = savedRequests;
  });

  /** Runs the demo and returns what it printed with `console.log`, line by line. */
  async function output(env: DemoEnv): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(...format(...args).split('\n'));
    });
    try {
      // As run-all calls it, but never with the live bar (a test runner's stdout may be a terminal).
      await crawlDemo(env, { progressBar: false });
    } finally {
      spy.mockRestore();
    }
    return lines;
  }

  it('fetches 100 pages under the limits, prints progress by quarters, and leaves nothing open', async () => {
    const lines = await output({ httpbinUrl: httpbin.url, httpbin });

    expect(lines.slice(0, 2)).toEqual([
      'crawling 100 pages through one Semaphore(20) and a RateLimiter of 40 starts per 200 ms',
      '  (the limiter alone makes 100 requests take at least 0.4 s)',
    ]);
    // Plain progress lines, one per quarter, in order. The dead link is page 100, the last
    // to start: it starts once 80 pages are done (20 permits), so it fails after 75%.
    const progress = lines.filter((line) => /^ {2}\d+%:/.test(line));
    expect(progress).toEqual([
      expect.stringMatching(/^ {2}25%: 25 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}50%: 50 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}75%: 75 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}100%: 100 of 100 pages, 1 failed, \d+\.\d\d s$/),
    ]);
    // Every request done: 99 pages and the one dead link (page 100).
    expect(lines).toContain('done: 99 of 100 pages fetched, 1 failed (1 × HttpStatusError 404)');
    expect(httpbin.requests).toBe(SHORT_FORM);

    // The rate limiter mattered: 100 starts at 40 per 200 ms cannot fit in less than 400 ms.
    const elapsed = lines.find((line) => line.startsWith('elapsed '));
    expect(elapsed).toMatch(/^elapsed \d+\.\d\d s: \d+ req\/s$/);
    const minimumMs = (Math.ceil(SHORT_FORM / RATE.count) - 1) * RATE.interval;
    expect(Number(/^elapsed (\S+) s/.exec(elapsed!)![1]) * 1000).toBeGreaterThanOrEqual(minimumMs - 10);

    // The peak in flight, as counted by the server itself, is within the semaphore's 20.
    expect(httpbin.maxActiveRequests).toBeLessThanOrEqual(PERMITS);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^peak in flight seen by the server: ${httpbin.maxActiveRequests} \\(limit 20\\); by the client: (\\d+)$`)),
    );
    const clientPeak = Number(/by the client: (\d+)$/.exec(lines.find((line) => line.startsWith('peak in flight'))!)![1]);
    expect(clientPeak).toBeLessThanOrEqual(PERMITS);

    expect(lines).toContain('semaphore back to full: 20 of 20 permits free, 0 waiting');

    // The demo closed its session: the server sees every request answered and every connection closed.
    await httpbin.waitForActiveRequests(0);
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.openConnections).toBe(0);
    expect(httpbin.activeRequests).toBe(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('is listed in run-all as an HTTP section, so `npm run demo` runs its short form', () => {
    expect(sections.filter((s) => s.file === 'crawl.ts')).toEqual([{ title: expect.stringMatching(/^crawl: /), file: 'crawl.ts', needsHttpbin: true }]);
  });
});
