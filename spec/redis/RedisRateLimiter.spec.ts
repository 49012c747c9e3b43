/**
 * RedisRateLimiter in one process, against a real redis-server this spec starts; each
 * instance on a client of its own, as separate processes would be. (Across real
 * processes: spec/redis/multiprocess.spec.ts.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Subject, firstValueFrom, lastValueFrom, merge, of } from 'rxjs';
import { toArray } from 'rxjs/operators';
import { CancelledError } from '../../lib';
import { LimiterUnavailableError, RedisRateLimiter } from '../../lib/redis';
import { closedPort, deferred } from './helpers';
import { unhandledDuring } from '../testing/unhandled';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';

let server: RedisServer;
let keys = 0;
const made: RedisRateLimiter[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(made.splice(0).map((limiter) => limiter.close()));
});

/** `n` limiters sharing one new key, each on its own client (as `n` processes). */
function shared(n: number, count: number, interval: number): RedisRateLimiter[] {
  const key = `spec:rate:${++keys}`;
  const limiters = Array.from({ length: n }, () => new RedisRateLimiter({ redis: server.client(), key, count, interval }));
  made.push(...limiters);
  return limiters;
}

/** The spread allowed between Redis's clock and the start of an input here, on 2 loaded cores (see the test). */
const JITTER = 100;

const waiting = async (limiter: RedisRateLimiter): Promise<number> => (await firstValueFrom(limiter.counts())).waiting;

describe('RedisRateLimiter', () => {
  it('allows at most `count` starts in any window of `interval`, across instances', async () => {
    const interval = 400;
    const [a, b] = shared(2, 2, interval);
    const starts: number[] = [];
    const job = (limiter: RedisRateLimiter, i: number) => limiter.run(() => (starts.push(performance.now()), of(i)));
    const results = await lastValueFrom(merge(...Array.from({ length: 7 }, (_, i) => job(i % 2 ? a! : b!, i))).pipe(toArray()));
    expect(results.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Starts i and i + 2 are a window apart in Redis's clock. Timed here, when each input
    // starts, they can come closer by the spread of the delay from Redis's grant to the
    // start (a reply read sooner than another): JITTER allows for it.
    for (let i = 0; i + 2 < starts.length; i++) expect(starts[i + 2]! - starts[i]!).toBeGreaterThanOrEqual(interval - JITTER);
    expect(starts[6]! - starts[0]!).toBeGreaterThanOrEqual(3 * interval - JITTER);
  });

  it('is cold, and calls a function input only when its start is allowed', async () => {
    const [a] = shared(1, 1, 60_000);
    let calls = 0;
    const run = a!.run(() => (calls++, of(calls)));
    expect(calls).toBe(0);
    expect(await lastValueFrom(run)).toBe(1);
    const second = lastValueFrom(run);
    expect(await waiting(a!)).toBe(1);
    expect(calls).toBe(1);
    // The window of a minute will not open in this test: closing cancels the waiter.
    const cancelled = expect(second).rejects.toBeInstanceOf(CancelledError);
    await a!.close();
    await cancelled;
    expect(calls).toBe(1);
  });

  it('serves waiters first come, first served across instances', async () => {
    const [a, b, c] = shared(3, 1, 100);
    await lastValueFrom(a!.run(of('fills the window')));
    const order: number[] = [];
    const arrivals = [b, c, a, c, b] as RedisRateLimiter[];
    const done: Promise<unknown>[] = [];
    for (const [i, limiter] of arrivals.entries()) {
      done.push(lastValueFrom(limiter.run(() => (order.push(i), of(i)))));
      // Redis has it before the next one asks (the window may reopen meanwhile: no matter).
      await waiting(limiter);
    }
    await Promise.all(done);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('a waiter that unsubscribes leaves the queue at once, in Redis too, and never starts', async () => {
    // A window of a second: it stays closed while the test looks (on a loaded machine too).
    const [a, b] = shared(2, 1, 1_000);
    await lastValueFrom(a!.run(of(0)));
    let started = false;
    const leaving = b!.run(() => ((started = true), of('left'))).subscribe();
    expect(await waiting(b!)).toBe(1);
    leaving.unsubscribe();
    expect(await waiting(b!)).toBe(0);
    // The next waiter gets the next start.
    expect(await lastValueFrom(a!.run(of('next')))).toBe('next');
    expect(started).toBe(false);
  });

  it('passes values, completion and errors on, and unsubscribes a started input', async () => {
    const [a] = shared(1, 5, 1_000);
    expect(await lastValueFrom(a!.run(of(1, 2, 3)).pipe(toArray()))).toEqual([1, 2, 3]);
    await expect(lastValueFrom(a!.run(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    const source = new Subject<number>();
    const seen: number[] = [];
    const subscription = a!.run(source).subscribe((v) => seen.push(v));
    expect(await waiting(a!)).toBe(0);
    source.next(1);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    expect(seen).toEqual([1]);
  });

  it('fails a function input that returns a non-input with a TypeError naming it', async () => {
    const [a] = shared(1, 5, 1_000);
    await expect(lastValueFrom(a!.run(() => 42 as never))).rejects.toThrow(
      new TypeError('RedisRateLimiter.run: input is a function that returned 42, not an ObservableInput'),
    );
  });

  it('keeps the async context of the subscription that asked, whatever starts it', async () => {
    const [a, b] = shared(2, 1, 1_000);
    await lastValueFrom(a!.run(of(0)));
    const storage = new AsyncLocalStorage<string>();
    const seen = storage.run('the asker', () => lastValueFrom(b!.run(() => of(storage.getStore()))));
    expect(await waiting(b!)).toBe(1);
    expect(await seen).toBe('the asker');
  });

  it('fails with LimiterUnavailableError, never starting the input, when Redis cannot be reached', async () => {
    // Nothing listens there; the client gives up after one attempt (so it leaves nothing behind).
    const redis = server.client({ port: await closedPort(), retryStrategy: () => null });
    const limiter = new RedisRateLimiter({ redis, key: 'nowhere', count: 1, interval: 100 });
    made.push(limiter);
    let called = false;
    const error = await new Promise<unknown>((resolve) => limiter.run(() => ((called = true), of(1))).subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(LimiterUnavailableError);
    expect((error as Error).message).toMatch(/^RedisRateLimiter nowhere: Redis is unreachable/);
    expect(called).toBe(false);
  });

  it('close() fails its waiters with CancelledError, leaves started inputs alone, and refuses later runs', async () => {
    const [a, b] = shared(2, 1, 60_000);
    const started = new Subject<string>();
    const running = lastValueFrom(a!.run(started));
    const queued = expect(lastValueFrom(a!.run(of('never')))).rejects.toBeInstanceOf(CancelledError);
    expect(await waiting(a!)).toBe(1);
    await a!.close();
    await queued;
    expect(await waiting(b!)).toBe(0);
    started.next('still running');
    started.complete();
    expect(await running).toBe('still running');
    await expect(lastValueFrom(a!.run(of(1)))).rejects.toBeInstanceOf(CancelledError);
  });

  // "Promises are never left unhandled": a Promise input that waited and was let go.
  it('leaves no Promise input unhandled that was let go while it waited: unsubscribed, or queued at close()', async () => {
    const [a] = shared(1, 1, 60_000);
    await lastValueFrom(a!.run(of(0)));
    const left = deferred<never>();
    const queued = deferred<never>();
    const unhandled = await unhandledDuring(async () => {
      const subscription = a!.run(left.promise).subscribe({ error: () => undefined });
      const failed = new Promise((resolve) => a!.run(queued.promise).subscribe({ error: resolve }));
      expect(await waiting(a!)).toBe(2);
      subscription.unsubscribe();
      await a!.close();
      expect(await failed).toBeInstanceOf(CancelledError);
      left.reject(new Error('rejected later'));
      queued.reject(new Error('rejected later'));
    });
    expect(unhandled).toEqual([]);
  });
});
