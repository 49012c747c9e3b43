/**
 * RedisSemaphore in one process, against a real redis-server this spec starts. Each
 * instance gets a client of its own, as separate processes would have: they share the
 * limit only through Redis. (spec/redis/multiprocess.spec.ts runs real processes.)
 *
 * Waits are events: an input function being called, a Promise settling, a `counts()`
 * answer (sent after everything else on the same connection, so it sees what came before).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Redis from 'ioredis';
import { NEVER, Observable, Subject, firstValueFrom, lastValueFrom, merge, of, throwError, timer } from 'rxjs';
import { map, toArray } from 'rxjs/operators';
import { CancelledError } from '../../lib';
import { LeaseLostError, LimiterUnavailableError, RedisSemaphore } from '../../lib/redis';
import { unhandledDuring } from '../testing/unhandled';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';
import { closedPort, deferred, trackTimers } from './helpers';

let server: RedisServer;
let keys = 0;
const made: RedisSemaphore[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(made.splice(0).map((semaphore) => semaphore.close()));
});

/** `n` semaphores sharing one new key, each on its own client (as `n` processes). */
function shared(n: number, permits: number, leaseMs = 5_000): RedisSemaphore[] {
  const key = `spec:semaphore:${++keys}`;
  const semaphores = Array.from({ length: n }, () => new RedisSemaphore({ redis: server.client(), key, permits, leaseMs }));
  made.push(...semaphores);
  return semaphores;
}

/** Holds one permit of `semaphore` until `release()`: resolves once the input runs. */
async function hold(semaphore: RedisSemaphore): Promise<{ release(): void; ended: Promise<void> }> {
  const started = deferred<void>();
  const release = new Subject<void>();
  const ended = lastValueFrom(
    semaphore.run(() => {
      started.resolve();
      return release;
    }),
    { defaultValue: undefined },
  );
  // A test may end with the permit still held: closing the semaphore then cancels it.
  ended.catch(() => undefined);
  await started.promise;
  return { release: () => release.complete(), ended };
}

/** Waits until Redis has `waiting` waiters, as seen from `semaphore`'s own connection (after what it sent). */
async function waiting(semaphore: RedisSemaphore): Promise<number> {
  return (await firstValueFrom(semaphore.counts())).waiting;
}

describe('RedisSemaphore', () => {
  it('never lets more than `permits` run across instances, and gives every permit back', async () => {
    const [a, b, c] = shared(3, 2);
    let running = 0;
    let peak = 0;
    const job = (semaphore: RedisSemaphore, i: number) =>
      semaphore.run(
        () =>
          new Observable<number>((subscriber) => {
            peak = Math.max(peak, ++running);
            const work = setTimeout(() => {
              subscriber.next(i);
              subscriber.complete();
            }, 3);
            return () => {
              clearTimeout(work);
              running--;
            };
          }),
      );
    const results = await lastValueFrom(merge(...Array.from({ length: 15 }, (_, i) => job([a!, b!, c!][i % 3]!, i))).pipe(toArray()));
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(peak).toBe(2);
    expect(await firstValueFrom(a!.counts())).toEqual({ available: 2, waiting: 0 });
  });

  it('is cold: nothing is asked before subscription, and each subscription asks again', async () => {
    const [a] = shared(1, 1);
    let calls = 0;
    const run = a!.run(() => {
      calls++;
      return of(calls);
    });
    expect(await firstValueFrom(a!.counts())).toEqual({ available: 1, waiting: 0 });
    expect(calls).toBe(0);
    expect(await lastValueFrom(run)).toBe(1);
    expect(await lastValueFrom(run)).toBe(2);
  });

  it('calls a function input only once its permit is granted', async () => {
    const [a, b] = shared(2, 1);
    const held = await hold(a!);
    let called = false;
    const result = lastValueFrom(
      b!.run(() => {
        called = true;
        return of('b');
      }),
    );
    expect(await waiting(b!)).toBe(1);
    expect(called).toBe(false);
    held.release();
    expect(await result).toBe('b');
    expect(called).toBe(true);
  });

  it('serves waiters first come, first served across instances', async () => {
    const [a, b, c] = shared(3, 1);
    const held = await hold(a!);
    const order: string[] = [];
    const done: Promise<unknown>[] = [];
    const arrivals = [b, c, c, b, a, c, b] as RedisSemaphore[];
    for (const [i, semaphore] of arrivals.entries()) {
      done.push(lastValueFrom(semaphore.run(() => (order.push(`w${i}`), of(i)))));
      expect(await waiting(semaphore)).toBe(i + 1);
    }
    held.release();
    await Promise.all(done);
    expect(order).toEqual(arrivals.map((_, i) => `w${i}`));
  });

  it('a waiter that unsubscribes leaves the queue at once, in Redis too, and is never started', async () => {
    const [a, b, c] = shared(3, 1);
    const held = await hold(a!);
    let started = false;
    const leaving = b!
      .run(() => {
        started = true;
        return of('b');
      })
      .subscribe();
    expect(await waiting(b!)).toBe(1);
    leaving.unsubscribe();
    expect(await waiting(b!)).toBe(0);
    const next = lastValueFrom(c!.run(of('c')));
    expect(await waiting(c!)).toBe(1);
    held.release();
    expect(await next).toBe('c');
    expect(started).toBe(false);
  });

  it("gives the permit back only after the input's teardown has run, and completes once it is back", async () => {
    const [a, b] = shared(2, 1);
    const log: string[] = [];
    const first = new Subject<string>();
    const aDone = lastValueFrom(
      a!.run(
        new Observable<string>((subscriber) => {
          const inner = first.subscribe(subscriber);
          return () => {
            inner.unsubscribe();
            log.push('a torn down');
          };
        }),
      ),
    );
    // The first input holds the permit (a counts() from its own connection says so).
    expect((await firstValueFrom(a!.counts())).available).toBe(0);
    const bDone = lastValueFrom(b!.run(() => (log.push('b started'), of('b'))));
    expect(await waiting(b!)).toBe(1);
    first.next('a');
    first.complete();
    expect(await aDone).toBe('a');
    await bDone;
    expect(log).toEqual(['a torn down', 'b started']);
    // Completed: the give-back went first on the same connection, so counts() sees the permit back.
    expect(await firstValueFrom(b!.counts())).toEqual({ available: 1, waiting: 0 });
  });

  it('mirrors every value and passes an error on, after which the permit is back', async () => {
    const [a] = shared(1, 1);
    const values: number[] = [];
    const error = await new Promise<unknown>((resolve) =>
      a!
        .run(
          merge(
            of(1, 2, 3),
            throwError(() => new Error('boom')),
          ),
        )
        .subscribe({ next: (v) => values.push(v), error: resolve }),
    );
    expect(values).toEqual([1, 2, 3]);
    expect((error as Error).message).toBe('boom');
    expect(await firstValueFrom(a!.counts())).toEqual({ available: 1, waiting: 0 });
  });

  it('fails a function input that returns a non-input with a TypeError naming it, and gives the permit back', async () => {
    const [a] = shared(1, 1);
    await expect(lastValueFrom(a!.run(() => 42 as never))).rejects.toThrow(
      new TypeError('RedisSemaphore.run: input is a function that returned 42, not an ObservableInput'),
    );
    expect(await firstValueFrom(a!.counts())).toEqual({ available: 1, waiting: 0 });
  });

  it('a Promise input holds its permit until it settles, even after its subscriber left', async () => {
    const [a, b] = shared(2, 1);
    const promise = deferred<string>();
    const called = deferred<void>();
    const subscription = a!
      .run(() => {
        called.resolve();
        return promise.promise;
      })
      .subscribe();
    await called.promise;
    subscription.unsubscribe();
    let bStarted = false;
    const bDone = lastValueFrom(b!.run(() => ((bStarted = true), of('b'))));
    expect(await waiting(b!)).toBe(1);
    expect(bStarted).toBe(false);
    promise.resolve('late');
    expect(await bDone).toBe('b');
    expect(bStarted).toBe(true);
  });

  it('keeps the async context of the subscription that asked, whatever grants the permit', async () => {
    const [a, b] = shared(2, 1);
    const storage = new AsyncLocalStorage<string>();
    const held = await hold(a!);
    const seen = storage.run('the asker', () => lastValueFrom(b!.run(() => of(storage.getStore()))));
    expect(await waiting(b!)).toBe(1);
    held.release();
    expect(await seen).toBe('the asker');
  });

  it('fails with LeaseLostError, after unsubscribing the input, when Redis no longer holds its lease', async () => {
    const [a] = shared(1, 1, 300);
    const admin = server.client();
    const log: string[] = [];
    const called = deferred<void>();
    const failed = new Promise<unknown>((resolve) =>
      a!
        .run(
          () =>
            new Observable<never>(() => {
              called.resolve();
              return () => log.push('torn down');
            }),
        )
        .subscribe({ error: (err: unknown) => (log.push('error'), resolve(err)) }),
    );
    await called.promise;
    // Redis forgets every permit of the key (a restart without persistence, a failover).
    await admin.del(`${a!.key}:holders`);
    const error = await failed;
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ key: a!.key, message: expect.stringMatching(/Redis no longer holds its lease/) });
    expect(log).toEqual(['torn down', 'error']);
    await admin.quit();
  });

  it('fails with LeaseLostError within leaseMs when Redis freezes (no answer), and a new run() with LimiterUnavailableError', async () => {
    const own = await startRedisServer();
    try {
      const leaseMs = 1_000;
      const semaphore = new RedisSemaphore({ redis: own.client(), key: 'frozen', permits: 2, leaseMs });
      made.push(semaphore);
      const called = deferred<void>();
      const running = new Promise<unknown>((resolve) => semaphore.run(() => (called.resolve(), NEVER)).subscribe({ error: resolve }));
      await called.promise;
      own.pause();
      const frozenAt = performance.now();
      const error = await running;
      expect(error).toBeInstanceOf(LeaseLostError);
      // The watchdog fires a tenth of the lease early, which absorbs a late timer; 200 ms more
      // are allowed for a machine so loaded that the timer is later still.
      expect(performance.now() - frozenAt).toBeLessThanOrEqual(leaseMs + 200);
      let called2 = false;
      const refused = await new Promise<unknown>((resolve) => semaphore.run(() => ((called2 = true), of(1))).subscribe({ error: resolve }));
      expect(refused).toBeInstanceOf(LimiterUnavailableError);
      expect((refused as LimiterUnavailableError).message).toMatch(/Redis did not answer within 1000 ms/);
      expect(called2).toBe(false);
      own.resume();
    } finally {
      await own.close();
    }
  });

  it('fails with LimiterUnavailableError, never running the input, when Redis cannot be reached', async () => {
    // Nothing listens there; the client gives up after one attempt (so it leaves nothing behind).
    const redis = server.client({ port: await closedPort(), retryStrategy: () => null });
    const semaphore = new RedisSemaphore({ redis, key: 'nowhere', permits: 1 });
    made.push(semaphore);
    let called = false;
    const error = await new Promise<unknown>((resolve) => semaphore.run(() => ((called = true), of(1))).subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(LimiterUnavailableError);
    // The cause is the client's own error (the refused connection, or ioredis failing the
    // command on it), from Node's realm rather than jest's: duck-typed.
    const cause = (error as LimiterUnavailableError).cause as Error;
    expect(cause.message).toMatch(/ECONNREFUSED|Connection is closed/);
    expect((error as Error).message).toBe(`RedisSemaphore nowhere: Redis is unreachable (${cause.message})`);
    expect(called).toBe(false);
    const counted = await new Promise<unknown>((resolve) => semaphore.counts().subscribe({ error: resolve }));
    expect(counted).toBeInstanceOf(LimiterUnavailableError);
  });

  it('fails its queued waiters with LimiterUnavailableError when the connection to Redis is lost', async () => {
    const own = await startRedisServer();
    try {
      const semaphore = new RedisSemaphore({ redis: own.client(), key: 'lost', permits: 1 });
      made.push(semaphore);
      await hold(semaphore);
      let called = false;
      const queued = new Promise<unknown>((resolve) => semaphore.run(() => ((called = true), of(1))).subscribe({ error: resolve }));
      expect(await waiting(semaphore)).toBe(1);
      await own.stop();
      expect(await queued).toBeInstanceOf(LimiterUnavailableError);
      expect(called).toBe(false);
    } finally {
      await own.close();
    }
  });

  // A crawl with a limiter per host on one client: one close and one ready listener in all
  // (Node warns past ten on an emitter), and every limiter still hears the connection go.
  it('listens to a client shared by twelve busy limiters once, and tells each when the connection is lost', async () => {
    const own = await startRedisServer();
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const redis = own.client();
      const semaphores = Array.from({ length: 12 }, (_, i) => new RedisSemaphore({ redis, key: `host:${i}`, permits: 1 }));
      made.push(...semaphores);
      await Promise.all(semaphores.map((semaphore) => hold(semaphore)));
      const queued = semaphores.map((semaphore) => new Promise<unknown>((resolve) => semaphore.run(of(1)).subscribe({ error: resolve })));
      for (const semaphore of semaphores) expect(await waiting(semaphore)).toBe(1);
      expect([redis.listenerCount('close'), redis.listenerCount('ready')]).toEqual([1, 1]);
      await own.stop();
      for (const error of await Promise.all(queued)) expect(error).toBeInstanceOf(LimiterUnavailableError);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await own.close();
    }
  });

  it('close() fails waiters and running inputs with CancelledError, gives the permits to the others, refuses later runs, and leaves nothing running', async () => {
    const [a, b] = shared(2, 2);
    const redisOfA = (a as unknown as { state: { link: { redis: Redis } } }).state.link.redis;
    // Everything connected once (clients, and the connection each semaphore waits on).
    await lastValueFrom(merge(a!.run(of(0)), b!.run(of(0))));
    // Both permits are back in Redis: each semaphore gave its permit back on its own
    // connection before its run completed, and a command sent after it there runs after it.
    await firstValueFrom(b!.counts());
    expect(await firstValueFrom(a!.counts())).toEqual({ available: 2, waiting: 0 });
    const tracked = trackTimers();
    const log: string[] = [];
    const running = (name: string) =>
      new Promise<unknown>((resolve) =>
        a!
          .run(
            () =>
              new Observable<never>(() => {
                log.push(`${name} started`);
                return () => log.push(`${name} torn down`);
              }),
          )
          .subscribe({ error: (err: unknown) => (log.push(`${name} error`), resolve(err)) }),
      );
    const first = running('a1');
    const second = running('a2');
    const third = running('a3');
    expect(await waiting(a!)).toBe(1);
    const bDone = lastValueFrom(b!.run(of('b')));
    expect(await waiting(b!)).toBe(2);

    await a!.close();
    for (const error of await Promise.all([first, second, third])) expect(error).toBeInstanceOf(CancelledError);
    expect(log.filter((line) => line.startsWith('a1'))).toEqual(['a1 started', 'a1 torn down', 'a1 error']);
    expect(log).not.toContain('a3 started');
    expect(await bDone).toBe('b');
    expect(await firstValueFrom(b!.counts())).toEqual({ available: 2, waiting: 0 });
    const later = await new Promise<unknown>((resolve) => a!.run(of(1)).subscribe({ error: resolve }));
    expect(later).toBeInstanceOf(CancelledError);
    // What a made is gone: its timers, its listeners on the client (b's go once b is idle).
    await firstValueFrom(b!.counts());
    expect({ timers: await tracked.alive(), close: redisOfA.listenerCount('close') }).toEqual({ timers: 0, close: 0 });
    tracked.stop();
    expect(a!.close()).toBe(a!.close());
  });

  it('leaves no timer and no listener behind once its work is done', async () => {
    const [a, b] = shared(2, 1);
    const clientOf = (s: RedisSemaphore) => (s as unknown as { state: { link: { redis: Redis } } }).state.link.redis;
    // Everything connected once (clients, and the connection each semaphore waits on).
    await lastValueFrom(merge(a!.run(timer(2)), b!.run(timer(2))));
    const tracked = trackTimers();
    await lastValueFrom(merge(...Array.from({ length: 6 }, (_, i) => [a!, b!][i % 2]!.run(timer(2).pipe(map(() => i))))));
    expect({ timers: await tracked.alive(), a: clientOf(a!).listenerCount('close'), b: clientOf(b!).listenerCount('close') }).toEqual({
      timers: 0,
      a: 0,
      b: 0,
    });
    tracked.stop();
  });

  // "Promises are never left unhandled": a Promise input that waited and was let go.
  it('leaves no Promise input unhandled that was let go while it waited: unsubscribed, queued at close(), or run after it', async () => {
    const [a] = shared(1, 1);
    await hold(a!);
    const left = deferred<never>();
    const queued = deferred<never>();
    const late = deferred<never>();
    const unhandled = await unhandledDuring(async () => {
      const subscription = a!.run(left.promise).subscribe({ error: () => undefined });
      const failed = new Promise((resolve) => a!.run(queued.promise).subscribe({ error: resolve }));
      expect(await waiting(a!)).toBe(2);
      subscription.unsubscribe();
      await a!.close();
      expect(await failed).toBeInstanceOf(CancelledError);
      const refused = await new Promise((resolve) => a!.run(late.promise).subscribe({ error: resolve }));
      expect(refused).toBeInstanceOf(CancelledError);
      left.reject(new Error('rejected later'));
      queued.reject(new Error('rejected later'));
      late.reject(new Error('rejected later'));
    });
    expect(unhandled).toEqual([]);
  });
});
