import type { HttpMethod } from '../types';

/**
 * A request got no response: connection refused or reset, DNS failure, an invalid
 * URL, or any other failure of the transport (aiohttp's ClientConnectionError).
 *
 * `cause` is the underlying error: for the default transport, the error axios
 * raised (its `code` is e.g. `'ECONNREFUSED'`, `'ECONNRESET'`, `'ENOTFOUND'`); for
 * `undiciTransport`, the error of undici or Node (the same codes); for a closed
 * transport, one with `code` `'ERR_TRANSPORT_CLOSED'`; for an invalid URL, the
 * `TypeError` of `new URL()`. The message names the method, the
 * URL and the cause.
 *
 * ```text
 * session.get(url):   --#     connection refused at frame 2: NetworkError
 * ```
 *
 * @example
 * ```ts
 * createSession().get('http://127.0.0.1:1/').subscribe({
 *   error: (err) => console.log(err instanceof NetworkError, err.message),
 * });
 * // Logs:
 * // true GET http://127.0.0.1:1/ failed: connect ECONNREFUSED 127.0.0.1:1
 * ```
 */
export class NetworkError extends Error {
  /** Always `'NetworkError'`. */
  override readonly name = 'NetworkError';
  /** The method of the request. */
  readonly method: HttpMethod;
  /** The URL of the request (as given, when it could not be resolved). */
  readonly url: string;
  /** The underlying error. */
  override readonly cause: unknown;

  constructor(method: HttpMethod, url: string, cause: unknown) {
    super(`${method} ${url} failed: ${causeMessage(cause)}`, { cause });
    this.method = method;
    this.url = url;
    this.cause = cause;
  }
}

/** The cause's message, with its code if the message lacks it. Duck-typed: errors from another realm count too. */
function causeMessage(cause: unknown): string {
  const { message, name, code } = (typeof cause === 'object' && cause !== null ? cause : {}) as Record<string, unknown>;
  if (typeof message !== 'string') return String(cause);
  const text = message || String(name);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
