import { format } from 'node:util';
import { PERMITS, SHORT_FORM, WORKERS, main as crawlRedis } from '../../demos/crawl-redis';
import { sections } from '../../demos/run-all';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';

/**
 * The crawl across processes, in its short form (what `npm run demo` runs): 100 pages by
 * 4 worker processes sharing one RedisSemaphore and one RedisRateLimiter through a
 * redis-server the demo starts itself, against a real embedded httpbin on 127.0.0.1. The
 * server's own counters are the witnesses: every page requested, never more than the
 * shared 8 in flight although the workers' own peaks add up to more, nothing left open.
 */
describe('demos/crawl-redis', () => {
  let httpbin: Httpbin;

  beforeEach(async () => {
    httpbin = await startHttpbin();
  });
  afterEach(async () => {
    await httpbin.close();
  });

  it('crawls 100 pages with 4 worker processes under one shared limit, and prints each worker’s peak and the total', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(...format(...args).split('\n'));
    });
    try {
      await crawlRedis({ httpbinUrl: httpbin.url, httpbin });
    } finally {
      spy.mockRestore();
    }

    expect(lines[0]).toBe('crawling 100 pages with 4 worker processes sharing one RedisSemaphore(8) and one RedisRateLimiter of 40 starts per 200 ms');
    const workers = lines.filter((line) => /^ {2}worker \d+:/.test(line));
    expect(workers).toHaveLength(WORKERS);
    const peaks = workers.map((line) => {
      const [, pages, peak] = /^ {2}worker \d+: (\d+) pages, \d+ failed, peak in flight (\d+)$/.exec(line)!;
      expect(Number(pages)).toBe(SHORT_FORM / WORKERS);
      return Number(peak);
    });
    // One dead link (page 100).
    expect(lines).toContainEqual(expect.stringMatching(/^done: 99 of 100 pages fetched, 1 failed, in \d+\.\d\d s$/));
    expect(httpbin.requests).toBe(SHORT_FORM);
    // The shared limit held at the server, though each worker alone went up to its own peak.
    expect(httpbin.maxActiveRequests).toBeLessThanOrEqual(PERMITS);
    for (const peak of peaks) expect(peak).toBeLessThanOrEqual(PERMITS);
    const sum = peaks.reduce((a, b) => a + b, 0);
    expect(lines).toContain(`total peak in flight seen by the server: ${httpbin.maxActiveRequests} (limit ${PERMITS}); the workers' peaks add up to ${sum}`);
    expect(sum).toBeGreaterThan(PERMITS);
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.activeRequests).toBe(0);
  }, 60_000);

  it('is listed in run-all as an HTTP section, so `npm run demo` runs its short form', () => {
    expect(sections.filter((s) => s.file === 'crawl-redis.ts')).toEqual([
      { title: expect.stringMatching(/^crawl-redis: /), file: 'crawl-redis.ts', needsHttpbin: true },
    ]);
  });
});
