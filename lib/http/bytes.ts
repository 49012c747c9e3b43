/**
 * Bytes of a body, in Node: `Buffer`s (what `responseType: 'bytes'` hands out).
 * The browser build uses lib/http/bytes.browser.ts instead: `Uint8Array`s, no `Buffer`.
 */

/** A body with no bytes. */
export const EMPTY: Uint8Array = Buffer.alloc(0);

/** `chunks` joined, `length` bytes in all. */
export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array {
  return Buffer.concat(chunks, length);
}

/** The labels of UTF-8 decoded by `Buffer` (faster than `TextDecoder`, whose other labels for it reach it anyway). */
const UTF8 = /^\s*utf-?8\s*$/i;

/**
 * `bytes` decoded in the WHATWG encoding that `label` names (UTF-8 when `undefined`), a
 * byte order mark of that encoding dropped, invalid sequences replaced; a `RangeError`
 * for a label `TextDecoder` does not take. UTF-8 is `Buffer#toString`, the fast path;
 * any other is `TextDecoder`'s (Node's full ICU has every one), except windows-1252
 * (which `latin1`, `iso-8859-1` and `ascii` name too), decoded here: Node's TextDecoder
 * reads it as ISO-8859-1 since 20.18.3 and 22.13.0, so 0x80 is U+0080, not `€`
 * (nodejs/node#60888).
 */
export function decodeBytes(bytes: Uint8Array, label: string | undefined): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (label === undefined || UTF8.test(label)) {
    const text = buffer.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  const decoder = new TextDecoder(label);
  if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
  return buffer.toString('latin1').replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80]!);
}

/** What windows-1252 makes of 0x80 to 0x9F (WHATWG's index-windows-1252); the rest is ISO-8859-1. */
const WINDOWS_1252 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';
