/**
 * A per-request timeout: each request gets its own deadline, and only the slow ones
 * fail. The deadline covers the whole response, body included: a body that trickles
 * in is cut off too (axios's own `timeout` would wait for it).
 *
 * aiohttp:  ClientSession(timeout=aiohttp.ClientTimeout(total=1))
 * rxjs:     createSession({ timeout: 1000 })
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx tsx demos/guide/06-request-timeout.ts
 */
import { lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { createSession } from '../../lib/http';
import type { DemoEnv } from '../run-all';
import { describeError, httpbinUrl, ms, seconds } from './env';
import { runIfMain } from '../lib/main';

export async function main(env: DemoEnv = {}): Promise<void> {
  const base = httpbinUrl(env);
  const session = createSession({ baseURL: base, timeout: ms(1000) });
  try {
    // httpbin's /drip sends its headers at once, then its body a byte at a time over `duration`.
    const paths = [`/delay/${seconds(0.2)}`, `/delay/${seconds(2)}`, `/drip?duration=${seconds(3)}&numbytes=10`];
    const labels = ['/delay/0.2', '/delay/2', '/drip?duration=3 (headers at once, body over 3 s)'];
    console.log('each request may take 1 s');
    const results = await lastValueFrom(
      gather(
        paths.map((path) => session.status(path)),
        { returnExceptions: true },
      ),
    );
    results.forEach((result, i) => {
      const text =
        result instanceof Error
          ? describeError(result)
              .replace(base, '<httpbin>')
              .replace(/\/delay\/[\d.]+/, '/delay/…')
              .replace(/duration=[\d.]+&numbytes=\d+/, 'duration=…')
          : `status ${result}`;
      console.log(`  ${labels[i]}: ${text}`);
    });
  } finally {
    await session.close();
  }
}

runIfMain(module, main, { needsHttpbin: true });
