/**
 * The guide's first example: one GET inside a session that is closed when done.
 *
 * aiohttp:  async with aiohttp.ClientSession() as session:
 *               async with session.get(url) as response: ...
 * rxjs:     using(() => createSession(), (session) => session.get(url))
 *
 * rxjs's `using()` is the `async with` of Observables: it creates the resource on
 * subscription and unsubscribes it (here: closes the session and its sockets) when
 * the stream completes, fails or is unsubscribed.
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/01-session.ts
 */
import { lastValueFrom, using } from 'rxjs';
import { createSession } from '../../lib/http';
import type { ClientSession, HttpResponse } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { describeError, httpbinUrl } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const base = httpbinUrl(env);
  let scoped: ClientSession | undefined;
  const response = await lastValueFrom(
    using(
      () => (scoped = createSession({ baseURL: base })),
      (session) => (session as ClientSession).json<{ url: string; headers: Record<string, string> }>('/get'),
    ),
  );
  console.log(`GET /get → url ${response.url.replace(base, '<httpbin>')}`);
  console.log(`the server saw user-agent: ${response.headers['user-agent'] ?? response.headers['User-Agent']}`);

  // The scope has ended: the session is closed, and says so if used again.
  try {
    await lastValueFrom(scoped!.get('/get'));
  } catch (err) {
    console.log(`after the scope, the session refuses: ${describeError(err)}`);
  }

  // The same with the full response.
  const full: HttpResponse = await lastValueFrom(
    using(
      () => createSession({ baseURL: base }),
      (s) => (s as ClientSession).get('/status/201'),
    ),
  );
  console.log(`GET /status/201 → ${full.status} ${full.statusText}`);
}

runIfMain(module, main, { needsHttpbin: true });
