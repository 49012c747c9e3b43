/**
 * Streaming: a body handled as it arrives, not once it has all come. Lines of NDJSON,
 * chunks of a slow body with download progress, Server-Sent Events, and a stream left
 * early (its request aborted, its socket closed).
 *
 * aiohttp:  async for line in resp.content: ...      async for chunk in resp.content.iter_any(): ...
 * rxjs:     session.lines(url).subscribe(...)        session.stream(url).subscribe(...)
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/09-streaming.ts
 */
import { lastValueFrom, take, tap } from 'rxjs';
import { createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';
import type { DemoEnv } from '../run-all';
import { httpbinUrl, seconds, since } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const session = createSession({ baseURL: httpbinUrl(env) });
  // httpbin 0.7 has no /sse route (it is go-httpbin's): against another server, the events
  // come from an embedded httpbin of this demo's own.
  const own = env.httpbin === undefined ? await startHttpbin() : undefined;
  const sseBase = own?.url ?? httpbinUrl(env);
  try {
    console.log('lines of /stream/3 (NDJSON), each parsed as it arrives:');
    await lastValueFrom(session.lines('/stream/3').pipe(tap((line) => console.log(`  id ${(JSON.parse(line) as { id: number }).id}`))));

    console.log(`Server-Sent Events of /sse, 3 over 1.5 s:`);
    let start = performance.now();
    await lastValueFrom(
      session.sse(`${sseBase}/sse?count=3&duration=${seconds(1.5)}`).pipe(tap((event) => console.log(`  ${event.type} id=${event.id} after ${since(start)}`))),
    );

    console.log('the first 2 chunks of a body sent over 10 s, then unsubscribed:');
    start = performance.now();
    const first = await lastValueFrom(session.stream(`/drip?duration=${seconds(10)}&numbytes=10&delay=0`).pipe(take(2)));
    console.log(`  done after ${since(start)} (last chunk ${first.length} byte): the request aborted, not read to its end`);
    // A new connection: the one above was closed by the abort.
    console.log('/drip sends its headers at once, then 4 bytes over 2 s: each chunk as it comes');
    start = performance.now();
    let lastLoaded = 0;
    const onDownloadProgress = ({ loaded }: { loaded: number }): void => void (lastLoaded = loaded);
    await lastValueFrom(
      session
        .stream(`/drip?duration=${seconds(2)}&numbytes=4&delay=0`, { onDownloadProgress })
        .pipe(tap((chunk) => console.log(`  ${chunk.length} byte(s) after ${since(start)}, ${lastLoaded} of 4 so far`))),
    );
  } finally {
    await session.close();
    await own?.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
