import type { HttpMethod } from '../types';

/**
 * A request was started on a session that is closed (aiohttp raises
 * `RuntimeError('Session is closed')`).
 *
 * Requests that were in flight when the session closed fail with `CancelledError`
 * instead; this error is for those subscribed after. The message names the method
 * and the URL.
 *
 * ```text
 * session.close() at frame 3
 * session.get(url), subscribed at 1:   --#     CancelledError at 3, the request aborted
 * session.get(url), subscribed at 5:   #       SessionClosedError at once, nothing sent
 * ```
 *
 * @example
 * ```ts
 * const session = createSession();
 * session.close();
 * session.get('http://127.0.0.1:40123/get').subscribe({ error: (err) => console.log(err.message) });
 * // Logs:
 * // GET http://127.0.0.1:40123/get: the session is closed
 * ```
 */
export class SessionClosedError extends Error {
  /** Always `'SessionClosedError'`. */
  override readonly name = 'SessionClosedError';
  /** The method of the request. */
  readonly method: HttpMethod;
  /** The URL of the request (as given, when it could not be resolved). */
  readonly url: string;

  constructor(method: HttpMethod, url: string) {
    super(`${method} ${url}: the session is closed`);
    this.method = method;
    this.url = url;
  }
}
