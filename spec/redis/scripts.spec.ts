/**
 * The Lua scripts on their own, against a real redis-server, with owners made up by the
 * test: what happens to a dead process's waiters and permits, and to a start granted to
 * a waiter that left, is exact here (a lease of 0 ms has run out by the next script).
 */
import type Redis from 'ioredis';
import {
  OWNER_LENGTH,
  RATE_ACQUIRE,
  RATE_COUNTS,
  RATE_GIVE_BACK,
  RATE_SPACE,
  SEMAPHORE_ACQUIRE,
  SEMAPHORE_COUNTS,
  SEMAPHORE_GIVE_BACK,
  SEMAPHORE_RENEW,
} from '../../lib/redis/scripts';
import type { Script } from '../../lib/redis/scripts';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';

let server: RedisServer;
let redis: Redis;
let keys = 0;

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server.close();
});

const owner = (letter: string): string => letter.repeat(OWNER_LENGTH);
const id = (letter: string, n: number): string => `${owner(letter)}${n}`;

/** Runs `script` for `who` (lease `lease` ms) with the limit and extra arguments. */
async function run(script: Script, key: string, who: string, lease: number, limit: number, interval: number, ...args: string[]): Promise<unknown[]> {
  return (await redis.eval(script.source, 1, key, who, lease, limit, interval, ...args)) as unknown[];
}

describe('the semaphore scripts', () => {
  it('grant while permits are free, then queue in arrival order; a permit given back goes to the head', async () => {
    const key = `scripts:s${++keys}`;
    const a = (n: number) => run(SEMAPHORE_ACQUIRE, key, owner('a'), 10_000, 1, 0, id('a', n));
    expect((await a(1)).slice(1, 3)).toEqual([0, 1]);
    expect((await run(SEMAPHORE_ACQUIRE, key, owner('b'), 10_000, 1, 0, id('b', 1))).slice(2, 3)).toEqual([0]);
    expect((await a(2)).slice(2, 3)).toEqual([0]);
    await run(SEMAPHORE_GIVE_BACK, key, owner('a'), 10_000, 1, 0, '0', id('a', 1));
    // b's waiter came first: it holds the permit now, and its grant waits on b's list.
    expect(await redis.zrange(`${key}:holders`, 0, -1)).toEqual([id('b', 1)]);
    expect(await redis.lrange(`${key}:grants:${owner('b')}`, 0, -1)).toEqual([expect.stringMatching(new RegExp(`^${id('b', 1)} \\d+$`))]);
    expect((await run(SEMAPHORE_COUNTS, key, '', 10_000, 1, 0)).slice(2)).toEqual([0, 1]);
  });

  it("drop a dead process's waiters as they reach the head, and give its expired permits to the living", async () => {
    const key = `scripts:s${++keys}`;
    await run(SEMAPHORE_ACQUIRE, key, owner('a'), 10_000, 1, 0, id('a', 1));
    // d queues with a lease of 0 ms: dead by the next script. l queues behind it.
    await run(SEMAPHORE_ACQUIRE, key, owner('d'), 0, 1, 0, id('d', 1));
    await run(SEMAPHORE_ACQUIRE, key, owner('l'), 10_000, 1, 0, id('l', 1));
    expect(await redis.zcard(`${key}:queue`)).toBe(2);
    await run(SEMAPHORE_GIVE_BACK, key, owner('a'), 10_000, 1, 0, '0', id('a', 1));
    expect(await redis.zrange(`${key}:holders`, 0, -1)).toEqual([id('l', 1)]);
    expect(await redis.zcard(`${key}:queue`)).toBe(0);
    expect(await redis.exists(`${key}:grants:${owner('d')}`)).toBe(0);
    // A permit whose lease ran out (d's, of 0 ms) comes back at the next script.
    const other = `scripts:s${++keys}`;
    await run(SEMAPHORE_ACQUIRE, other, owner('d'), 0, 1, 0, id('d', 2));
    expect((await run(SEMAPHORE_ACQUIRE, other, owner('l'), 10_000, 1, 0, id('l', 2))).slice(2, 3)).toEqual([1]);
    expect(await redis.zrange(`${other}:holders`, 0, -1)).toEqual([id('l', 2)]);
  });

  it("count only live processes' waiters", async () => {
    const key = `scripts:s${++keys}`;
    await run(SEMAPHORE_ACQUIRE, key, owner('l'), 10_000, 1, 0, id('l', 1));
    await run(SEMAPHORE_ACQUIRE, key, owner('l'), 10_000, 1, 0, id('l', 2));
    await run(SEMAPHORE_ACQUIRE, key, owner('d'), 0, 1, 0, id('d', 1));
    expect((await run(SEMAPHORE_COUNTS, key, '', 10_000, 1, 0)).slice(2)).toEqual([0, 1]);
  });

  it("renew the leases named, and report those Redis no longer holds; say when the caller's own lease had run out", async () => {
    const key = `scripts:s${++keys}`;
    await run(SEMAPHORE_ACQUIRE, key, owner('a'), 10_000, 2, 0, id('a', 1));
    const [now, wasAlive, , lost] = await run(SEMAPHORE_RENEW, key, owner('a'), 10_000, 2, 0, id('a', 1), id('a', 9));
    expect(wasAlive).toBe(1);
    expect(lost).toEqual([id('a', 9)]);
    expect(Number(await redis.zscore(`${key}:holders`, id('a', 1)))).toBe(Number(now) + 10_000);
    await run(SEMAPHORE_RENEW, key, owner('z'), 0, 2, 0);
    expect((await run(SEMAPHORE_RENEW, key, owner('z'), 0, 2, 0))[1]).toBe(0);
  });
});

describe('the rate limiter scripts', () => {
  it('start while the window has room, then queue; a start granted to a waiter that left goes back to the window', async () => {
    const key = `scripts:r${++keys}`;
    const interval = 60_000;
    expect((await run(RATE_ACQUIRE, key, owner('a'), 10_000, 1, interval, id('a', 1))).slice(2, 3)).toEqual([1]);
    const queued = await run(RATE_ACQUIRE, key, owner('b'), 10_000, 1, interval, id('b', 1));
    expect(queued[2]).toBe(0);
    // It may start again once the first start has left the window.
    expect(Number(queued[3])).toBe(Number(await redis.zscore(`${key}${RATE_SPACE}:starts`, id('a', 1))) + interval);
    // a's start never happened (its waiter had left): given back, it leaves the window, and b starts.
    await run(RATE_GIVE_BACK, key, owner('a'), 10_000, 1, interval, '0', id('a', 1));
    expect(await redis.zrange(`${key}${RATE_SPACE}:starts`, 0, -1)).toEqual([id('b', 1)]);
    expect(await redis.lrange(`${key}${RATE_SPACE}:grants:${owner('b')}`, 0, -1)).toEqual([id('b', 1)]);
    expect((await run(RATE_COUNTS, key, '', 10_000, 1, interval)).slice(2)).toEqual([0, 0]);
  });

  it("never start a dead process's waiter", async () => {
    const key = `scripts:r${++keys}`;
    await run(RATE_ACQUIRE, key, owner('a'), 10_000, 1, 60_000, id('a', 1));
    await run(RATE_ACQUIRE, key, owner('d'), 0, 1, 60_000, id('d', 1));
    await run(RATE_ACQUIRE, key, owner('l'), 10_000, 1, 60_000, id('l', 1));
    await run(RATE_GIVE_BACK, key, owner('a'), 10_000, 1, 60_000, '0', id('a', 1));
    expect(await redis.zrange(`${key}${RATE_SPACE}:starts`, 0, -1)).toEqual([id('l', 1)]);
    expect(await redis.exists(`${key}${RATE_SPACE}:grants:${owner('d')}`)).toBe(0);
  });
});
