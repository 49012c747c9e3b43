/**
 * The client side of memory.spec.ts, in a process of its own so that its peak RSS is the
 * client's alone: `node --import tsx spec/hostile/memory-child.ts <axios|undici> <url> [stream]`
 * (`stream`: the body read with `session.stream()`, its bytes counted).
 *
 * With a session of default options: one small request to warm up, a baseline RSS, the
 * peak reset (Linux: `/proc/self/clear_refs`), then the request to `url`; prints one line
 * `MEMORY <json>` with how it ended and the peak RSS (`VmHWM`) it reached.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createSession, undiciTransport } from '../../lib/http';

function peakRss(): number | undefined {
  try {
    const kb = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

interface Outcome {
  name: string;
  limit?: number;
  message: string;
  bytes?: number;
}

async function main(): Promise<void> {
  const [transport, url, mode] = process.argv.slice(2);
  if (url === undefined || (transport !== 'axios' && transport !== 'undici')) throw new Error('usage: memory-child.ts <axios|undici> <url> [stream]');
  const session = createSession(transport === 'undici' ? { transport: undiciTransport() } : undefined);
  await new Promise<void>((resolve, reject) => session.get(new URL('/warm', url).href).subscribe({ complete: resolve, error: reject }));
  const baseline = process.memoryUsage().rss;
  let reset = false;
  try {
    // 5: reset the peak RSS to the current RSS (Linux 4.0+).
    writeFileSync('/proc/self/clear_refs', '5');
    reset = true;
  } catch {
    // The peak then includes the start-up, which is below the baseline anyway.
  }
  const failed = (err: { name: string; limit?: number; message: string }): Outcome => ({ name: err.name, limit: err.limit, message: err.message });
  const outcome = await new Promise<Outcome>((resolve) => {
    if (mode === 'stream') {
      // Read chunk by chunk, counted, never kept.
      let bytes = 0;
      session.stream(url).subscribe({
        next: (chunk) => (bytes += chunk.length),
        error: (err: { name: string; limit?: number; message: string }) => resolve(failed(err)),
        complete: () => resolve({ name: 'complete', message: `${bytes} bytes`, bytes }),
      });
    } else {
      session.get(url).subscribe({
        next: (res) => resolve({ name: 'response', message: `status ${res.status}` }),
        error: (err: { name: string; limit?: number; message: string }) => resolve(failed(err)),
      });
    }
  });
  const peak = peakRss();
  await session.close();
  process.stdout.write(`MEMORY ${JSON.stringify({ ...outcome, baseline, peak, reset })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
