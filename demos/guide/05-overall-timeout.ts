/**
 * An overall timeout: a deadline on the whole batch, not on each request.
 *
 * asyncio:  await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)
 * rxjs:     gather(inputs, { timeout: 2000 }), or waitFor(gather(inputs), 2000)
 *
 * At the deadline every request still running is unsubscribed: aborted, its socket
 * closed.
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/05-overall-timeout.ts
 */
import { TimeoutError, lastValueFrom } from 'rxjs';
import { gather, waitFor } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { describeError, httpbinUrl, ms, seconds, since } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const session = createSession({ baseURL: httpbinUrl(env) });
  try {
    const delays = [1, 3, 5];
    const requests = () => delays.map((d) => session.status(`/delay/${seconds(d)}`));
    console.log(`GET /delay/1, /delay/3, /delay/5 with 2 s for all of them`);

    let start = performance.now();
    try {
      await lastValueFrom(gather(requests(), { timeout: ms(2000) }));
    } catch (err) {
      console.log(`gather({ timeout }) after ${since(start)}: ${describeError(err)}`);
      console.log(`  instanceof rxjs TimeoutError: ${err instanceof TimeoutError}`);
    }

    start = performance.now();
    try {
      await lastValueFrom(waitFor(gather(requests()), ms(2000)));
    } catch (err) {
      console.log(`waitFor(gather(...)) after ${since(start)}: ${describeError(err)}`);
    }
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
