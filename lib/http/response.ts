/**
 * What both transports decide the same way about a response, before and while its body
 * arrives: its headers as an object, whether it may have a body, whether its declared
 * length is over the limit, and the errors they raise themselves (which content codings
 * to undo is lib/http/decode.ts's). Browser-neutral: no `node:` module, no `Buffer`.
 */
import { timeoutError } from '../internal/deadline';
import { ResponseTooLargeError } from './errors/ResponseTooLargeError';
import type { HttpMethod, HttpRequest } from './types';

/** An error a transport raises itself, with a `code` as Node's and undici's errors have one. */
export interface TransportError extends Error {
  readonly code: string;
}

/** The errors made by {@link transportError}: a transport tells its own from a library's wrapping of them. */
const OWN = new WeakSet<Error>();

/** An `Error` with a `code`, e.g. `ERR_TOO_MANY_REDIRECTS`; the session reports it as a `NetworkError` whose `cause` it is. */
export function transportError(code: string, message: string): TransportError {
  const err = Object.assign(new Error(message), { code });
  OWN.add(err);
  return err;
}

/** Whether `err` was made by {@link transportError}. */
export function isTransportError(err: unknown): err is TransportError {
  return err instanceof Error && OWN.has(err);
}

/** Errors thrown by a caller's own callback (`onDownloadProgress`): the session passes them on as they are. */
const CALLERS = new WeakSet<Error>();

/** What a caller's callback threw, as the error its request fails with (anything but an `Error` wrapped in one). */
export function callerError(thrown: unknown): Error {
  const err = thrown instanceof Error ? thrown : new Error(String(thrown), { cause: thrown });
  CALLERS.add(err);
  return err;
}

/** Whether `err` was thrown by a caller's callback (see {@link callerError}). */
export function isCallerError(err: unknown): boolean {
  return err instanceof Error && CALLERS.has(err);
}

/** What a request to a closed transport fails with (`code` `'ERR_TRANSPORT_CLOSED'`), on every transport. */
export function closedError(): Error {
  return Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' });
}

/** What a request fails with once `readTimeout` ms have passed without data (its transport stops it first): rxjs `TimeoutError`. */
export function readTimeoutError(method: HttpMethod, url: string, readTimeout: number): Error {
  return timeoutError(`${method} ${url} timed out: no data for ${readTimeout} ms (readTimeout)`, { method, url, readTimeout });
}

/**
 * What joins the values of a header received more than once: `'\n'` for `set-cookie`
 * (a cookie's `Expires` date holds a comma, so `', '` could not be split back, and a
 * header value never holds a newline), `', '` for any other (RFC 9110 §5.3).
 */
export function separator(name: string): string {
  return name === 'set-cookie' ? '\n' : ', ';
}

/**
 * A response's headers from its raw pairs as received (`[name, value, name, value, ...]`):
 * names lower-cased by `name`, a repeated header joined to the first by its
 * {@link separator}, in an object without prototype (a header named `constructor` or `__proto__` is a header like
 * any other). Built as a plain object, then cut from its prototype: V8 keeps such an object
 * fast to read, where one made by `Object.create(null)` is a dictionary, slower on every
 * response.
 *
 * On every response's path: the pairs are first stored without a look at what is there
 * (a read of the object while it grows costs as much as the store), and only when that
 * made fewer properties than pairs (a name received twice, or `__proto__`, which a store
 * does not make) are they built again, the careful way.
 */
export function headersFrom<T>(raw: readonly T[], name: (raw: T) => string, value: (raw: T) => string): Record<string, string> {
  const pairs = raw.length >> 1;
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs; i++) out[name(raw[2 * i]!)] = value(raw[2 * i + 1]!);
  let count = 0;
  for (const _ in out) count++;
  return Object.setPrototypeOf(count === pairs ? out : joined(raw, pairs, name, value), null) as Record<string, string>;
}

/** The headers of {@link headersFrom} when a name repeats or is `__proto__`: each name looked up before it is stored. */
function joined<T>(raw: readonly T[], pairs: number, name: (raw: T) => string, value: (raw: T) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs; i++) {
    const key = name(raw[2 * i]!);
    const text = value(raw[2 * i + 1]!);
    // Until the prototype is cut, a name such as `constructor` reads an inherited function: only a string is a header.
    const seen: unknown = out[key];
    if (typeof seen === 'string') out[key] = seen + separator(key) + text;
    else if (key === '__proto__') Object.defineProperty(out, key, { value: text, writable: true, enumerable: true, configurable: true });
    else out[key] = text;
  }
  return out;
}

/** Headers from string pairs as received (`[name, value, ...]`), names lower-cased (see {@link headersFrom}). */
export function headersFromStrings(raw: readonly string[]): Record<string, string> {
  return headersFrom(raw, lowerCase, asIs);
}

function lowerCase(name: string): string {
  return name.toLowerCase();
}

function asIs(value: string): string {
  return value;
}

/** Whether a response has no body, whatever its headers say (RFC 9110: HEAD, 1xx, 204, 304). */
export function hasNoBody(method: HttpMethod, status: number): boolean {
  return method === 'HEAD' || status < 200 || status === 204 || status === 304;
}

/**
 * The error of a response whose `Content-Length` is over the request's
 * `maxContentLength`: it fails before a byte of its body is read. `undefined` otherwise.
 */
export function declaredTooLarge(
  request: HttpRequest,
  method: HttpMethod,
  url: string,
  status: number,
  headers: Record<string, string>,
): ResponseTooLargeError | undefined {
  // A streamed body is never held: however long, it is not too large.
  if (request.onChunk !== undefined || hasNoBody(method, status)) return undefined;
  const length = declaredLength(headers['content-length']);
  return length !== undefined && length > request.maxContentLength ? new ResponseTooLargeError(method, url, request.maxContentLength) : undefined;
}

/** A `Content-Length` as a number of bytes, `undefined` when there is none or it is not one (no regex: on every response's path). */
export function declaredLength(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const length = Number(value);
  return Number.isInteger(length) && length >= 0 ? length : undefined;
}

/** What the transports send as `Accept-Encoding`: the codings lib/http/decode.ts undoes. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * What the Node transports send as `User-Agent` unless the request sets one: the same
 * on both (axios would send `axios/<version>`, undici `undici`). A browser sends its own.
 */
export const USER_AGENT = 'rxjs-asyncio';

/** The error of a `101 Switching Protocols` the request did not ask for (it never sends `Upgrade`). */
export function unexpectedUpgrade(): TransportError {
  return transportError('ERR_UNEXPECTED_UPGRADE', 'the server switched protocols (101) without being asked to');
}
