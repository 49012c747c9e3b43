/**
 * The Redis limiters across real processes: each worker is a child process with its own
 * ioredis client and limiter (worker.ts), sharing a key on a redis-server this spec
 * starts. Every job reports its start and end to a counter server in this process
 * (counterServer.ts), the witness of what really ran at once; a job's end is counted
 * before its permit can go back, so the peak it sees is the true one.
 *
 * Waits are events (a report reaching the counter server, a worker's IPC message), never
 * sleeps; the bounds on each wait only turn a hang into a failure.
 */
import { Subject, firstValueFrom, lastValueFrom } from 'rxjs';
import { RedisSemaphore } from '../../lib/redis';
import { RATE_SPACE } from '../../lib/redis/scripts';
import { startCounterServer } from './counterServer';
import type { CounterServer } from './counterServer';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';
import { startWorker, untilAll } from './workers';
import type { Worker } from './workers';
import { FOREVER } from './protocol';
import type { LimiterConfig } from './protocol';

jest.setTimeout(60_000);

let server: RedisServer;
let counter: CounterServer;
let workers: Worker[] = [];
let keys = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  counter = await startCounterServer();
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
  workers = [];
  await counter.close();
});

/** Starts workers named `names` sharing one limiter config. */
async function spawn(names: readonly string[], limiter: LimiterConfig): Promise<Worker[]> {
  const started = await Promise.all(names.map((name) => startWorker(name, server.port, counter.port, limiter)));
  workers.push(...started);
  return started;
}

const key = (what: string): string => `spec:${what}:${++keys}`;

describe('RedisSemaphore across processes', () => {
  it('4 workers × 250 jobs share 5 permits: a peak of exactly 5, all 1,000 done, each worker served in its own order', async () => {
    const limiter: LimiterConfig = { kind: 'semaphore', key: key('fan'), permits: 5, leaseMs: 5_000 };
    const pool = await spawn(['w1', 'w2', 'w3', 'w4'], limiter);
    for (const worker of pool) worker.send({ type: 'jobs', prefix: 'j', count: 250, ms: 2 });
    await Promise.all(pool.map((worker) => worker.next('done', (m) => m.job === 'j249')));
    await counter.until('all 1,000 ended', () => counter.ended === 1000);

    expect(counter.peak).toBe(5);
    expect(counter.starts()).toHaveLength(1000);
    for (const worker of pool) {
      expect(worker.all('failed')).toEqual([]);
      expect(worker.all('done')).toHaveLength(250);
      // One process's waiters reach Redis in the order subscribed (one connection), and
      // are served first come, first served: they start in that order, exactly.
      expect(counter.starts(worker.name).map((r) => r.job)).toEqual(Array.from({ length: 250 }, (_, i) => `j${i}`));
    }

    // Each worker ends on its own once closed: nothing of the library holds it.
    expect(await Promise.all(pool.map((worker) => worker.close()))).toEqual([0, 0, 0, 0]);
  });

  it('serves waiters in the order they arrived, across processes (exactly: each waits in Redis before the next asks)', async () => {
    const limiter: LimiterConfig = { kind: 'semaphore', key: key('fifo'), permits: 1, leaseMs: 5_000 };
    const [a, b, c] = await spawn(['a', 'b', 'c'], limiter);
    const byName = { a: a!, b: b!, c: c! };
    // This process holds the only permit while the workers queue one by one.
    const redis = server.client();
    const here = new RedisSemaphore({ redis, key: limiter.key, permits: 1, leaseMs: 5_000 });
    const release = new Subject<void>();
    const holding = lastValueFrom(here.run(release), { defaultValue: undefined });
    await counter.until('holding', () => true);
    const { available } = await firstValueFrom(here.counts());
    expect(available).toBe(0);

    const arrivals = ['a', 'b', 'c', 'b', 'a', 'c', 'c', 'a', 'b', 'a', 'b', 'c'] as const;
    for (const [i, name] of arrivals.entries()) {
      byName[name].send({ type: 'enqueue', job: `q${i}`, ms: 1 });
      const { waiting } = await byName[name].next('queued', (m) => m.job === `q${i}`);
      expect(waiting).toBe(i + 1);
    }
    release.complete();
    await holding;
    await counter.until('all started and ended', () => counter.ended === arrivals.length);
    expect(counter.starts().map((r) => `${r.worker}:${r.job}`)).toEqual(arrivals.map((name, i) => `${name}:q${i}`));
    expect(counter.peak).toBe(1);
    await here.close();
    await redis.quit();
  });

  /**
   * The stated tolerance of the timing bounds: a timer firing late, two round trips to
   * Redis, an IPC message, on 2 shared and loaded cores.
   */
  const TOLERANCE = 400;

  it('a worker killed with SIGKILL while it holds permits: the others get them back within leaseMs', async () => {
    const leaseMs = 1_000;
    const limiter: LimiterConfig = { kind: 'semaphore', key: key('kill'), permits: 3, leaseMs };
    const [doomed, heir] = await spawn(['doomed', 'heir'], limiter);
    doomed!.send({ type: 'jobs', prefix: 'h', count: 3, ms: FOREVER });
    await counter.until('doomed holding 3 permits', () => counter.starts('doomed').length === 3);
    for (let i = 0; i < 3; i++) {
      heir!.send({ type: 'enqueue', job: `e${i}`, ms: 5 });
      const { waiting } = await heir!.next('queued', (m) => m.job === `e${i}`);
      expect(waiting).toBe(i + 1);
    }
    expect(counter.starts('heir')).toEqual([]);

    const killedAt = performance.now();
    await doomed!.kill('SIGKILL');
    // Its jobs will never report their end: they ended with it.
    counter.forget('doomed');
    await counter.until('heir running 3', () => counter.starts('heir').length === 3, 10 * leaseMs);
    for (const start of counter.starts('heir')) {
      // Its last renewal came before the kill, so its leases ran out at most leaseMs after it...
      expect(start.at - killedAt).toBeLessThanOrEqual(leaseMs + TOLERANCE);
      // ...and not before two thirds of it (it renewed every third): they came back by running out.
      expect(start.at - killedAt).toBeGreaterThanOrEqual(leaseMs / 3);
    }
    expect(counter.peak).toBe(3);
    await counter.until('heir done', () => counter.ended === 3);
    expect(heir!.all('failed')).toEqual([]);
    expect(await heir!.close()).toBe(0);
  });

  it('Redis stopped mid-run: running inputs fail with LeaseLostError within leaseMs, new runs with LimiterUnavailableError, nothing starts meanwhile; restarted, work resumes', async () => {
    const leaseMs = 1_000;
    const permits = 3;
    const limiter: LimiterConfig = { kind: 'semaphore', key: key('outage'), permits, leaseMs };
    const pool = await spawn(['p', 'q'], limiter);
    // 6 loops of long jobs over 3 permits: 3 run, 3 wait.
    for (const worker of pool) worker.send({ type: 'loop', prefix: 'L', loops: 3, ms: 60_000 });
    await counter.until('3 running', () => counter.inFlight === permits);
    const startsBefore = counter.starts().length;
    const failures = (): { error: string; at: number; causeIsError: boolean }[] =>
      pool.flatMap((worker) =>
        worker.messages.flatMap((m, i) => (m.type === 'failed' ? [{ error: m.error, at: worker.arrivals[i]!, causeIsError: m.causeIsError }] : [])),
      );
    expect(failures()).toEqual([]);

    const stoppedAt = performance.now();
    await server.stop('SIGKILL');
    // Every running input fails with LeaseLostError (its teardown reports its end), and
    // every loop's next run fails at once with LimiterUnavailableError.
    await counter.until('no job running', () => counter.inFlight === 0, 10 * leaseMs);
    const lost = () => failures().filter((f) => f.error === 'LeaseLostError');
    await untilAll(pool, 'every loop refused', () => lost().length === permits && unavailableLoops() === 6);
    function unavailableLoops(): number {
      const loops = new Set<string>();
      for (const worker of pool) {
        for (const m of worker.messages) if (m.type === 'failed' && m.error === 'LimiterUnavailableError') loops.add(`${worker.name}:${m.job.split('.')[0]}`);
      }
      return loops.size;
    }
    for (const failure of lost()) expect(failure.at - stoppedAt).toBeLessThanOrEqual(leaseMs + TOLERANCE);
    for (const failure of failures()) {
      expect(['LeaseLostError', 'LimiterUnavailableError']).toContain(failure.error);
      if (failure.error === 'LimiterUnavailableError') expect(failure.causeIsError).toBe(true);
    }
    // Nothing started while Redis was away.
    expect(counter.starts()).toHaveLength(startsBefore);

    // Taken before the restart: a worker's client may reconnect, and a job start, in the
    // moment between Redis being up and start() resolving here (that once failed a bound
    // taken after it).
    const restartingAt = performance.now();
    await server.start();
    await counter.until('work resumed', () => counter.inFlight === permits, 10 * leaseMs);
    expect(
      counter
        .starts()
        .slice(startsBefore)
        .every((start) => start.at > restartingAt),
    ).toBe(true);
    expect(counter.peak).toBe(permits);
    for (const worker of pool) worker.send({ type: 'stop' });
    await counter.until('stopped', () => counter.inFlight === 0);
    expect(await Promise.all(pool.map((worker) => worker.close()))).toEqual([0, 0]);
  });
});

describe('RedisRateLimiter across processes', () => {
  /**
   * How much closer two starts may seem at the counter server than Redis granted them:
   * each is timed when its report arrives there, after the grant travelled to its process
   * and the report back, so starts can bunch up by the spread of that delay. Under a full
   * `npm test` on 2 shared cores a process was seen to lag 137 ms behind another, so 250 ms
   * (a quarter of the window) is allowed there. The starts Redis recorded (read with
   * MONITOR, on Redis's own clock) are checked exactly.
   */
  const JITTER = 250;

  it('3 workers share count 4 per second: at most 4 starts in any window of a second, exactly in Redis and within the stated jitter at the counter server', async () => {
    const count = 4;
    const interval = 1_000;
    const rateKey = key('rate');
    // Every start Redis records is a ZADD to <key>:rate:starts by the script, with Redis's time as its score.
    const monitor = await server.client().monitor();
    const recorded: number[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'zadd' && args[1] === `${rateKey}${RATE_SPACE}:starts`) recorded.push(Number(args[2]));
    });
    const pool = await spawn(['r1', 'r2', 'r3'], { kind: 'rate', key: rateKey, count, interval });
    for (const worker of pool) worker.send({ type: 'jobs', prefix: 's', count: 5, ms: 1 });
    await counter.until('all 15 ended', () => counter.ended === 15);
    monitor.disconnect();
    for (const worker of pool) expect(worker.all('failed')).toEqual([]);

    // In Redis's clock, exactly: starts i and i + count are at least a window apart.
    expect(recorded).toHaveLength(15);
    recorded.sort((x, y) => x - y);
    for (let i = 0; i + count < recorded.length; i++) expect(recorded[i + count]! - recorded[i]!).toBeGreaterThanOrEqual(interval);
    // At the counter server, within the jitter; and the limit bound: 15 starts, 4 per window, span 3 windows.
    const starts = counter.starts().map((start) => start.at);
    expect(starts).toHaveLength(15);
    const gaps = starts.slice(count).map((at, i) => at - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - JITTER);
    expect(starts[14]! - starts[0]!).toBeGreaterThanOrEqual(3 * interval - JITTER);
    expect(await Promise.all(pool.map((worker) => worker.close()))).toEqual([0, 0, 0]);
  });
});
