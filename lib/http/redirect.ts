/**
 * The redirect rules of a session, followed the same way by both transports (aiohttp's and
 * follow-redirects' rules, with the safety rules of API.md). Browser-neutral.
 */
import { withoutCredentials } from './request';
import { transportError } from './response';
import type { TransportError } from './response';
import type { HttpHeaders, HttpMethod, HttpRequest } from './types';

/** What changes from one hop of a request to the next: where it goes and what it sends. */
export interface Hop {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: HttpHeaders;
  readonly data: unknown;
}

/** The statuses that redirect (aiohttp's list): a 300, 304 or 305 is an answer. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that go to the origin they were meant for only. */
const ORIGIN_BOUND = ['authorization', 'cookie', 'proxy-authorization', 'host'];

/**
 * Whether a response redirects the request: a redirect status with a `Location` that is
 * not empty, and redirects asked for. Otherwise the response is the answer, as it is (an
 * empty `Location` included: follow-redirects and aiohttp return it too).
 */
export function isRedirect(request: HttpRequest, status: number, location: string | undefined): boolean {
  return request.maxRedirects > 0 && REDIRECT_STATUSES.has(status) && location !== undefined && location.trim() !== '';
}

/**
 * The hop a redirect leads to, `followed` being the redirects already followed; or the
 * error that ends the request:
 *
 * - past `maxRedirects` (a loop, or a chain one hop too long): `ERR_TOO_MANY_REDIRECTS`;
 * - a `Location` that does not parse, or is not `http:` or `https:`: `ERR_INVALID_REDIRECT`;
 * - a stream body to send again (307, 308): `ERR_STREAM_REDIRECT`.
 *
 * A 303, and a 301 or 302 of a POST, become a GET without body (its `content-*` headers
 * dropped); to another origin, `authorization`, `cookie`, `proxy-authorization` and `host`
 * are dropped. Credentials in the `Location` are removed, not sent.
 */
export function nextHop(request: HttpRequest, hop: Hop, followed: number, status: number, location: string): Hop | TransportError {
  if (followed >= request.maxRedirects) {
    return transportError('ERR_TOO_MANY_REDIRECTS', `Maximum number of redirects exceeded (maxRedirects: ${request.maxRedirects})`);
  }
  let next: URL;
  try {
    next = new URL(location.trim(), hop.url);
  } catch {
    return transportError('ERR_INVALID_REDIRECT', `a ${status} redirect to an invalid URL`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    return transportError('ERR_INVALID_REDIRECT', `a ${status} redirect to a ${next.protocol} URL (only http: and https: are followed)`);
  }
  // A Location without a fragment keeps the request's (WHATWG fetch, HTTP redirect fetch).
  if (!location.includes('#')) next.hash = new URL(hop.url).hash;
  const { method } = hop;
  const toGet = ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD');
  if (!toGet && isStream(hop.data)) {
    return transportError('ERR_STREAM_REDIRECT', `cannot send a stream body again to follow a ${status} redirect`);
  }
  const headers: Record<string, string> = { ...hop.headers };
  if (toGet) {
    for (const name of Object.keys(headers)) if (name.startsWith('content-')) delete headers[name];
  }
  if (next.origin !== new URL(hop.url).origin) {
    for (const name of ORIGIN_BOUND) delete headers[name];
  }
  return { url: withoutCredentials(next.href), method: toGet ? 'GET' : method, headers, data: toGet ? undefined : hop.data };
}

/**
 * The headers a hop goes with: its own (the caller's, less what a redirect dropped), with
 * the session's cookies for its URL (`RequestCookies.header`), asked for as it is sent.
 * The hop's own object when the jar adds nothing.
 */
export function hopHeaders(request: HttpRequest, hop: Hop): HttpHeaders {
  const { cookies } = request;
  if (cookies === undefined) return hop.headers;
  const own = hop.headers.cookie;
  const cookie = cookies.header(hop.url, own);
  return cookie === own || cookie === undefined ? hop.headers : { ...hop.headers, cookie };
}

/**
 * Gives the session's jar the cookies a hop's response sets (its `set-cookie` values, as
 * `headersFrom` joins them), once its head has come: before its body is read, and so
 * before a redirect's next hop is sent.
 */
export function keepCookies(request: HttpRequest, url: string, headers: HttpHeaders): void {
  const setCookie = headers['set-cookie'];
  if (setCookie !== undefined && request.cookies !== undefined) request.cookies.store(url, setCookie.split('\n'));
}

/** A body that can be read once only: a Node stream or a WHATWG `ReadableStream`. */
function isStream(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as { pipe?: unknown; getReader?: unknown };
  return typeof d.pipe === 'function' || typeof d.getReader === 'function';
}
