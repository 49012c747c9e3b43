import { format } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRedisServer } from '../redis/redisServer';
import type { RedisServer } from '../redis/redisServer';

/**
 * Every code block of the README is a file in demos/readme/ (with `rxjs-asyncio` in
 * place of the relative imports), and each of those files ends with the `// Logs:` it
 * promises. This spec holds both ends: the README shows each file as it is, and each
 * file, run, prints exactly its `// Logs:`. So the README cannot rot.
 *
 * Timer snippets run on jest's fake clock (each timer fires in due order, however busy
 * the machine), and again in real time, as a reader runs them: no two of their events
 * may be due at the same moment from different timers, or their order would be the
 * machine's choice. The HTTP ones run for real against the httpbin they start
 * themselves, the Redis ones against a redis-server this spec starts (its URL in
 * REDIS_URL, as a user's would be).
 */
const DIR = path.join(__dirname, '../../demos/readme');
const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));

/** The file as a user would write it: imports from the package, not from ../../lib. */
function asPublished(source: string): string {
  return source.replace(/'\.\.\/\.\.\/lib'/g, "'rxjs-asyncio'").replace(/'\.\.\/\.\.\/lib\/(http|testing|redis|angular)'/g, "'rxjs-asyncio/$1'");
}

/** The lines promised after `// Logs:`. */
function promised(source: string): string[] {
  const at = source.lastIndexOf('// Logs:');
  return source
    .slice(at + '// Logs:'.length)
    .split('\n')
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .filter((line) => line.trim() !== '');
}

/** Runs a snippet in this process and resolves with what it logged, once it logged as much as it promised. */
async function run(file: string, expected: number, fakeClock: boolean): Promise<string[]> {
  const lines: string[] = [];
  let resolve!: () => void;
  const enough = new Promise<void>((r) => (resolve = r));
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(...format(...args).split('\n'));
    if (lines.length >= expected) resolve();
  });
  if (fakeClock) jest.useFakeTimers();
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(DIR, file));
    });
    if (fakeClock) {
      await jest.runAllTimersAsync();
      jest.useRealTimers();
    }
    await enough;
    // Whatever else it would print comes now or never: let pending callbacks run once more.
    await new Promise<void>((r) => setImmediate(r));
  } finally {
    jest.useRealTimers();
    spy.mockRestore();
  }
  return lines;
}

/** Snippets of `rxjs-asyncio/redis`: they talk to the Redis at REDIS_URL. */
const usesRedis = (source: string): boolean => source.includes("'../../lib/redis'");

describe('README snippets', () => {
  let redis: RedisServer | undefined;
  const savedUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    if (!files.some((file) => usesRedis(fs.readFileSync(path.join(DIR, file), 'utf8')))) return;
    redis = await startRedisServer();
    process.env.REDIS_URL = `redis://127.0.0.1:${redis.port}`;
  });
  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = savedUrl;
    await redis?.close();
  });

  it.each(files)('shows demos/readme/%s as it is', (file) => {
    const source = asPublished(fs.readFileSync(path.join(DIR, file), 'utf8')).trimEnd();
    expect(README).toContain('```ts\n' + source + '\n```');
  });

  it.each(files)('demos/readme/%s prints its // Logs:', async (file) => {
    const source = fs.readFileSync(path.join(DIR, file), 'utf8');
    const expected = promised(source);
    const realIo = /startHttpbin/.test(source) || usesRedis(source);
    expect(await run(file, expected.length, !realIo)).toEqual(expected);
  });

  it.each(files.filter((file) => !/startHttpbin/.test(fs.readFileSync(path.join(DIR, file), 'utf8'))))(
    'demos/readme/%s prints its // Logs: in real time too',
    async (file) => {
      const expected = promised(fs.readFileSync(path.join(DIR, file), 'utf8'));
      expect(await run(file, expected.length, false)).toEqual(expected);
    },
  );
});
