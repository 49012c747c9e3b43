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

export async function main(env: DemoEnv = {}): Promise<void> {
  const base = httpbinUrl(env);
  const session = createSession({ baseURL: base, raiseForStatus: true, timeout: ms(1000) });
  try {
    const requests: [string, string][] = [
      ['/status/200', '/status/200'],
      ['/status/404', '/status/404'],
      ['/status/500', '/status/500'],
      [`/delay/${seconds(3)}`, '/delay/3 (1 s allowed)'],
      ['/reset', '/reset (the server drops the connection)'],
      ['http://exa mple.invalid/', 'an invalid URL'],
    ];
    const results = await lastValueFrom(
      gather(
        requests.map(([url]) => session.status(url)),
        { returnExceptions: true },
      ),
    );
    results.forEach((result, i) => console.log(`  ${requests[i]![1]}: ${explain(result).replace(base, '<httpbin>')}`));
    const failed = results.filter((r) => r instanceof Error).length;
    console.log(`${results.length - failed} succeeded, ${failed} failed, none was lost`);
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
