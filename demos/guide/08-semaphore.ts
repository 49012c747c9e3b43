/**
 * A Semaphore caps how many requests run at once, across every call that shares it.
 *
 * asyncio:  sem = asyncio.Semaphore(3)
 *           async def fetch(url):
 *               async with sem: ...
 * rxjs:     const semaphore = new Semaphore(3);
 *           createSession({ semaphore })   // or semaphore.run(input), withPermit(semaphore)
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/08-semaphore.ts
 */
import { defer, finalize, lastValueFrom } from 'rxjs';
import { Semaphore, gather } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { httpbinUrl, seconds, since } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const semaphore = new Semaphore(3);
  const session = createSession({ baseURL: httpbinUrl(env) });
  const limited = createSession({ baseURL: httpbinUrl(env), semaphore });
  try {
    console.log('10 requests of 0.5 s each, through one Semaphore(3)');
    let running = 0;
    let peak = 0;
    // semaphore.run subscribes to its input only once it holds a permit: count there.
    const counted = (i: number) =>
      defer(() => {
        peak = Math.max(peak, ++running);
        return session.get(`/delay/${seconds(0.5)}?n=${i}`).pipe(finalize(() => running--));
      });
    let start = performance.now();
    const responses = await lastValueFrom(gather(Array.from({ length: 10 }, (_, i) => semaphore.run(counted(i)))));
    console.log(`  semaphore.run: ${responses.length} responses after ${since(start)}; at most ${peak} ran at once`);

    // The same limit as a session option: every request of the session takes a permit.
    start = performance.now();
    const statuses = await lastValueFrom(gather(Array.from({ length: 10 }, (_, i) => limited.status(`/delay/${seconds(0.5)}?n=${i}`))));
    console.log(`  createSession({ semaphore }): ${statuses.length} responses after ${since(start)} (rounds of 3, 3, 3, 1)`);
    console.log(`  permits free now: ${semaphore.available} of 3`);
  } finally {
    await Promise.all([session.close(), limited.close()]);
  }
}

runIfMain(module, main, { needsHttpbin: true });
