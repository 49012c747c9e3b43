/**
 * What both transports decide the same way about a response, before and while its body
 * arrives: its headers as an object, whether it may have a body, whether its declared
 * length is over the limit, which content codings to undo, and the errors they raise
 * themselves. Browser-neutral: no `node:` module, no `Buffer`.
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

/** What a request to a closed transport fails with (`code` `'ERR_TRANSPORT_CLOSED'`), on every transport. */
export function closedError(): Error {
  return Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' });
}

/** What a request fails with once `readTimeout` ms have passed without data (its transport stops it first): rxjs `TimeoutError`. */
export function readTimeoutError(method: HttpMethod, url: string, readTimeout: number): Error {
  return timeoutError(`${method} ${url} timed out: no data for ${readTimeout} ms (readTimeout)`, { method, url, readTimeout });
}

/**
 * A response's headers from its raw pairs as received (`[name, value, name, value, ...]`):
 * names lower-cased by `name`, a repeated header joined to the first with `', '` (a
 * repeated `set-cookie` with `'\n'`, which no value holds: its `Expires` has a comma), in an
 * object without prototype (a header named `constructor` or `__proto__` is a header like
 * any other). Built as a plain object, then cut from its prototype: V8 keeps such an object
 * fast to read, where one made by `Object.create(null)` is a dictionary, slower on every
 * response.
 */
export function headersFrom<T>(raw: readonly T[], name: (raw: T) => string, value: (raw: T) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = name(raw[i]!);
    const text = value(raw[i + 1]!);
    // Until the prototype is cut, a name such as `constructor` reads an inherited function: only a string is a header.
    const seen: unknown = out[key];
    if (typeof seen === 'string') out[key] = seen + (key === 'set-cookie' ? '\n' : ', ') + text;
    else if (key === '__proto__') Object.defineProperty(out, key, { value: text, writable: true, enumerable: true, configurable: true });
    else out[key] = text;
  }
  return Object.setPrototypeOf(out, null) as Record<string, string>;
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
  const declared = headers['content-length'];
  if (declared === undefined || hasNoBody(method, status)) return undefined;
  const length = Number(declared);
  return length > request.maxContentLength ? new ResponseTooLargeError(method, url, request.maxContentLength) : undefined;
}

/** A content coding the transports ask for (`Accept-Encoding`) and undo. */
export type Coding = 'gzip' | 'deflate' | 'br';

/** What the transports send as `Accept-Encoding`. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const CODINGS: Readonly<Record<string, Coding>> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };

/** More codings than this on one body is an attack, not a server's choice (urllib3 stops at 5 too). */
const MAX_CODINGS = 5;

/**
 * The codings to undo for a `Content-Encoding` header, outermost (last applied) first:
 * `gzip, gzip` is undone twice. `undefined` when there is nothing to undo (no header,
 * `identity`) or a single coding the transports do not know (the body is then given as
 * received, the header kept, as axios does); an error for a list it cannot undo in full
 * (an unknown coding among others, too many): never a body half decoded.
 */
export function contentCodings(header: string | undefined): readonly Coding[] | TransportError | undefined {
  if (header === undefined) return undefined;
  const known = CODINGS[header];
  if (known !== undefined) return [known];
  const names = header
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
  if (names.length === 0) return undefined;
  if (names.length > MAX_CODINGS)
    return transportError('ERR_CONTENT_ENCODING', `more than ${MAX_CODINGS} content codings (Content-Encoding: ${header.slice(0, 100)})`);
  const codings: Coding[] = [];
  for (const name of names) {
    const coding = CODINGS[name];
    if (coding !== undefined) codings.unshift(coding);
    else if (names.length === 1) return undefined;
    else return transportError('ERR_CONTENT_ENCODING', `unsupported content coding ${JSON.stringify(name)} (Content-Encoding: ${header.slice(0, 100)})`);
  }
  return codings;
}

/** The error of a `101 Switching Protocols` the request did not ask for (it never sends `Upgrade`). */
export function unexpectedUpgrade(): TransportError {
  return transportError('ERR_UNEXPECTED_UPGRADE', 'the server switched protocols (101) without being asked to');
}
