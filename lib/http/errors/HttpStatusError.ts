import type { HttpMethod, HttpResponse } from '../types';

/**
 * A response had a status >= 400 and the request was made with `raiseForStatus`
 * (aiohttp's ClientResponseError, ky's HTTPError).
 *
 * Without `raiseForStatus` (the default) any status is a successful response; with
 * it, the request fails with this error in place of emitting the response, which
 * the error carries. The message names the method, the URL and the status.
 *
 * ```text
 * session.get(url):                       ----r|    r.status 404: a response
 * with raiseForStatus, session.get(url):  ----#     HttpStatusError (err.response is r)
 * ```
 *
 * @example
 * ```ts
 * createSession({ raiseForStatus: true }).get(`${httpbin.url}/status/404`).subscribe({
 *   error: (err) => console.log(err instanceof HttpStatusError, err.status, err.message),
 * });
 * // Logs:
 * // true 404 GET http://127.0.0.1:40123/status/404 failed with 404 Not Found
 * ```
 */
export class HttpStatusError<T = unknown> extends Error {
  /** Always `'HttpStatusError'`. */
  override readonly name = 'HttpStatusError';
  /** The status code, >= 400. */
  readonly status: number;
  /** The method of the request. */
  readonly method: HttpMethod;
  /** The URL of the response. */
  readonly url: string;
  /** The whole response, body included. */
  readonly response: HttpResponse<T>;

  constructor(method: HttpMethod, response: HttpResponse<T>) {
    const reason = response.statusText ? ` ${response.statusText}` : '';
    super(`${method} ${response.url} failed with ${response.status}${reason}`);
    this.status = response.status;
    this.method = method;
    this.url = response.url;
    this.response = response;
  }
}
