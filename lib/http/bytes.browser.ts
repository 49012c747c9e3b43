/** Bytes of a body outside Node (the browser build's lib/http/bytes.ts): `Uint8Array`s. */

/** A body with no bytes. */
export const EMPTY: Uint8Array = new Uint8Array(0);

/** `chunks` joined, `length` bytes in all. */
export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

/**
 * `bytes` decoded in the WHATWG encoding that `label` names (UTF-8 when `undefined`), a
 * byte order mark of that encoding dropped, invalid sequences replaced; a `RangeError`
 * for a label `TextDecoder` does not take.
 */
export function decodeBytes(bytes: Uint8Array, label: string | undefined): string {
  return new TextDecoder(label).decode(bytes);
}
