/**
 * Bytes of a body, in Node: `Buffer`s (what `responseType: 'arraybuffer'` hands out).
 * The browser build uses lib/http/bytes.browser.ts instead: `Uint8Array`s, no `Buffer`.
 */

/** A body with no bytes. */
export const EMPTY: Uint8Array = Buffer.alloc(0);

/** `chunks` joined, `length` bytes in all. */
export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array {
  return Buffer.concat(chunks, length);
}

/** `bytes` decoded as UTF-8 (invalid sequences replaced). */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
