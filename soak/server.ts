/**
 * The soak's server, in a process of its own so the client's heap is measured alone:
 * the embedded httpbin with seeded chaos.
 *
 * Usage: node --import tsx soak/server.ts '<ChaosOptions as JSON>'
 *
 * Protocol (one line each, on stdout): `READY <url>` once listening. On stdin, the
 * line `stats` makes it wait until no connection is open (at most 10 s) and answer
 * `STATS <json>` with its counters; the end of stdin closes the server and exits.
 */
import { createInterface } from 'node:readline';
import { startHttpbin } from '../lib/testing';
import type { ChaosOptions } from '../lib/testing/httpbin';

async function main(): Promise<void> {
  const chaos = JSON.parse(process.argv[2] ?? '{}') as ChaosOptions;
  const httpbin = await startHttpbin({ chaos });
  process.stdout.write(`READY ${httpbin.url}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'stats') return;
    const report = (drained: boolean): void => {
      const stats = {
        drained,
        requests: httpbin.requests,
        connections: httpbin.connections,
        maxOpenConnections: httpbin.maxOpenConnections,
        maxActiveRequests: httpbin.maxActiveRequests,
        openConnections: httpbin.openConnections,
        activeRequests: httpbin.activeRequests,
        pendingTimers: httpbin.pendingTimers,
      };
      process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
    };
    httpbin.waitForOpenConnections(0, 10_000).then(
      () => report(true),
      () => report(false),
    );
  });
  lines.on('close', () => {
    void httpbin.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
