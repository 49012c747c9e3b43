import type { Observable } from 'rxjs';
import type { Limiter } from '../types';

/** The HTTP methods a session sends, upper-case. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * How the response body becomes `data`:
 *
 * - `'json'` (the default): parsed JSON when the body is JSON, else its text (as axios does);
 * - `'text'`: the body as a string (UTF-8);
 * - `'arraybuffer'`: the raw bytes, a Node `Buffer`.
 */
export type ResponseType = 'json' | 'text' | 'arraybuffer';

/** Header names in lower case; a header sent several times is joined with `', '`, as `fetch` does. */
export type HttpHeaders = Readonly<Record<string, string>>;

/** Headers as a caller gives them: any case; `undefined` and `null` values are left out. */
export type HeadersInit = Readonly<Record<string, string | number | boolean | readonly string[] | null | undefined>>;

/** A query parameter value: an array repeats the name (`?a=1&a=2`), `null` and `undefined` leave it out. */
export type ParamValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** Query parameters, appended to the URL's own. */
export type ParamsInit = Readonly<Record<string, ParamValue>> | URLSearchParams;

/**
 * A response, as every request of a session emits it (aiohttp's ClientResponse, read).
 *
 * @typeParam T The type of `data`.
 */
export interface HttpResponse<T = unknown> {
  /** The final URL, query included (after redirects, if any were followed). */
  readonly url: string;
  /** The status code, e.g. `200`. */
  readonly status: number;
  /** The reason phrase, e.g. `'OK'`. */
  readonly statusText: string;
  /** The response headers, names in lower case. */
  readonly headers: HttpHeaders;
  /** The body, as `responseType` says. */
  readonly data: T;
}

/**
 * A request as the session hands it to its transport: fully resolved, free of
 * anything the transport would have to interpret. It carries no `AbortSignal`: a
 * transport cancels the request when its subscription is unsubscribed.
 */
export interface HttpRequest {
  /** Upper case. */
  readonly method: HttpMethod;
  /** Absolute `http:` or `https:` URL, resolved against `baseURL`, query parameters included. */
  readonly url: string;
  /** Session and request headers merged (the request's win), names in lower case. */
  readonly headers: HttpHeaders;
  /**
   * The body as the caller gave it, `undefined` for none. A plain object or array is
   * sent as JSON, a string or Buffer as is, `URLSearchParams` as a form.
   */
  readonly data: unknown;
  /** How the body is turned into `data`. */
  readonly responseType: ResponseType;
  /** How many redirects to follow; `0` (the default) returns a 3xx as it is. */
  readonly maxRedirects: number;
}

/**
 * What performs a session's requests: a function from a request to a cold Observable
 * that, when subscribed, sends the request, emits one `HttpResponse` and completes,
 * or fails; unsubscribing aborts the request and frees its connection. The default
 * transport is axios (`axiosTransport`); `undiciTransport` is the fast one;
 * `fakeTransport` from `rxjs-asyncio/testing` builds one from a function, for marble
 * tests.
 *
 * A transport may have a `close()` (as those two have): then it owns a connection
 * pool, and the session it is given to owns the transport: `session.close()` calls
 * it and waits for it (aiohttp's session closes the connector it owns the same way).
 */
export type Transport = (request: HttpRequest) => Observable<HttpResponse>;

/** A transport over a connection pool of its own, which `close()` destroys. */
export interface PoolTransport extends Transport {
  /**
   * Destroys the pool: requests in flight fail, sockets idle or in use are destroyed,
   * requests made later fail (`code` `'ERR_TRANSPORT_CLOSED'`). Resolves once every
   * socket has closed; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Options of `axiosTransport` and `undiciTransport`. */
export interface PoolTransportOptions {
  /**
   * The most requests in flight at once, so sockets open to an origin (default 100,
   * `Infinity` for no limit); the others wait, first come, first served.
   */
  readonly maxSockets?: number;
}

/** Options of `createSession`. */
export interface SessionOptions {
  /** Base of relative URLs: `baseURL + '/' + url`, as axios joins them. Absolute URLs ignore it. */
  readonly baseURL?: string | URL;
  /** Headers sent with every request (a request's own headers win). */
  readonly headers?: HeadersInit;
  /**
   * Deadline of each request in ms, from its start (after any wait for a semaphore
   * permit) to the end of its body: rxjs `TimeoutError`. Default `Infinity` (none).
   */
  readonly timeout?: number;
  /** Keep-alive pool size: the most requests in flight, so sockets open, at once. Default 100. */
  readonly maxSockets?: number;
  /** Fail a response with status >= 400 with `HttpStatusError`. Default `false`. */
  readonly raiseForStatus?: boolean;
  /** A shared `Limiter` (a `Semaphore`, a `Lock`, a `RedisSemaphore`): each request of the session runs under `semaphore.run()`. */
  readonly semaphore?: Limiter;
  /**
   * A shared `RateLimiter` (or `RedisRateLimiter`, any `Limiter`) that every request
   * start waits for, once it holds its `semaphore` permit.
   */
  readonly rateLimiter?: Limiter;
  /**
   * Performs the requests in place of the session's own axios transport (then
   * `maxSockets` has no effect: give it to the transport, as in
   * `undiciTransport({ maxSockets })`). If it has a `close()`, `session.close()` calls it.
   */
  readonly transport?: Transport;
}

/** Per-request options of `get`, `post`, ... (all optional). */
export interface RequestConfig {
  /** Query parameters, appended to those of the URL. */
  readonly params?: ParamsInit;
  /** Headers for this request, merged over the session's. */
  readonly headers?: HeadersInit;
  /** The body (for `post`, `put` and `patch` the `data` argument wins). */
  readonly data?: unknown;
  /** Default `'json'`. */
  readonly responseType?: ResponseType;
  /** Overrides the session's `timeout` for this request. */
  readonly timeout?: number;
  /** Overrides the session's `raiseForStatus` for this request. */
  readonly raiseForStatus?: boolean;
  /** Redirects to follow. Default `0`: a 3xx response is returned as it is. */
  readonly maxRedirects?: number;
  /** Aborting it cancels the request, which fails with `CancelledError`. */
  readonly signal?: AbortSignal;
}

/** The options of `session.request(config)`: a `RequestConfig` with its method and URL. */
export interface RequestOptions extends RequestConfig {
  /** The URL, relative to `baseURL` or absolute. */
  readonly url: string | URL;
  /** Any case. Default `'GET'`. */
  readonly method?: HttpMethod | Lowercase<HttpMethod>;
}
