/**
 * The Lua scripts of the Redis limiters: every change of a limit's state is one of them,
 * run atomically by Redis (through ioredis's `defineCommand`: EVAL the first time on a
 * connection, EVALSHA after, EVAL again on NOSCRIPT). Not part of the public API.
 *
 * Every script takes one key, the limiter's `key` (ioredis adds the client's `keyPrefix`
 * to it), and names its parts after it:
 *
 * | key                    | type        | holds                                                            |
 * | ---------------------- | ----------- | ---------------------------------------------------------------- |
 * | `<key>:holders`        | sorted set  | RedisSemaphore: permits held, by id, scored by lease expiry (ms) |
 * | `<key>:starts`         | sorted set  | RedisRateLimiter: starts in the window, by id, scored by time    |
 * | `<key>:queue`          | sorted set  | waiters, by id, scored by arrival number                         |
 * | `<key>:seq`            | string      | the last arrival number given                                    |
 * | `<key>:owners`         | sorted set  | processes (limiter instances) alive, scored by lease expiry      |
 * | `<key>:grants:<owner>` | list        | permits or starts given to an owner's waiters, for it to BLPOP   |
 *
 * Those are a RedisSemaphore's; a RedisRateLimiter's are the same under `<key>:rate`
 * (`<key>:rate:starts`, `<key>:rate:queue`, ...: see `RATE_SPACE`).
 *
 * An id is its owner's 24-character id followed by a counter, so a script can tell whose
 * a waiter is. Time is Redis's own (`TIME`, in ms), never a client's clock.
 *
 * Arguments: `ARGV[1]` the owner ('' for none), `ARGV[2]` the owner's lease in ms,
 * `ARGV[3]` the limit (permits, or count), `ARGV[4]` the rate limiter's interval (or 0),
 * then the script's own. Every reply starts with `{ now, wasAlive }`: the server time,
 * and whether the owner's lease had still run when the script began (0 means that its
 * queued waiters may have been dropped).
 */
import { createHash } from 'node:crypto';

/** A Lua script and its SHA1 (as EVALSHA names it). */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Where a rate limiter's names are, under its key: a semaphore's are right under it. A
 * RedisSemaphore and a RedisRateLimiter given the same key are two limits, and share
 * nothing (with one queue, each took the other's waiters).
 */
export const RATE_SPACE = ':rate';

/** The length of an owner id: 12 random bytes in hex. */
export const OWNER_LENGTH = 24;

// What every script does first: read its arguments and the time, forget what has expired,
// and renew the caller's own lease as a process (its waiters stay in the queue while it lives).
function prelude(space: string): string {
  return `
local base = KEYS[1] .. '${space}'
local queue = base .. ':queue'
local owners = base .. ':owners'
local owner = ARGV[1]
local lease = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', owners, '-inf', now)
local wasAlive = 1
if owner ~= '' then
  if not redis.call('ZSCORE', owners, owner) then wasAlive = 0 end
  redis.call('ZADD', owners, now + lease, owner)
end
-- Hands a waiter what it waited for: its id (and the lease's expiry) on its owner's list.
local function notify(id, payload)
  local grants = base .. ':grants:' .. string.sub(id, 1, ${OWNER_LENGTH})
  redis.call('RPUSH', grants, payload)
  redis.call('PEXPIRE', grants, lease * 2)
end
-- The queue's live waiters (those whose owner is alive), counted: O(queue), for counts() only.
local function liveWaiters()
  local waiting, alive = 0, {}
  for _, id in ipairs(redis.call('ZRANGE', queue, 0, -1)) do
    local who = string.sub(id, 1, ${OWNER_LENGTH})
    if alive[who] == nil then alive[who] = redis.call('ZSCORE', owners, who) ~= false end
    if alive[who] then waiting = waiting + 1 end
  end
  return waiting
end
`;
}

// The semaphore's part: permits whose lease ran out come back, and free permits go to the
// queue's head, first come, first served. A waiter whose owner died is dropped when it
// reaches the head (amortised O(1): each is dropped once).
const SEMAPHORE = `${prelude('')}
local holders = base .. ':holders'
redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
local function fill()
  while redis.call('ZCARD', holders) < limit do
    local head = redis.call('ZPOPMIN', queue)
    if head[1] == nil then return end
    local id = head[1]
    local expiry = redis.call('ZSCORE', owners, string.sub(id, 1, ${OWNER_LENGTH}))
    if expiry then
      -- The permit's lease is its owner's: a process that died gets nothing it keeps longer.
      redis.call('ZADD', holders, expiry, id)
      notify(id, id .. ' ' .. expiry)
    end
  end
end
-- When the first lease runs out, if anyone waits (0 if nobody does).
local function nextExpiry()
  if redis.call('ZCARD', queue) == 0 then return 0 end
  local first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
  return tonumber(first[2] or 0)
end
fill()
`;

/** ARGV[5]: the waiter's id. Reply `{ now, wasAlive, 1, expiry }` (granted) or `{ now, wasAlive, 0, nextExpiry }` (queued). */
export const SEMAPHORE_ACQUIRE = script(
  'semaphore acquire',
  `${SEMAPHORE}
local id = ARGV[5]
if redis.call('ZCARD', holders) < limit then
  redis.call('ZADD', holders, now + lease, id)
  return {now, wasAlive, 1, now + lease}
end
redis.call('ZADD', queue, redis.call('INCR', base .. ':seq'), id)
return {now, wasAlive, 0, nextExpiry()}
`,
);

/**
 * Gives back permits and places in the queue: ARGV[5] '1' to forget the owner too (it
 * closed), then the ids. Reply `{ now, wasAlive, nextExpiry }`.
 */
export const SEMAPHORE_GIVE_BACK = script(
  'semaphore give back',
  `${SEMAPHORE}
for i = 6, #ARGV do
  if redis.call('ZREM', queue, ARGV[i]) == 0 then redis.call('ZREM', holders, ARGV[i]) end
end
if ARGV[5] == '1' then redis.call('ZREM', owners, owner) end
fill()
return {now, wasAlive, nextExpiry()}
`,
);

/**
 * Renews the leases of the permits given (ARGV[5...]) and hands on those of dead
 * processes. Reply `{ now, wasAlive, nextExpiry, lost }`: `lost` the ids Redis no longer
 * holds (their lease ran out, or Redis forgot them).
 */
export const SEMAPHORE_RENEW = script(
  'semaphore renew',
  `${SEMAPHORE}
local lost = {}
for i = 5, #ARGV do
  if redis.call('ZSCORE', holders, ARGV[i]) then
    redis.call('ZADD', holders, now + lease, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
fill()
return {now, wasAlive, nextExpiry(), lost}
`,
);

/** Reply `{ now, 1, available, waiting }` across every process. */
export const SEMAPHORE_COUNTS = script(
  'semaphore counts',
  `${SEMAPHORE}
local available = limit - redis.call('ZCARD', holders)
if available < 0 then available = 0 end
return {now, wasAlive, available, liveWaiters()}
`,
);

// The rate limiter's part: starts older than the window leave it, and while the window
// has room the queue's head starts, first come, first served.
const RATE = `${prelude(RATE_SPACE)}
local starts = base .. ':starts'
redis.call('ZREMRANGEBYSCORE', starts, '-inf', now - interval)
local function record(id)
  redis.call('ZADD', starts, now, id)
  -- Nothing in the set matters once the window has passed it.
  redis.call('PEXPIRE', starts, math.ceil(interval))
end
local function fill()
  while redis.call('ZCARD', starts) < limit do
    local head = redis.call('ZPOPMIN', queue)
    if head[1] == nil then return end
    local id = head[1]
    if redis.call('ZSCORE', owners, string.sub(id, 1, ${OWNER_LENGTH})) then
      record(id)
      notify(id, id)
    end
  end
end
-- When the window next has room, if anyone waits (0 if nobody does).
local function nextRoom()
  if redis.call('ZCARD', queue) == 0 then return 0 end
  local first = redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')
  if first[2] == nil then return now end
  return math.ceil(tonumber(first[2]) + interval)
end
fill()
`;

/** ARGV[5]: the waiter's id. Reply `{ now, wasAlive, 1, 0 }` (started) or `{ now, wasAlive, 0, nextRoom }` (queued). */
export const RATE_ACQUIRE = script(
  'rate acquire',
  `${RATE}
local id = ARGV[5]
if redis.call('ZCARD', starts) < limit then
  record(id)
  return {now, wasAlive, 1, 0}
end
redis.call('ZADD', queue, redis.call('INCR', base .. ':seq'), id)
return {now, wasAlive, 0, nextRoom()}
`,
);

/**
 * Gives back places in the queue, and starts given to waiters that had left before they
 * could use them (the start never happened, so it leaves the window): ARGV[5] '1' to
 * forget the owner, then the ids. Reply `{ now, wasAlive, nextRoom }`.
 */
export const RATE_GIVE_BACK = script(
  'rate give back',
  `${RATE}
for i = 6, #ARGV do
  if redis.call('ZREM', queue, ARGV[i]) == 0 then redis.call('ZREM', starts, ARGV[i]) end
end
if ARGV[5] == '1' then redis.call('ZREM', owners, owner) end
fill()
return {now, wasAlive, nextRoom()}
`,
);

/** Renews the owner's lease and starts whoever the window now has room for. Reply `{ now, wasAlive, nextRoom }`. */
export const RATE_RENEW = script(
  'rate renew',
  `${RATE}
return {now, wasAlive, nextRoom()}
`,
);

/** Reply `{ now, 1, available, waiting }` across every process. */
export const RATE_COUNTS = script(
  'rate counts',
  `${RATE}
local available = limit - redis.call('ZCARD', starts)
if available < 0 then available = 0 end
return {now, wasAlive, available, liveWaiters()}
`,
);
