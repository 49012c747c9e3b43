/**
 * Argument checks of the Redis limiters, in the library's one message shape
 * (`fn: param must be <expected>, got <value>`). Not part of the public API.
 */
import type { Redis } from 'ioredis';
import { MAX_DELAY, fail } from '../../internal/validate';

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

/** A lease: a whole number of ms, long enough to be renewed a few times over a round trip. */
export function checkLeaseMs(fn: string, value: unknown): number {
  const expected = `an integer from 100 to ${MAX_DELAY} (ms)`;
  if (typeof value !== 'number') fail('type', fn, 'options.leaseMs', expected, value);
  if (!(Number.isInteger(value) && value >= 100 && value <= MAX_DELAY)) fail('range', fn, 'options.leaseMs', expected, value);
  return value;
}
