/**
 * A semaphore shared through Redis: acquisitions per second, and the latency from a
 * release to the next start, for RedisSemaphore, Bottleneck's Redis clustering
 * (`datastore: 'ioredis'`) and the redis-semaphore package, on a redis-server of the
 * bench's own on 127.0.0.1.
 *
 * Each contender has two instances, each on its own connection (as two processes would),
 * sharing one key. A run is two phases:
 *
 * - throughput (timed): `jobs` jobs of no work (`() => Promise.resolve(i)`), all asked for
 *   at once, alternately through the two instances, `permits` at a time;
 * - hand-off (its own key, one permit): `handoffs` such jobs, alternately through the two
 *   instances; each job notes when it starts and when its work ends, and the latency of a
 *   hand-off is from one job's end to the next job's start (the permit released by one
 *   instance, taken by the other through Redis). Its median is the `release→start p50`.
 *
 * The redis-server is started by the setup (bench/setup.sh installs it); without it, the
 * contenders are skipped.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { RedisSemaphore } from '../../lib/redis';
import { Skip, defineScenario, timed } from '../lib/scenario';
import type { Prepared, ScenarioSetup } from '../lib/scenario';
import { notInstalled, which } from '../lib/tools';

interface Params {
  /** Jobs of the throughput phase. */
  readonly jobs: number;
  readonly permits: number;
  /** Jobs of the hand-off phase (one permit). */
  readonly handoffs: number;
}

const ENV_PORT = 'BENCH_REDIS_PORT';
const METRIC = 'release→start p50';

/** What a contender's two instances can do: run a job under the shared limit of `key`. */
interface Pair {
  /** Runs `work` under instance `which` (0 or 1) of the limiter for `key` (made on first use). */
  run(which: 0 | 1, key: string, permits: number, work: () => Promise<number>): Promise<number>;
  close(): Promise<void>;
}

function port(): number {
  const value = Number(process.env[ENV_PORT]);
  if (!(value > 0)) throw new Skip(process.env.BENCH_REDIS_SKIP ?? `${ENV_PORT} is not set: run it through bench/run.ts`);
  return value;
}

const clientOptions = (): { host: string; port: number } => ({ host: '127.0.0.1', port: port() });

/** Both phases over a pair; resolves to the throughput phase's time and the hand-off median. */
function contender(make: () => Promise<Pair>) {
  return async ({ jobs, permits, handoffs }: Params): Promise<Prepared> => {
    const pair = await make();
    const run = Math.random().toString(36).slice(2);
    let round = 0;
    // Warm-up (connections open, scripts loaded, code compiled): not measured.
    await Promise.all(Array.from({ length: 50 }, (_, i) => pair.run((i % 2) as 0 | 1, `bench:${run}:warm`, permits, () => Promise.resolve(i))));
    return {
      run: async () => {
        round++;
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const results = await Promise.all(
          Array.from({ length: jobs }, (_, i) => pair.run((i % 2) as 0 | 1, `bench:${run}:${round}:jobs`, permits, () => Promise.resolve(i))),
        );
        const ms = performance.now() - t0;
        const used = process.cpuUsage(cpu);
        const starts: number[] = [];
        const ends: number[] = [];
        await Promise.all(
          Array.from({ length: handoffs }, (_, i) =>
            pair.run((i % 2) as 0 | 1, `bench:${run}:${round}:handoff`, 1, async () => {
              starts.push(performance.now());
              await Promise.resolve();
              ends.push(performance.now());
              return i;
            }),
          ),
        );
        // One permit: starts and ends alternate, so the k-th end is followed by the (k+1)-th start.
        const latencies = starts.slice(1).map((start, k) => start - ends[k]!);
        const correct = results.every((value, i) => value === i) && starts.length === handoffs && latencies.every((l) => l >= 0);
        return timed(ms, { jobs, handoffs, correct }, undefined, (used.user + used.system) / 1000, { [METRIC]: median(latencies) });
      },
      teardown: () => pair.close(),
    };
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[sorted.length >> 1]!;
}

/** Two instances of a per-key limiter, each on its own client, made on first use of a key. */
function pairOf<L>(
  make: (client: Redis, key: string, permits: number) => L,
  use: (limiter: L, work: () => Promise<number>) => Promise<number>,
  close: (limiter: L) => Promise<void>,
) {
  return async (): Promise<Pair> => {
    const clients = [new Redis(clientOptions()), new Redis(clientOptions())] as const;
    const limiters = new Map<string, L>();
    return {
      run: (which, key, permits, work) => {
        const id = `${which}:${key}`;
        let limiter = limiters.get(id);
        if (limiter === undefined) limiters.set(id, (limiter = make(clients[which], key, permits)));
        return use(limiter, work);
      },
      close: async () => {
        await Promise.all([...limiters.values()].map(close));
        await Promise.all(clients.map((client) => client.quit()));
      },
    };
  };
}

async function setup(): Promise<ScenarioSetup> {
  if (which('redis-server') === undefined) {
    process.env.BENCH_REDIS_SKIP = notInstalled(['redis-server']);
    return { note: `Every contender skipped: ${process.env.BENCH_REDIS_SKIP}.` };
  }
  // The specs' helper: a redis-server on a free port, no persistence, its own directory.
  const { startRedisServer } = await import('../../spec/redis/redisServer.js');
  const server = await startRedisServer();
  process.env[ENV_PORT] = String(server.port);
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[2] ?? '';
  return { note: `Server: redis-server ${version.replace(/^v=/, '')} on 127.0.0.1, no persistence.`, teardown: () => server.close() };
}

export default defineScenario<Params>({
  title: 'a semaphore shared through Redis by two instances: acquisitions per second, and release→start latency',
  description:
    'Two instances of each limiter, each on its own ioredis connection (as two processes), share one key on a local redis-server. ' +
    'Throughput: `jobs` jobs of no work asked for at once, `permits` at a time (the rate is acquisitions per second). ' +
    'Hand-off: `handoffs` jobs through one permit, alternately through the two instances; `release→start p50` is the median time from one job’s end to the next one’s start. ' +
    'The reference is Bottleneck 2 with `datastore: "ioredis"` (`maxConcurrent: permits`, one `id` per key); redis-semaphore 5 acquires by polling (`retryInterval` 10 ms, its default). ' +
    "Targets: RedisSemaphore's throughput ≥ Bottleneck's, and its release→start p50 ≤ 2 ms.",
  params: { full: { jobs: 2_000, permits: 10, handoffs: 300 }, quick: { jobs: 300, permits: 10, handoffs: 60 } },
  expected: ({ jobs, handoffs }) => ({ jobs, handoffs, correct: true }),
  budgetMs: { full: 60_000, quick: 30_000 },
  setup,
  throughput: { unit: 'acq/s', count: ({ jobs }) => jobs },
  metrics: [{ name: METRIC, unit: 'ms' }],
  ratioTargets: [{ contender: 'RedisSemaphore', over: 'Bottleneck (ioredis)', atLeast: 1 }],
  contenders: [
    {
      name: 'RedisSemaphore',
      note: 'rxjs-asyncio/redis: `new RedisSemaphore({ redis, key, permits })` per instance, each job `lastValueFrom(semaphore.run(job))`',
      prepare: contender(
        pairOf(
          (redis, key, permits) => new RedisSemaphore({ redis, key, permits }),
          (semaphore, work) => new Promise<number>((resolve, reject) => semaphore.run(work).subscribe({ next: resolve, error: reject })),
          (semaphore) => semaphore.close(),
        ),
      ),
    },
    {
      name: 'Bottleneck (ioredis)',
      reference: true,
      note: 'Bottleneck 2.19 clustering: `new Bottleneck({ id: key, maxConcurrent: permits, datastore: "ioredis", clientOptions })` per instance (each opens its own two connections), each job `limiter.schedule(job)`',
      prepare: async (params) => {
        const { default: Bottleneck } = await import('bottleneck');
        const suffix = randomBytes(6).toString('hex');
        const limiters = new Map<string, InstanceType<typeof Bottleneck>>();
        const limiterFor = async (which: 0 | 1, key: string, permits: number) => {
          const id = `${which}:${key}`;
          let limiter = limiters.get(id);
          if (limiter === undefined) {
            limiter = new Bottleneck({ id: `${key}:${suffix}`, maxConcurrent: permits, datastore: 'ioredis', clientOptions: clientOptions(), Redis });
            limiters.set(id, limiter);
            await limiter.ready();
          }
          return limiter;
        };
        return contender(async () => ({
          run: async (which, key, permits, work) => (await limiterFor(which, key, permits)).schedule(work),
          close: async () => {
            await Promise.all([...limiters.values()].map((limiter) => limiter.disconnect()));
          },
        }))(params);
      },
    },
    {
      name: 'redis-semaphore',
      note: 'redis-semaphore 5: `new Semaphore(redis, key, permits, { acquireTimeout: 600000 })` per job, `acquire()`, the job, `release()`; it polls every `retryInterval` (10 ms) while it waits',
      prepare: async (params) => {
        const { Semaphore } = await import('redis-semaphore');
        return contender(
          pairOf(
            (redis, key, permits) => ({ redis, key, permits }),
            async ({ redis, key, permits }, work) => {
              const semaphore = new Semaphore(redis, key, permits, { acquireTimeout: 600_000, lockTimeout: 30_000 });
              await semaphore.acquire();
              try {
                return await work();
              } finally {
                await semaphore.release();
              }
            },
            async () => undefined,
          ),
        )(params);
      },
    },
  ],
});
