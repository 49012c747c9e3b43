/**
 * Error handling: with `returnExceptions`, every failure takes its request's place
 * and the others finish; each kind of failure has its own class.
 *
 * asyncio:  results = await asyncio.gather(*tasks, return_exceptions=True)
 *           for r in results: if isinstance(r, Exception): ...
 * rxjs:     gather(inputs, { returnExceptions: true }), then `instanceof` on each slot
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/07-errors.ts
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TimeoutError, lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { HttpStatusError, NetworkError, createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { httpbinUrl, ms, seconds } from './env';
import { runIfMain } from '../lib/main';

/** What a result slot holds, in words: the caller's side of `instanceof`. */
function explain(result: unknown): string {
  if (result instanceof HttpStatusError) return `HttpStatusError: the server answered ${result.status}`;
  if (result instanceof TimeoutError) return 'TimeoutError: no complete answer in time';
  if (result instanceof NetworkError) return `NetworkError: ${result.message}`;
  if (result instanceof Error) return `${result.name}: ${result.message}`;
  return `ok, status ${String(result)}`;
}

/** A port on 127.0.0.1 that nothing listens on: one the system gave out, closed again at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function main(env: DemoEnv = {}): Promise<void> {
  const base = httpbinUrl(env);
  const port = await closedPort();
  const session = createSession({ baseURL: base, raiseForStatus: true, timeout: ms(1000) });
  try {
    const requests: [string, string][] = [
      ['/status/200', '/status/200'],
      ['/status/404', '/status/404'],
      ['/status/500', '/status/500'],
      [`/delay/${seconds(3)}`, '/delay/3 (1 s allowed)'],
      [`http://127.0.0.1:${port}/get`, 'a closed port (connection refused)'],
      ['http://exa mple.invalid/', 'an invalid URL'],
    ];
    const results = await lastValueFrom(
      gather(
        requests.map(([url]) => session.status(url)),
        { returnExceptions: true },
      ),
    );
    results.forEach((result, i) =>
      console.log(`  ${requests[i]![1]}: ${explain(result).replace(base, '<httpbin>').replaceAll(`127.0.0.1:${port}`, '127.0.0.1:<closed port>')}`),
    );
    const failed = results.filter((r) => r instanceof Error).length;
    console.log(`${results.length - failed} succeeded, ${failed} failed, none was lost`);
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
