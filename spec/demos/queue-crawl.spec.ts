import { format } from 'node:util';
import type { DemoEnv } from '../../demos/run-all';
import { sections } from '../../demos/run-all';
import { SHORT_FORM, WORKERS, linksIn, main as queueCrawlDemo } from '../../demos/queue-crawl';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';

/**
 * The producer/consumer crawler in its short form (what `npm run demo` runs: a site of
 * 100 pages), against a real embedded httpbin on 127.0.0.1. The server's counters are the
 * witnesses: it was asked for each page exactly once, and is left with nothing open.
 */
describe('demos/queue-crawl', () => {
  let httpbin: Httpbin;
  const savedPages = process.env.CRAWL_PAGES;

  beforeEach(async () => {
    delete process.env.CRAWL_PAGES;
    httpbin = await startHttpbin();
  });
  afterEach(async () => {
    await httpbin.close();
    if (savedPages === undefined) delete process.env.CRAWL_PAGES;
    else process.env.CRAWL_PAGES = savedPages;
  });

  /** Runs the demo and returns what it printed with `console.log`, line by line. */
  async function output(env: DemoEnv): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(...format(...args).split('\n'));
    });
    try {
      await queueCrawlDemo(env, { progressBar: false });
    } finally {
      spy.mockRestore();
    }
    return lines;
  }

  it('reads the links of an httpbin /links page', () => {
    expect(linksIn("<body><a href='/links/3/0'>0</a> 1 <a href='/links/3/2'>2</a> </body>")).toEqual(['/links/3/0', '/links/3/2']);
  });

  it('fetches every page of the site once through the workers, prints progress by quarters, and leaves nothing open', async () => {
    const lines = await output({ httpbinUrl: httpbin.url, httpbin });

    expect(lines[0]).toBe(`crawling a site of 100 pages from /links/100/0: one Queue, ${WORKERS} workers in a taskGroup`);
    expect(lines.filter((line) => /^ {2}\d+%:/.test(line))).toEqual([
      expect.stringMatching(/^ {2}25%: 25 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}50%: 50 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}75%: 75 of 100 pages, 0 failed, \d+\.\d\d s$/),
      expect.stringMatching(/^ {2}100%: 100 of 100 pages, 0 failed, \d+\.\d\d s$/),
    ]);
    // Each of the 100 pages links to the 99 others: 9,900 links, 100 distinct pages.
    expect(lines).toContainEqual(expect.stringMatching(/^done: 100 pages fetched in \d+\.\d\d s, 9900 links found, 100 distinct$/));
    expect(httpbin.requests).toBe(SHORT_FORM);

    // Every worker ended, and between them they fetched every page once.
    const perWorker = /^pages per worker: ([\d, ]+) \((\d+) workers, all ended\)$/.exec(lines.find((line) => line.startsWith('pages per worker'))!)!;
    const counts = perWorker[1]!.split(', ').map(Number);
    expect(counts).toHaveLength(WORKERS);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(SHORT_FORM);
    expect(lines).toContain('queue back to empty: size 0, and join() emits at once: true');

    await httpbin.waitForActiveRequests(0);
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.openConnections).toBe(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('is listed in run-all as an HTTP section, so `npm run demo` runs its short form', () => {
    expect(sections.filter((s) => s.file === 'queue-crawl.ts')).toEqual([
      { title: expect.stringMatching(/^queue-crawl: /), file: 'queue-crawl.ts', needsHttpbin: true },
    ]);
  });
});
