/**
 * The browser build's lib/http/decode.ts: a browser undoes a response's content codings
 * itself, before the body reaches a transport, so none is left to undo and no transport
 * there asks for a decoder.
 */
import type { Coding, DecodeSink, Decoder } from './decode';

export type { Coding, DecodeSink, Decoder };

/** None to undo: the browser has (its transport drops the `Content-Encoding` it undid). */
export function contentCodings(header: string | undefined): undefined {
  void header;
  return undefined;
}

/** Never called in a browser (see above): fails if it is. */
export function createDecoder(codings: readonly Coding[], sink: DecodeSink): Decoder {
  void sink;
  throw new Error(`decoding a ${codings.join(', ')} body needs Node.js (node:zlib)`);
}
