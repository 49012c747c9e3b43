import type { HttpMethod } from '../types';

/**
 * A response body was larger than `maxContentLength` (aiohttp's `max_line_size` and
 * `client_max_size` guard the same way; axios's `maxContentLength`): the request stopped
 * reading it as soon as the limit was crossed, before the body was buffered in full, or
 * at once when its `Content-Length` said so.
 *
 * The limit holds for the body as received and once decoded, so a small compressed body
 * that inflates past it (a gzip bomb) fails the same way, having allocated no more than
 * the limit. The message names the method, the URL and the limit.
 *
 * ```text
 * session.get(url):                         ----r|   a body within the limit
 * a body past maxContentLength:             --#      ResponseTooLargeError, the socket closed
 * ```
 *
 * @example
 * ```ts
 * createSession({ maxContentLength: 1024 }).get(`${httpbin.url}/bytes/4096`).subscribe({
 *   error: (err) => console.log(err instanceof ResponseTooLargeError, err.limit, err.message),
 * });
 * // Logs:
 * // true 1024 GET http://127.0.0.1:40123/bytes/4096 failed: the response body is larger than maxContentLength (1024 bytes)
 * ```
 */
export class ResponseTooLargeError extends Error {
  /** Always `'ResponseTooLargeError'`. */
  override readonly name = 'ResponseTooLargeError';
  /** The method of the request. */
  readonly method: HttpMethod;
  /** The URL of the response (the last one, after redirects), without credentials. */
  readonly url: string;
  /** The `maxContentLength` of the request, in bytes. */
  readonly limit: number;

  constructor(method: HttpMethod, url: string, limit: number) {
    super(`${method} ${url} failed: the response body is larger than maxContentLength (${limit} bytes)`);
    this.method = method;
    this.url = url;
    this.limit = limit;
  }
}
