/**
 * Argument checks of the Redis limiters, in the library's one message shape
 * (`fn: param must be <expected>, got <value>`). Not part of the public API.
 */
import type { Redis } from 'ioredis';
import { describe, fail } from '../../internal/validate';

/**
 * An options object's own properties (inherited ones, from a polluted prototype, are
 * ignored), each checked to be known: an unknown one is a `TypeError`, as everywhere else.
 */
export function ownOptions<K extends string>(fn: string, options: unknown, known: readonly K[]): Partial<Record<K, unknown>> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('type', fn, 'options', 'an object', options);
  const read: Partial<Record<K, unknown>> = {};
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    if (!(known as readonly string[]).includes(name)) {
      throw new TypeError(`${fn}: options.${name} is not a known option (expected one of ${known.join(', ')}), got ${describe(value)}`);
    }
    read[name as K] = value;
  }
  return read;
}

/** An ioredis client, told apart by the methods the limiters use. */
export function checkRedis(fn: string, value: unknown): Redis {
  const client = value as Partial<Record<'defineCommand' | 'duplicate' | 'on' | 'off', unknown>> | null;
  const ok =
    typeof value === 'object' &&
    client !== null &&
    typeof client.defineCommand === 'function' &&
    typeof client.duplicate === 'function' &&
    typeof client.on === 'function' &&
    typeof client.off === 'function' &&
    typeof (value as { status?: unknown }).status === 'string';
  if (!ok) fail('type', fn, 'options.redis', 'an ioredis client (new Redis(...))', value);
  return value as Redis;
}

/** The limit's name in Redis: a non-empty string. */
export function checkKey(fn: string, value: unknown): string {
  if (typeof value !== 'string') fail('type', fn, 'options.key', 'a non-empty string', value);
  if (value === '') fail('range', fn, 'options.key', 'a non-empty string', value);
  return value;
}

/** Longest delay a timer takes as it is (a longer one fires after 1 ms). */
const MAX_TIMER = 2147483647;

/** A lease: a whole number of ms, long enough to be renewed a few times over a round trip. */
export function checkLeaseMs(fn: string, value: unknown): number {
  const expected = `an integer from 100 to ${MAX_TIMER} (ms)`;
  if (typeof value !== 'number') fail('type', fn, 'options.leaseMs', expected, value);
  if (!(Number.isInteger(value) && value >= 100 && value <= MAX_TIMER)) fail('range', fn, 'options.leaseMs', expected, value);
  return value;
}

/** A window: a positive, finite number of ms that a timer can wait. */
export function checkInterval(fn: string, value: unknown): number {
  const expected = 'a positive, finite number of milliseconds';
  if (typeof value !== 'number') fail('type', fn, 'options.interval', expected, value);
  if (!(Number.isFinite(value) && value > 0)) fail('range', fn, 'options.interval', expected, value);
  if (value > MAX_TIMER) fail('range', fn, 'options.interval', `at most ${MAX_TIMER} ms (a longer timer fires after 1 ms)`, value);
  return value;
}
