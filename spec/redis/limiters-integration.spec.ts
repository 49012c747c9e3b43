/**
 * The Redis limiters where the library takes any `Limiter`: `withPermit`, `rateLimit`,
 * and a session's `semaphore` and `rateLimiter` options (API.md, "The Limiter
 * interface"), against a real redis-server and the embedded httpbin, both started here.
 *
 * Two limiter instances on two clients share each key, as two processes would: the
 * limit holds across both. The server's own counters are the witnesses.

 */
import { Subject, defer, lastValueFrom, merge, of, timer } from 'rxjs';
import { finalize, map, toArray } from 'rxjs/operators';
import { CancelledError, asCompleted, gather, rateLimit, withPermit } from '../../lib';
import type { Limiter } from '../../lib';
import { createSession } from '../../lib/http';
import type { ClientSession } from '../../lib/http';
import { RedisRateLimiter, RedisSemaphore } from '../../lib/redis';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';

let server: RedisServer;
let httpbin: Httpbin;
let keys = 0;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});
// A fresh httpbin per test: its peak of requests in flight is that test's.
beforeEach(async () => {
  httpbin = await startHttpbin();
});
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
  await httpbin.close();
});

/** Two semaphores (two clients) sharing a new key. */
function semaphores(permits: number): [RedisSemaphore, RedisSemaphore] {
  const key = `spec:integration:${++keys}`;
  const made = [0, 1].map(() => new RedisSemaphore({ redis: server.client(), key, permits })) as [RedisSemaphore, RedisSemaphore];
  closing.push(...made);
  return made;
}

/** Two rate limiters (two clients) sharing a new key. */
function rateLimiters(count: number, interval: number): [RedisRateLimiter, RedisRateLimiter] {
  const key = `spec:integration:${++keys}`;
  const made = [0, 1].map(() => new RedisRateLimiter({ redis: server.client(), key, count, interval })) as [RedisRateLimiter, RedisRateLimiter];
  closing.push(...made);
  return made;
}

function session(options: Parameters<typeof createSession>[0] = {}): ClientSession {
  const made = createSession({ baseURL: httpbin.url, timeout: 10_000, ...options });
  closing.push(made);
  return made;
}

/** A job that counts itself while it runs (`counter.peak`: the most at once). */
function counting(counter: { running: number; peak: number }, i: number) {
  return defer(() => {
    counter.peak = Math.max(counter.peak, ++counter.running);
    return timer(5).pipe(
      map(() => i),
      finalize(() => counter.running--),
    );
  });
}

describe('Redis limiters as Limiters', () => {
  it('are Limiters: run() composes with gather and asCompleted, and the limit holds across instances', async () => {
    const [a, b] = semaphores(2);
    const limiters: Limiter[] = [a, b];
    const http = session();
    const statuses = await lastValueFrom(gather(Array.from({ length: 10 }, (_, i) => limiters[i % 2]!.run(http.status('/delay/0.05')))));
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
    expect(httpbin.maxActiveRequests).toBe(2);
    const [c, d] = rateLimiters(3, 200);
    const started: number[] = [];
    const results = await lastValueFrom(
      asCompleted(Array.from({ length: 6 }, (_, i) => (i % 2 ? c : d).run(() => (started.push(performance.now()), of(i))))).pipe(toArray()),
    );
    expect(results.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started[5]! - started[0]!).toBeGreaterThanOrEqual(150);
  });

  it('withPermit(redisSemaphore): the source runs under a permit shared across instances', async () => {
    const [a, b] = semaphores(2);
    const counter = { running: 0, peak: 0 };
    const results = await lastValueFrom(
      merge(...Array.from({ length: 8 }, (_, i) => counting(counter, i).pipe(withPermit((i % 2 ? a : b) as never)))).pipe(toArray()),
    );
    expect(results.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(counter.peak).toBe(2);
  });

  it('rateLimit(redisRateLimiter): the source starts when the shared window allows', async () => {
    const [a, b] = rateLimiters(2, 200);
    const started: number[] = [];
    const source = (i: number) => of(i).pipe(map((v) => (started.push(performance.now()), v)));
    const results = await lastValueFrom(merge(...Array.from({ length: 4 }, (_, i) => source(i).pipe(rateLimit((i % 2 ? a : b) as never)))).pipe(toArray()));
    expect(results.sort()).toEqual([0, 1, 2, 3]);
    expect(started[2]! - started[0]!).toBeGreaterThanOrEqual(150);
  });

  it('createSession({ semaphore: redisSemaphore }): every request takes a permit; two sessions share the limit', async () => {
    const [a, b] = semaphores(2);
    const one = session({ semaphore: a as never });
    const two = session({ semaphore: b as never });
    await lastValueFrom(merge(...Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).status('/delay/0.05'))));
    expect(httpbin.requests).toBe(10);
    expect(httpbin.maxActiveRequests).toBe(2);
  });

  it('createSession({ rateLimiter: redisRateLimiter }): every request start waits for the shared window', async () => {
    const [a, b] = rateLimiters(2, 300);
    const one = session({ rateLimiter: a } as never);
    const two = session({ rateLimiter: b } as never);
    const t0 = performance.now();
    const statuses = await lastValueFrom(merge(...Array.from({ length: 6 }, (_, i) => (i % 2 ? one : two).status('/get'))).pipe(toArray()));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(httpbin.requests).toBe(6);
    // 6 starts at 2 per 300 ms: the last at least two windows after the first.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
  });
});

// "Every process that uses the same key shares one limit": one limit of one kind. A
// semaphore and a rate limiter that happen to share a key are two limits.
describe('a RedisSemaphore and a RedisRateLimiter on the same key', () => {
  it("are two limits: neither takes the other's waiters or permits", async () => {
    const key = `spec:integration:${++keys}`;
    const semaphore = new RedisSemaphore({ redis: server.client(), key, permits: 1 });
    const limiter = new RedisRateLimiter({ redis: server.client(), key, count: 1, interval: 60_000 });
    closing.push(semaphore, limiter);
    const release = new Subject<void>();
    const first = lastValueFrom(semaphore.run(release), { defaultValue: 'first done' });
    const started: string[] = [];
    const second = lastValueFrom(semaphore.run(defer(() => (started.push('second'), of('second')))));
    expect(await lastValueFrom(limiter.run(of('a')))).toBe('a');
    const b = lastValueFrom(limiter.run(defer(() => (started.push('b'), of('b'))))).catch((err: unknown) => err);
    // Each waits in its own queue, and the start the rate limiter took is not a permit.
    expect(await lastValueFrom(semaphore.counts())).toEqual({ available: 0, waiting: 1 });
    expect(await lastValueFrom(limiter.counts())).toEqual({ available: 0, waiting: 1 });
    release.complete();
    expect(await first).toBe('first done');
    expect(await second).toBe('second');
    expect(started).toEqual(['second']);
    expect(await lastValueFrom(limiter.counts())).toEqual({ available: 0, waiting: 1 });
    await limiter.close();
    expect(await b).toBeInstanceOf(CancelledError);
  });
});
