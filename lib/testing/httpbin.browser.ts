/** The browser build's lib/testing/httpbin.ts: the server needs node:http, so startHttpbin fails clearly here. */
import type { Httpbin, HttpbinOptions } from './httpbin';

export type { ChaosKind, ChaosOptions, Httpbin, HttpbinOptions } from './httpbin';

/** Node only: a rejected Promise that says what to do instead. */
export function startHttpbin(options?: HttpbinOptions): Promise<Httpbin> {
  void options;
  return Promise.reject(
    new Error(
      "startHttpbin needs Node.js (node:http): in a browser test, start it in the runner's Node process (a global setup) and give the page its url, or use fakeTransport()",
    ),
  );
}
