/**
 * How a body becomes `data` (`responseType`), decided here for every transport (the Node
 * ones, the browser's axios over fetch, HttpClient's, `fakeTransport`), so the same
 * response gives the same `data` on each. Browser-neutral: the bytes are decoded by
 * lib/http/bytes.ts (`Buffer` in Node, `TextDecoder` in the browser build).
 *
 * Under `'auto'` the `Content-Type` decides:
 *
 * - a **JSON type** (WHATWG's "JSON MIME type": `application/json`, `text/json`, any
 *   `+json` subtype) is parsed; a body that is not JSON (an empty one too) is its text;
 * - a **textual type** is its text, decoded in its `charset`: `text/*`, the JSON types,
 *   WHATWG's XML types (`application/xml`, `text/xml`, any `+xml` subtype: `image/svg+xml`)
 *   and JavaScript types (`application/javascript`, `application/ecmascript`,
 *   `application/x-javascript`, `application/x-ecmascript`; the `text/` ones are text
 *   already), `application/x-www-form-urlencoded`, `application/x-ndjson` and
 *   `application/yaml`;
 * - **any other type** is bytes (`Uint8Array`; a `Buffer` in Node), an empty body included;
 * - **no `Content-Type`**: bytes, as RFC 9110 §8.3 lets a recipient assume
 *   `application/octet-stream` (nothing is sniffed); an empty body is `''`.
 *
 * The type's essence is matched in any case, its parameters ignored but `charset`; of a
 * `Content-Type` received more than once (joined with `', '`), the last value counts, as
 * fetch reads one.
 */
import { decodeBytes } from './bytes';
import type { ResponseType } from './types';

/** WHATWG's JSON MIME types, as essences (lower case, without parameters). */
const JSON_TYPE = /^(?:application|text)\/json$|\+json$/;
/** The textual types (see above), JSON's included. */
const TEXTUAL_TYPE = /^text\/|^application\/(?:json|xml|javascript|ecmascript|x-javascript|x-ecmascript|x-www-form-urlencoded|x-ndjson|yaml)$|\+(?:json|xml)$/;
/** The `charset` parameter, quoted or not, its name in any case. */
const CHARSET = /;\s*charset=("?)([^";]*)\1/i;

/**
 * A body as `data`, as `responseType` says: `'bytes'` (or `'arraybuffer'`) the bytes,
 * `'text'` its text in its charset, `'json'` that text parsed (a body that is not JSON
 * is its text), `'auto'` by its `Content-Type` (see above).
 */
export function bodyData(responseType: ResponseType, contentType: string | undefined, body: Uint8Array): unknown {
  if (responseType === 'bytes' || responseType === 'arraybuffer') return body;
  const type = contentType === undefined ? undefined : lastValue(contentType);
  if (responseType === 'auto' && (type === undefined ? body.length > 0 : !TEXTUAL_TYPE.test(essence(type)))) return body;
  return textData(responseType, type, decodeText(body, type));
}

/**
 * A body's text (decoded already, by HttpClient, or given to a fake transport) as
 * `data`: parsed under `'json'`, and under `'auto'` for a JSON type (its text when it is
 * not JSON); else the text.
 */
export function textData(responseType: ResponseType, contentType: string | undefined, text: string): unknown {
  const parse = responseType === 'json' || (responseType === 'auto' && contentType !== undefined && JSON_TYPE.test(essence(lastValue(contentType))));
  if (!parse || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A body's text, decoded as WHATWG's "decode" does: a byte order mark decides (UTF-8,
 * UTF-16LE or UTF-16BE, dropped), else the `charset` of `contentType` (any label of the
 * WHATWG Encoding Standard: `latin1` and `iso-8859-1` are windows-1252, `gbk`,
 * `shift_jis`, ...), else UTF-8. A charset `TextDecoder` does not take (unknown, or one
 * of WHATWG's "replacement" labels) is read as UTF-8, as browsers read an unknown one.
 * Invalid sequences become U+FFFD.
 */
function decodeText(body: Uint8Array, contentType: string | undefined): string {
  const first = body[0];
  const second = body[1];
  const bom =
    first === 0xfe && second === 0xff
      ? 'utf-16be'
      : first === 0xff && second === 0xfe
        ? 'utf-16le'
        : first === 0xef && second === 0xbb && body[2] === 0xbf
          ? 'utf-8'
          : undefined;
  const label = bom ?? charsetOf(contentType);
  try {
    return decodeBytes(body, label);
  } catch {
    return decodeBytes(body, undefined);
  }
}

/** The `charset` parameter of a `Content-Type` (of its last value), if it has one. */
export function charsetOf(contentType: string | undefined): string | undefined {
  // The parameters are looked at only when there are some.
  return contentType?.includes(';') ? CHARSET.exec(lastValue(contentType))?.[2] : undefined;
}

/** The last of the values of a `Content-Type` (one received twice is joined with `', '`). */
function lastValue(contentType: string): string {
  return contentType.slice(contentType.lastIndexOf(',') + 1);
}

/** A media type's essence: lower case, without parameters or spaces. */
function essence(type: string): string {
  const end = type.indexOf(';');
  return (end < 0 ? type : type.slice(0, end)).trim().toLowerCase();
}
