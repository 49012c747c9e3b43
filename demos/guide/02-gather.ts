/**
 * gather: three requests at once, their statuses back in the order they were asked.
 *
 * asyncio:  statuses = await asyncio.gather(*(fetch_status(session, u) for u in urls))
 * rxjs:     gather(urls.map((url) => session.status(url)))
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/02-gather.ts
 */
import { lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { httpbinUrl } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const session = createSession({ baseURL: httpbinUrl(env) });
  try {
    const urls = ['/status/200', '/status/201', '/status/400'];
    console.log(`GET ${urls.join(', ')} at once`);
    const statuses = await lastValueFrom(gather(urls.map((url) => session.status(url))));
    // A 400 is a result, not a failure: a session raises for status only when asked to.
    console.log(`statuses: [${statuses.join(', ')}]`);
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
