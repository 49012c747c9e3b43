/** The browser build's lib/http/undiciTransport.ts: undici is Node's, so its transport fails clearly here. */
import { checkConcurrency, readOptions } from '../internal/validate';
import type { PoolTransport, PoolTransportOptions } from './types';

/** Node only: checks its options as in Node, then throws an `Error` that says what to use instead. */
export function undiciTransport(options?: PoolTransportOptions): PoolTransport {
  const o = readOptions('undiciTransport', 'options', options, ['maxSockets']);
  if (o.maxSockets !== undefined) checkConcurrency('undiciTransport', 'options.maxSockets', o.maxSockets);
  throw new Error(
    'undiciTransport needs Node.js (undici, node:http): in a browser, use the default transport (axios over fetch) or httpClientTransport() from rxjs-asyncio/angular',
  );
}
