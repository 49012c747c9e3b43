/**
 * as_completed: requests that take 3, 1 and 2 seconds, each handled as it finishes.
 *
 * asyncio:  for coro in asyncio.as_completed(tasks): result = await coro
 * rxjs:     asCompleted(inputs).subscribe((result) => ...)
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 DEMO_TIME_SCALE=0.2 npx tsx demos/guide/03-as-completed.ts
 */
import { lastValueFrom, map, tap } from 'rxjs';
import { asCompleted } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { httpbinUrl, seconds, since } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const session = createSession({ baseURL: httpbinUrl(env) });
  try {
    const delays = [3, 1, 2];
    console.log(`submitted in this order: ${delays.map((d) => `/delay/${d}`).join(', ')}`);
    const start = performance.now();
    const order: number[] = [];
    await lastValueFrom(
      asCompleted(delays.map((d) => session.get(`/delay/${seconds(d)}`).pipe(map(() => d)))).pipe(
        tap((d) => {
          order.push(d);
          console.log(`  /delay/${d} finished after ${since(start)}`);
        }),
      ),
    );
    console.log(`completion order: ${order.join(', ')}`);
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
