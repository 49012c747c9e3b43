/**
 * The browser build's lib/http/decode.ts: a browser undoes a response's content codings
 * itself, before the body reaches a transport, so no transport there asks for a decoder.
 */
import type { Coding } from './response';
import type { DecodeSink, Decoder } from './decode';

export type { DecodeSink, Decoder };

/** Never called in a browser (see above): fails if it is. */
export function createDecoder(codings: readonly Coding[], sink: DecodeSink): Decoder {
  void sink;
  throw new Error(`decoding a ${codings.join(', ')} body needs Node.js (node:zlib); in a browser, the browser decodes it`);
}
