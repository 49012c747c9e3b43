/**
 * wait with FIRST_COMPLETED: take the first answer, then cancel the requests still
 * pending (their sockets are closed, and the server sees them go).
 *
 * asyncio:  done, pending = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)
 *           for task in pending: task.cancel()
 * rxjs:     wait(inputs, { returnWhen: FIRST_COMPLETED }) then task.cancel()
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/04-wait.ts
 */
import { firstValueFrom, lastValueFrom, map } from 'rxjs';
import { FIRST_COMPLETED, wait } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { httpbinUrl, seconds, since } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const session = createSession({ baseURL: httpbinUrl(env) });
  try {
    const delays = [3, 1, 2];
    const start = performance.now();
    const { done, pending } = await lastValueFrom(
      wait(
        delays.map((d) => session.get(`/delay/${seconds(d)}`).pipe(map(() => `/delay/${d}`))),
        { returnWhen: FIRST_COMPLETED },
      ),
    );
    console.log(`first completed after ${since(start)}: ${done.map((task) => task.result()).join(', ')}`);
    const { httpbin } = env;
    if (httpbin !== undefined) console.log(`the server is still answering ${httpbin.activeRequests} requests`);
    console.log(`pending: ${pending.length}; cancelling them`);
    for (const task of pending) task.cancel();
    console.log(`cancelled: ${pending.map((task) => task.cancelled()).join(', ')}`);
    if (httpbin !== undefined) {
      // Cancelling aborts the requests: their sockets close, and only the finished
      // request's socket stays open, idle in the keep-alive pool.
      await httpbin.waitForOpenConnections(1);
      console.log(
        `the server saw the cancelled requests' sockets close: ${httpbin.activeRequests} requests in flight, ${httpbin.openConnections} idle connection open`,
      );
    }
    // A cancelled task tells its subscribers so.
    await firstValueFrom(pending[0]!).catch((err: unknown) => console.log(`a pending task now fails with ${(err as Error).name}`));
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
