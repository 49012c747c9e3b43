import type { Observable } from 'rxjs';
import type { Limiter } from '../types';

/** The HTTP methods a session sends, upper-case. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * How the response body becomes `data`, the same on every transport:
 *
 * - `'auto'` (the default) by its `Content-Type`: a JSON type (`application/json`,
 *   `text/json`, any `+json`) parsed, or its text when it is not JSON (an empty body:
 *   `''`); a textual type (`text/*`, the JSON and XML types, `+xml`, the JavaScript
 *   types, `application/x-www-form-urlencoded`, `application/x-ndjson`,
 *   `application/yaml`) as text in its `charset`; any other type as bytes, so a binary
 *   body is never turned into a damaged string. Without a `Content-Type`, bytes (RFC
 *   9110's `application/octet-stream`), or `''` for an empty body;
 * - `'text'`: the body as text in its `charset`, whatever its type;
 * - `'json'`: that text parsed, whatever its type (its text when it is not JSON);
 * - `'bytes'` (or `'arraybuffer'`, its other name): the bytes as received (decompressed),
 *   a `Uint8Array` (a Node `Buffer` in Node).
 *
 * Text is decoded as WHATWG's "decode" does: a byte order mark decides (UTF-8, UTF-16LE,
 * UTF-16BE), else the `charset` parameter (quoted or not, any case, any label of the
 * WHATWG Encoding Standard: `utf-8`, `latin1` and `iso-8859-1` (both windows-1252),
 * `gbk`, `gb18030`, `shift_jis`, `big5`, `euc-kr`, `utf-16le`, ...), else UTF-8; a
 * charset `TextDecoder` does not know is read as UTF-8, as browsers do.
 *
 * @example
 * ```ts
 * session.get('/bytes/4').subscribe((res) => console.log(res.data instanceof Uint8Array));
 * session.get('/json', { responseType: 'text' }).subscribe((res) => console.log(typeof res.data));
 * // Logs:
 * // true
 * // string
 * ```
 */
export type ResponseType = 'auto' | 'json' | 'text' | 'bytes' | 'arraybuffer';

/**
 * Header names in lower case; a header sent several times is joined with `', '`, as
 * `fetch` does, except `set-cookie`, whose values are joined with `'\n'` (a cookie's own
 * `Expires` date holds a comma): `headers['set-cookie'].split('\n')` gives them back.
 * The headers of a response are an object without prototype: a header named
 * `constructor` or `__proto__` is a header like any other.
 */
export type HttpHeaders = Readonly<Record<string, string>>;

/**
 * Headers as a caller gives them: any case; `undefined` and `null` values are left out.
 * Names are RFC 9110 tokens; values are Latin-1 text without control characters (a tab
 * is allowed). The framing headers (`content-length`, `transfer-encoding`, `connection`,
 * `keep-alive`, `upgrade`, `te`, `trailer`) are the transport's to write: setting one is
 * a `TypeError` at call time.
 */
export type HeadersInit = Readonly<Record<string, string | number | boolean | readonly string[] | null | undefined>>;

/** A query parameter value: an array repeats the name (`?a=1&a=2`), `null` and `undefined` leave it out. */
export type ParamValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** Query parameters, appended to the URL's own. */
export type ParamsInit = Readonly<Record<string, ParamValue>> | URLSearchParams;

/** Credentials for HTTP Basic auth (aiohttp's `BasicAuth`): sent as `Authorization: Basic base64(username:password)`, in UTF-8. */
export interface BasicAuth {
  /** The user name: must not contain `:` (Basic auth joins the two with one). */
  readonly username: string;
  /** The password, sent only to the origin the auth is for (never in a message or an error). */
  readonly password: string;
}

/**
 * A response, as every request of a session emits it (aiohttp's ClientResponse, read).
 *
 * @typeParam T The type of `data`.
 */
export interface HttpResponse<T = unknown> {
  /** The final URL, query included (after redirects, if any were followed), without credentials. */
  readonly url: string;
  /** The status code, e.g. `200`. */
  readonly status: number;
  /** The reason phrase, e.g. `'OK'`. */
  readonly statusText: string;
  /** The response headers, names in lower case, in an object without prototype. */
  readonly headers: HttpHeaders;
  /**
   * The body, as `responseType` says: under `'auto'` (the default) a parsed JSON value,
   * a string or a `Uint8Array`, by its `Content-Type` (see {@link ResponseType}).
   */
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
  /**
   * Absolute `http:` or `https:` URL, resolved against `baseURL`, query parameters
   * included, without credentials (those are in `headers.authorization`).
   */
  readonly url: string;
  /**
   * Session and request headers merged (the request's win), names in lower case, an
   * `authorization` for the request's Basic auth among them. Never a framing header.
   */
  readonly headers: HttpHeaders;
  /**
   * The body as the caller gave it, `undefined` for none. A plain object or array is
   * sent as JSON, a string or Buffer as is, `URLSearchParams` as a form.
   */
  readonly data: unknown;
  /** How the body is turned into `data`. */
  readonly responseType: ResponseType;
  /**
   * How many redirects to follow (the request's `maxRedirects`, else the session's, 10 by
   * default); `0` returns a 3xx as it is. One more fails with `code` `ERR_TOO_MANY_REDIRECTS`.
   */
  readonly maxRedirects: number;
  /**
   * The most bytes the body may have, as received and once decoded (`Infinity` for no
   * limit): past it, the transport stops reading and fails with `ResponseTooLargeError`.
   */
  readonly maxContentLength: number;
  /**
   * The longest silence allowed, in ms (`Infinity` for no limit): from the request's
   * start to its response headers, then before each chunk of its body. Past it, the
   * transport aborts the request and fails with rxjs `TimeoutError`.
   */
  readonly readTimeout: number;
  /**
   * The session's cookie jar, for a transport that sends the request (and follows its
   * redirects) itself: `undefined` when the session keeps none (`cookies: false`, or in a
   * browser, whose own jar applies). `headers` never holds the jar's cookies: a transport
   * asks for them per hop, at the time it sends that hop.
   */
  readonly cookies?: RequestCookies;
  /**
   * Set when the request streams its body (`session.stream()`, `lines()`, `sse()`): the
   * transport emits the `HttpResponse` as soon as the head of the final response has come
   * (after the redirects it follows), its `data` an empty body, gives each chunk of the
   * body to `onChunk` as it arrives (decompressed, never buffered, so `maxContentLength`
   * does not bound it), and completes when the body ends. A transport that cannot stream
   * emits the whole body as `data` at the end, buffered under `maxContentLength`: the
   * session hands it on as one chunk.
   */
  readonly onChunk?: (chunk: Uint8Array) => void;
  /** Told after each chunk of the final response's body, as it arrives (see {@link DownloadProgress}). */
  readonly onDownloadProgress?: (progress: DownloadProgress) => void;
}

/**
 * How much of a response body has come (`onDownloadProgress`): `loaded` bytes so far, as
 * received (before decompression on the Node transports), of `total`, its
 * `Content-Length` (`undefined` without one). Reported after each chunk of the final
 * response's body (a redirect's body is not reported); a throw fails the request with
 * what was thrown.
 */
export interface DownloadProgress {
  /** Bytes of the body received so far. */
  readonly loaded: number;
  /** The body's `Content-Length`, `undefined` when it has none (a chunked or compressed-by-fetch body). */
  readonly total: number | undefined;
}

/**
 * A session's cookie jar as a transport sees it (`HttpRequest.cookies`): RFC 6265, kept as
 * a browser keeps cookies. For each hop of a request (the request itself, then each
 * redirect it follows), a transport calls `header(url, own)` just before it sends the hop,
 * and `store(url, setCookie)` as soon as the hop's response head has come, before anything
 * else is done with it (a redirect's next hop included). So a cookie set by a redirect is
 * sent on the next hop, and a hop to another site gets that site's cookies only. The
 * Node transports and `fakeTransport` do this; a custom transport should too.
 */
export interface RequestCookies {
  /**
   * The `Cookie` header to send to `url`: `own` (the hop's own `cookie` header, the
   * caller's; redirects to another origin drop it), then the jar's cookies for that URL
   * whose names `own` does not have, joined with `'; '`; `own` as it is when the jar has
   * none for it (and costs no lookup while it has never stored one).
   */
  header(url: string, own: string | undefined): string | undefined;
  /**
   * Stores the cookies a response from `url` sets: its `Set-Cookie` values, one per header
   * line. A value that is not a valid cookie for `url` (another domain, a public suffix, a
   * `Secure` one from a connection that is not secure) is ignored, as a browser ignores it.
   */
  store(url: string, setCookie: readonly string[]): void;
}

/**
 * What performs a session's requests: a function from a request to a cold Observable
 * that, when subscribed, sends the request, emits one `HttpResponse` and completes,
 * or fails; unsubscribing aborts the request and frees its connection. It reads the
 * body under the request's `maxContentLength` and `readTimeout`, follows up to
 * `maxRedirects` redirects by the session's rules, asks `request.cookies` (when there is
 * a jar) for each hop's cookies and gives it each hop's `Set-Cookie`, skips interim 1xx
 * answers and fails on a `101`, streams the body to `request.onChunk` when it is set and
 * reports to `request.onDownloadProgress`; a custom transport should do the same (a `fakeTransport`
 * keeps the cookies, but follows no redirect and reads no body). The default transport is
 * axios (`axiosTransport`); `undiciTransport` is the fast one; `fakeTransport` from
 * `rxjs-asyncio/testing` builds one from a function, for marble tests.
 *
 * A transport may have a `close()` (as those two have, and `httpClientTransport()`):
 * then it owns a connection pool (or, over HttpClient, its requests), and the session it
 * is given to owns the transport: `session.close()` calls it and waits for it (aiohttp's
 * session closes the connector it owns the same way).
 */
export type Transport = (request: HttpRequest) => Observable<HttpResponse>;

/**
 * A transport over a connection pool of its own, which `close()` destroys
 * (`axiosTransport()`, `undiciTransport()`), or over the browser's connections, whose
 * requests `close()` aborts (`httpClientTransport()` of `rxjs-asyncio/angular`).
 */
export interface PoolTransport extends Transport {
  /**
   * Destroys the pool: requests in flight fail, sockets idle or in use are destroyed,
   * requests made later fail (`code` `'ERR_TRANSPORT_CLOSED'`). Resolves once every
   * socket has closed (at once where the browser keeps them); calling it again returns
   * the same promise.
   */
  close(): Promise<void>;
}

/** Options of `axiosTransport` and `undiciTransport`. */
export interface PoolTransportOptions {
  /**
   * The most sockets open at once (default 100, `Infinity` for no limit), in use or idle,
   * to any origin: so the most requests in flight too; the others wait, first come,
   * first served. A request to an origin without an idle socket closes the least
   * recently used idle socket of another origin when the pool is full.
   */
  readonly maxSockets?: number;
}

/**
 * Retries of a request (`retry`, on a session or a request): a number, the retry limit
 * (the other keys their defaults), or the whole policy. Off by default, as in aiohttp.
 *
 * A request whose method is in `methods` is sent again after a status in `statusCodes`
 * (the response is then dropped), a `NetworkError` (refused, reset, DNS, a malformed
 * response...) or a `TimeoutError` of its own (its `timeout` or its `readTimeout`), at
 * most `limit` times; never after a `CancelledError`, a `SessionClosedError`, a
 * `ResponseTooLargeError` or an unsubscribe. Each attempt is a whole request: its own
 * `timeout`, its own `semaphore` permit and `rateLimiter` start (none is held during a
 * wait). The wait before retry `n` is `delay(n)`, or the `Retry-After` of a 413, 429 or
 * 503 (seconds or an HTTP-date), capped at `maxDelay`; it runs on RxJS's
 * `asyncScheduler`, so in virtual time inside `TestScheduler.run()`. Once the limit is
 * reached, the last failure is raised, or the last response returned when its status
 * was the reason and `raiseForStatus` is off (`HttpStatusError` when it is on).
 *
 * A request whose body is a stream (a Node `Readable`, read once) is never retried.
 */
export type RetryOptions =
  | number
  | {
      /** How many times a request is sent again at most (0: never). Default 2. */
      readonly limit?: number;
      /** The methods retried (any case). Default the idempotent GET, HEAD, PUT, DELETE, OPTIONS. */
      readonly methods?: readonly (HttpMethod | Lowercase<HttpMethod>)[];
      /** The statuses retried (400 to 599). Default 408, 413, 429, 500, 502, 503, 504. */
      readonly statusCodes?: readonly number[];
      /** The wait in ms before retry `n` (1 for the first). Default 300 ms × 2^(n-1), with full jitter (`Math.random()` of it). */
      readonly delay?: (n: number) => number;
      /** The longest wait in ms, `Retry-After` included. Default 30,000. */
      readonly maxDelay?: number;
    };

/** Options of `createSession`. */
export interface SessionOptions {
  /**
   * Base of relative URLs: `baseURL + '/' + url`, as axios joins them. Only a URL with
   * `scheme://` is absolute and ignores it (`user:42` and `//x/y` are relative). Credentials
   * in it (`http://user:pass@host/`) are the session's `auth`.
   */
  readonly baseURL?: string | URL;
  /** Headers sent with every request (a request's own headers win). */
  readonly headers?: HeadersInit;
  /**
   * Deadline of each request in ms, from its start (after any wait for a semaphore
   * permit) to the end of its body: rxjs `TimeoutError`, the request aborted. Default
   * `300_000` (aiohttp's `ClientTimeout(total=300)`); `Infinity` for none.
   */
  readonly timeout?: number;
  /**
   * The longest silence allowed in ms (aiohttp's `sock_read`): from the request's start to
   * its response headers, then before each chunk of its body (once the body has all come,
   * decoding it does not count). rxjs `TimeoutError`, the request aborted. Default none
   * (`Infinity`).
   */
  readonly readTimeout?: number;
  /**
   * The most bytes a buffered body may have, as received and once decoded (a small gzip
   * bomb never allocates more): past it, the request stops reading and fails with
   * `ResponseTooLargeError`. A `Content-Length` above it fails before the body is read.
   * Default 64 MiB (`67_108_864`); `Infinity` to lift it.
   */
  readonly maxContentLength?: number;
  /**
   * HTTP Basic auth for the requests to the base URL's origin (or to every origin when
   * there is no `baseURL`); a request's own `auth`, credentials in its URL or its
   * `authorization` header win.
   */
  readonly auth?: BasicAuth;
  /**
   * `false` refuses, at call time (`TypeError`), a request URL with its own
   * `scheme://host`: every request goes to the `baseURL` (which it then requires).
   * Default `true`.
   */
  readonly allowAbsoluteUrls?: boolean;
  /**
   * Keep-alive pool size: the most sockets open at once, in use or idle, to any origin
   * (the least recently used idle one is closed first), so the most requests in flight.
   * Default 100.
   */
  readonly maxSockets?: number;
  /** Fail a response with status >= 400 with `HttpStatusError`. Default `false`. */
  readonly raiseForStatus?: boolean;
  /**
   * Redirects followed (301, 302, 303, 307 and 308 with a `Location`, by the rules of the
   * README's "Safety"): default 10, as aiohttp; `0` returns a 3xx as it is. One more (a loop,
   * or a chain one hop too long) fails with `NetworkError` (`cause.code`
   * `ERR_TOO_MANY_REDIRECTS`, aiohttp's `TooManyRedirects`). A request's own `maxRedirects` wins.
   */
  readonly maxRedirects?: number;
  /**
   * A cookie jar of the session's own (default `true`): the cookies responses set, those of
   * redirects included, are kept as a browser keeps them (RFC 6265: domain, path, expiry,
   * `Secure`, the `__Secure-` and `__Host-` prefixes; IP hosts such as `127.0.0.1` included;
   * loopback hosts are a secure context, as browsers treat them) and sent with every later
   * request (and hop) they match. A request's own `cookie` header is sent first; the jar adds
   * the cookies of names it lacks. `false` keeps none. Each session has its own jar, even
   * when sessions share a transport. In a browser the browser's own jar applies, whatever
   * this says.
   */
  readonly cookies?: boolean;
  /** A shared `Limiter` (a `Semaphore`, a `Lock`, a `RedisSemaphore`): each request of the session runs under `semaphore.run()`. */
  readonly semaphore?: Limiter;
  /**
   * A shared `RateLimiter` (or `RedisRateLimiter`, any `Limiter`) that every request
   * start waits for, once it holds its `semaphore` permit.
   */
  readonly rateLimiter?: Limiter;
  /**
   * Retries of the session's requests (see {@link RetryOptions}): a retry limit, or
   * `{ limit, methods, statusCodes, delay, maxDelay }`. Default none.
   */
  readonly retry?: RetryOptions;
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
  /** How the body becomes `data` (see {@link ResponseType}). Default `'auto'`: by its `Content-Type`. */
  readonly responseType?: ResponseType;
  /** Overrides the session's `timeout` for this request. */
  readonly timeout?: number;
  /** Overrides the session's `readTimeout` for this request. */
  readonly readTimeout?: number;
  /** Overrides the session's `raiseForStatus` for this request. */
  readonly raiseForStatus?: boolean;
  /**
   * Redirects to follow (301, 302, 303, 307 and 308 with a `Location`): overrides the
   * session's `maxRedirects` (default 10); `0` returns a 3xx as it is. One more than this
   * fails with `NetworkError`.
   */
  readonly maxRedirects?: number;
  /** Overrides the session's `maxContentLength` for this request. */
  readonly maxContentLength?: number;
  /** HTTP Basic auth for this request, over the session's, its URL's credentials and any `authorization` header. */
  readonly auth?: BasicAuth;
  /**
   * Retries of this request (see {@link RetryOptions}), in place of the session's (the
   * two are not merged); `0` sends it once whatever the session's.
   */
  readonly retry?: RetryOptions;
  /** Aborting it cancels the request, which fails with `CancelledError`, even during a wait between two attempts. */
  readonly signal?: AbortSignal;
  /**
   * Called after each chunk of the response body, as it arrives, with `{ loaded, total }`
   * (see {@link DownloadProgress}); each attempt of a retried request reports from 0.
   */
  readonly onDownloadProgress?: (progress: DownloadProgress) => void;
}

/** The options of `session.request(config)`: a `RequestConfig` with its method and URL. */
export interface RequestOptions extends RequestConfig {
  /** The URL, relative to `baseURL` or absolute (`scheme://`). */
  readonly url: string | URL;
  /** Any case. Default `'GET'`. */
  readonly method?: HttpMethod | Lowercase<HttpMethod>;
}
