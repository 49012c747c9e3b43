/**
 * Lets every demo run on its own (`npx tsx demos/guide/02-gather.ts`) as well as
 * under `npm run demo`.
 */
import type { DemoEnv } from '../run-all';

/**
 * Runs `main` when `mod` is the program's entry module. With `needsHttpbin`, the demo
 * talks to `HTTPBIN_URL` if it is set, else to an embedded httpbin started for it.
 * A failure is printed and sets a non-zero exit code.
 */
export function runIfMain(mod: NodeModule, main: (env: DemoEnv) => Promise<void>, options: { needsHttpbin?: boolean } = {}): void {
  if (require.main !== mod) return;
  run(main, options.needsHttpbin === true).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

async function run(main: (env: DemoEnv) => Promise<void>, needsHttpbin: boolean): Promise<void> {
  if (!needsHttpbin || process.env.HTTPBIN_URL) return main({});
  // Loaded only when needed, so the timer demos never load the HTTP code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startHttpbin } = require('../../lib/testing') as typeof import('../../lib/testing');
  const httpbin = await startHttpbin();
  try {
    await main({ httpbinUrl: httpbin.url, httpbin });
  } finally {
    await httpbin.close();
  }
}
