/**
 * Runs every README code block (the files of demos/readme/) as a program of its own,
 * in the order the README shows them: `npm run demo` prints what each logs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRedisServer } from '../../spec/redis/redisServer';

const DIR = path.join(__dirname, '../readme');

export async function main(): Promise<void> {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort((a, b) => readme.indexOf(published(a)) - readme.indexOf(published(b)));
  const tsx = require.resolve('tsx/cli');
  // The Redis snippets talk to REDIS_URL: a redis-server of the demo's own unless one is given.
  const needsRedis = files.some((file) => fs.readFileSync(path.join(DIR, file), 'utf8').includes("'../../lib/redis'"));
  const redis = needsRedis && !process.env.REDIS_URL ? await startRedisServer() : undefined;
  const env = redis === undefined ? process.env : { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  try {
    for (const file of files) {
      console.log(`-- demos/readme/${file}`);
      const out = execFileSync(process.execPath, [tsx, path.join(DIR, file)], { encoding: 'utf8', env });
      console.log(out.trimEnd());
    }
  } finally {
    await redis?.close();
  }
}

/** The file as the README shows it: imports from the package, not from ../../lib. */
function published(file: string): string {
  return fs
    .readFileSync(path.join(DIR, file), 'utf8')
    .replace(/'\.\.\/\.\.\/lib'/g, "'rxjs-asyncio'")
    .replace(/'\.\.\/\.\.\/lib\/(http|testing|redis|angular)'/g, "'rxjs-asyncio/$1'")
    .trimEnd();
}
