import { EmptyError, Observable, TimeoutError, map, tap } from 'rxjs';
import type { Subscriber, TeardownLogic, Unsubscribable } from 'rxjs';
import { CancelledError } from '../errors';
import { Deadlines, endWithTimeout, timeoutError } from '../internal/deadline';
import type { Expiring } from '../internal/deadline';
import { List } from '../internal/list';
import type { Link } from '../internal/list';
import {
  checkBoolean,
  checkByteLimit,
  checkConcurrency,
  checkFunction,
  checkLimiter,
  checkNonNegativeInteger,
  checkTimeout,
  fail,
  optionReader,
  readOptions,
} from '../internal/validate';
import type { Limiter } from '../types';
import { createAxiosTransport } from './axiosTransport';
import { SEND } from './poolTransport';
import type { DirectTransport } from './poolTransport';
import { sessionCookies } from './cookieJar';
import { HttpStatusError } from './errors/HttpStatusError';
import { NetworkError } from './errors/NetworkError';
import { SessionClosedError } from './errors/SessionClosedError';
import { ResponseTooLargeError } from './errors/ResponseTooLargeError';
import {
  CONFIG_KEYS,
  REQUEST_KEYS,
  SHORTCUT_KEYS,
  STREAM_KEYS,
  basicAuthorization,
  checkAuth,
  checkBaseUrl,
  checkBody,
  checkConfig,
  checkHeaders,
  checkMethod,
  checkUrl,
  isEmpty,
  readRetry,
  resolveUrl,
  withoutCredentials,
  withoutUserInfo,
} from './request';
import type { CheckedConfig, ResolvedUrl, RetryPolicy } from './request';
import { retryFor, withRetry } from './retry';
import { charsetOf } from './bodyData';
import { isCallerError } from './response';
import { chunkParser, eventParser, lineParser } from './sse';
import type { ChunkParser, ServerSentEvent } from './sse';
import type {
  HttpHeaders,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  RequestConfig,
  RequestCookies,
  RequestOptions,
  ResponseType,
  SessionOptions,
  Transport,
} from './types';

const OPTION_KEYS = [
  'baseURL',
  'headers',
  'timeout',
  'readTimeout',
  'maxSockets',
  'raiseForStatus',
  'semaphore',
  'rateLimiter',
  'maxRedirects',
  'cookies',
  'auth',
  'maxContentLength',
  'allowAbsoluteUrls',
  'retry',
  'transport',
] as const;

/** Default `timeout`: aiohttp's `ClientTimeout(total=300)`. */
const DEFAULT_TIMEOUT = 300_000;
/** Default `maxContentLength`: 64 MiB. */
const DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024 * 1024;
/** Default `maxRedirects`: aiohttp's. */
const DEFAULT_MAX_REDIRECTS = 10;

/** `Symbol.dispose` and `Symbol.asyncDispose`, or the names Node 20 gives them where the runtime lacks them. */
const DISPOSE: symbol = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const ASYNC_DISPOSE: symbol = Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose');

/** A shortcut's config: a request's, without `responseType` (the shortcut sets it). */
export type ShortcutConfig = Omit<RequestConfig, 'responseType'>;

/**
 * The config of `session.stream()`, `lines()` and `sse()`: a shortcut's, without
 * `maxContentLength` (nothing is buffered) or `retry` (a stream is never sent again by the
 * session: compose rxjs `retry` or `repeat`).
 */
export type StreamConfig = Omit<ShortcutConfig, 'maxContentLength' | 'retry'>;

/**
 * An HTTP client session: a keep-alive connection pool, default headers, a cookie jar
 * and policies shared by its requests (aiohttp's ClientSession). Made by
 * {@link createSession}. Each subscription is one request and the redirects it follows.
 *
 * Every request method checks its arguments at once and returns a cold Observable:
 * each subscription sends one request, emits one {@link HttpResponse} and completes.
 *
 * ```text
 * session.get(url):   ----r|        one response, then complete
 * with timeout:       ----#         TimeoutError, the request aborted
 * unsubscribed:       --!           the request aborted, its socket closed
 * ```
 *
 * - **Complete**: once the response's whole body has arrived (any status, unless
 *   `raiseForStatus`).
 * - **Error**: `HttpStatusError`, `NetworkError`, `ResponseTooLargeError` (a body over
 *   `maxContentLength`), rxjs `TimeoutError` (`timeout`, `readTimeout`),
 *   `CancelledError` (closed meanwhile) or `SessionClosedError` (closed before).
 * - **Unsubscribe**: aborts the request and frees its socket, or leaves the queue
 *   (of the semaphore, or of the pool when `maxSockets` requests are in flight), or
 *   ends the wait before a retry.
 * - **Retries** (`retry`, see {@link createSession}): each one is a request of its own
 *   (its own timeout, permit and rate-limiter start); the subscriber sees only the end.
 *
 * @example
 * ```ts
 * const session = createSession({ baseURL: httpbin.url, headers: { authorization: 'Bearer t' } });
 * session.post<{ json: unknown }>('/anything', { id: 1 }).subscribe((res) => console.log(res.status, res.data.json));
 * // Logs:
 * // 200 { id: 1 }
 * await session.close();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface below only declares the disposers defined on the prototype
export class ClientSession implements Unsubscribable {
  private readonly baseURL: string | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeout: number;
  private readonly readTimeout: number;
  private readonly maxContentLength: number;
  private readonly maxRedirects: number;
  // The session's cookie jar: `undefined` with `cookies: false`, and in a browser (whose own jar applies).
  private readonly cookies: RequestCookies | undefined;
  private readonly allowAbsoluteUrls: boolean;
  // The `Authorization` value of `auth` (or of the baseURL's credentials), and the origin
  // (with its slash) it is sent to: the baseURL's, or any when there is none.
  private readonly authorization: string | undefined;
  private readonly authOrigin: string | undefined;
  private readonly raiseForStatus: boolean;
  private readonly semaphore: Limiter | undefined;
  private readonly rateLimiter: Limiter | undefined;
  private readonly retry: RetryPolicy | undefined;
  private readonly transport: Transport;
  // Every request subscribed and not yet ended, and whether close() was called: what its calls share.
  private readonly calls: Calls = { live: new List<Call>(), closed: false, deadlines: new Deadlines() };
  // Absolute URLs of the URLs given without params, as resolved (see resolve()).
  private readonly resolved = new Map<string, ResolvedUrl>();
  // Set by the first close(); later calls return it.
  private closing: Promise<void> | undefined;

  /** @internal Use {@link createSession}. */
  constructor(options: SessionOptions | undefined) {
    const read = optionReader('createSession', 'options', readOptions('createSession', 'options', options, OPTION_KEYS));
    const base = read('baseURL', checkBaseUrl, undefined);
    this.baseURL = base?.url;
    this.headers = read('headers', checkHeaders, NO_HEADERS);
    this.timeout = read('timeout', checkTimeout, DEFAULT_TIMEOUT);
    this.readTimeout = read('readTimeout', checkTimeout, Infinity);
    this.maxContentLength = read('maxContentLength', checkByteLimit, DEFAULT_MAX_CONTENT_LENGTH);
    this.maxRedirects = read('maxRedirects', checkNonNegativeInteger, DEFAULT_MAX_REDIRECTS);
    this.cookies = read('cookies', checkBoolean, true) ? sessionCookies() : undefined;
    this.allowAbsoluteUrls = read('allowAbsoluteUrls', checkBoolean, true);
    if (!this.allowAbsoluteUrls && base === undefined) {
      fail('type', 'createSession', 'options.allowAbsoluteUrls', 'true (or left out) in a session without a baseURL', false);
    }
    const auth = read('auth', checkAuth, undefined);
    this.authorization = auth === undefined ? base?.authorization : basicAuthorization(auth);
    this.authOrigin = base === undefined ? undefined : `${new URL(base.url).origin}/`;
    const maxSockets = read('maxSockets', checkConcurrency, 100);
    this.raiseForStatus = read('raiseForStatus', checkBoolean, false);
    this.semaphore = read('semaphore', checkLimiter, undefined);
    this.rateLimiter = read('rateLimiter', checkLimiter, undefined);
    this.retry = read('retry', readRetry, undefined);
    this.transport = read('transport', checkFunction<Transport>, undefined) ?? createAxiosTransport(maxSockets);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.calls.closed;
  }

  /**
   * A GET request: emits the response once its body has arrived, then completes.
   * `config` adds query `params`, `headers`, a `timeout`, ... for this request only.
   * `data` is what `responseType` makes of the body: by default (`'auto'`) a parsed JSON
   * value, a string or a `Uint8Array`, as its `Content-Type` says (`T` is yours to name).
   *
   * @example
   * ```ts
   * session.get<{ args: object }>('/get', { params: { q: 'rxjs' } }).subscribe((res) => console.log(res.status, res.data.args));
   * session.get('/image/png').subscribe((res) => console.log(res.data instanceof Uint8Array));
   * // Logs:
   * // 200 { q: 'rxjs' }
   * // true
   * ```
   */
  get<T = unknown>(url: string | URL, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.get', 'GET', url, config, CONFIG_KEYS);
  }

  /**
   * A POST request with `data` as its body: a plain object or array is sent as JSON,
   * a string or Buffer as it is, `URLSearchParams` as a form. Emits the response,
   * then completes.
   *
   * @example
   * ```ts
   * session.post<{ json: unknown }>('/anything', { n: 1 }).subscribe((res) => console.log(res.data.json));
   * // Logs:
   * // { n: 1 }
   * ```
   */
  post<T = unknown>(url: string | URL, data?: unknown, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.post', 'POST', url, config, CONFIG_KEYS, data);
  }

  /**
   * A PUT request with `data` as its body (sent as for `post`). Emits the response,
   * then completes.
   *
   * @example
   * ```ts
   * session.put('/anything', 'text').subscribe((res) => console.log(res.status));
   * // Logs:
   * // 200
   * ```
   */
  put<T = unknown>(url: string | URL, data?: unknown, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.put', 'PUT', url, config, CONFIG_KEYS, data);
  }

  /**
   * A PATCH request with `data` as its body (sent as for `post`). Emits the response,
   * then completes.
   *
   * @example
   * ```ts
   * session.patch('/anything', { name: 'Ada' }).subscribe((res) => console.log(res.status));
   * // Logs:
   * // 200
   * ```
   */
  patch<T = unknown>(url: string | URL, data?: unknown, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.patch', 'PATCH', url, config, CONFIG_KEYS, data);
  }

  /**
   * A DELETE request; a body, if any, goes in `config.data`. Emits the response,
   * then completes.
   *
   * @example
   * ```ts
   * session.delete('/anything', { data: { id: 3 } }).subscribe((res) => console.log(res.status));
   * // Logs:
   * // 200
   * ```
   */
  delete<T = unknown>(url: string | URL, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.delete', 'DELETE', url, config, CONFIG_KEYS);
  }

  /**
   * A HEAD request: emits the response (its headers; `data` is empty), then completes.
   *
   * @example
   * ```ts
   * session.head('/get').subscribe((res) => console.log(res.status, res.headers['content-type']));
   * // Logs:
   * // 200 application/json
   * ```
   */
  head<T = unknown>(url: string | URL, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.head', 'HEAD', url, config, CONFIG_KEYS);
  }

  /**
   * An OPTIONS request: emits the response (an `Allow` header, say), then completes.
   *
   * @example
   * ```ts
   * session.options('/get').subscribe((res) => console.log(res.status, res.headers.allow));
   * // Logs:
   * // 200 GET, HEAD, OPTIONS
   * ```
   */
  options<T = unknown>(url: string | URL, config?: RequestConfig): Observable<HttpResponse<T>> {
    return this.send<T>('session.options', 'OPTIONS', url, config, CONFIG_KEYS);
  }

  /**
   * A request of any method, all of it in one config: `url` is required, `method`
   * (any case) defaults to GET. Emits the response, then completes.
   *
   * @example
   * ```ts
   * session.request({ method: 'head', url: '/get' }).subscribe((res) => console.log(res.status, res.data));
   * // Logs:
   * // 200 ''
   * ```
   */
  request<T = unknown>(config: RequestOptions): Observable<HttpResponse<T>> {
    if (typeof config !== 'object' || config === null) fail('type', 'session.request', 'config', 'an object with a url', config);
    const c = readOptions('session.request', 'config', config, REQUEST_KEYS, 'plain');
    const method = c.method === undefined ? 'GET' : checkMethod('session.request', 'config.method', c.method);
    const url = checkUrl('session.request', 'config.url', c.url, this.allowAbsoluteUrls);
    const { method: _m, url: _u, ...rest } = c;
    return this.send<T>('session.request', method, url, rest, CONFIG_KEYS);
  }

  /**
   * GETs `url` and emits its body as a string, decoded in its `charset` (UTF-8 without
   * one; see {@link ResponseType}) whatever its type, then completes.
   *
   * @example
   * ```ts
   * session.text('/status/204').subscribe((text) => console.log(JSON.stringify(text)));
   * // Logs:
   * // ""
   * ```
   */
  text(url: string | URL, config?: ShortcutConfig): Observable<string> {
    return this.send<string>('session.text', 'GET', url, config, SHORTCUT_KEYS, undefined, 'text').pipe(map((res) => res.data));
  }

  /**
   * GETs `url` and emits its body parsed as JSON, whatever its `Content-Type` (its text
   * decoded in its `charset`), then completes. An empty body is `null` (as in aiohttp); a
   * body that is not JSON fails with a `SyntaxError` naming the method and URL (its
   * `cause` is the parser's error).
   *
   * @example
   * ```ts
   * session.json<{ slideshow: { title: string } }>('/json').subscribe((doc) => console.log(doc.slideshow.title));
   * // Logs:
   * // Sample Slide Show
   * ```
   */
  json<T = unknown>(url: string | URL, config?: ShortcutConfig): Observable<T> {
    return this.send<unknown>('session.json', 'GET', url, config, SHORTCUT_KEYS, undefined, 'text').pipe(map((res) => parseJson<T>(res)));
  }

  /**
   * GETs `url` and emits its body as bytes (a `Uint8Array`, decompressed, never decoded
   * as text), then completes.
   *
   * @example
   * ```ts
   * session.bytes('/bytes/16').subscribe((bytes) => console.log(bytes.length));
   * // Logs:
   * // 16
   * ```
   */
  bytes(url: string | URL, config?: ShortcutConfig): Observable<Uint8Array> {
    return this.send<Uint8Array>('session.bytes', 'GET', url, config, SHORTCUT_KEYS, undefined, 'bytes').pipe(map((res) => res.data));
  }

  /**
   * GETs `url` and emits its status code, then completes (any status, unless
   * `raiseForStatus` is on).
   *
   * @example
   * ```ts
   * session.status('/status/418').subscribe((status) => console.log(status));
   * // Logs:
   * // 418
   * ```
   */
  status(url: string | URL, config?: ShortcutConfig): Observable<number> {
    return this.send<string>('session.status', 'GET', url, config, SHORTCUT_KEYS, undefined, 'text').pipe(map((res) => res.status));
  }

  /**
   * GETs `url` and emits its body as it arrives, chunk by chunk (`Uint8Array`s,
   * decompressed), then completes when the body ends: aiohttp's `resp.content.iter_any()`.
   * Nothing is buffered, so `maxContentLength` does not apply; the session's `timeout`
   * bounds the wait for the response's head only, `readTimeout` each silence between two
   * chunks. A status that `raiseForStatus` refuses fails before the first chunk.
   * Unsubscribing aborts the request and closes its socket. The session never sends a
   * stream again by itself (its `retry` does not apply): compose rxjs `retry` or `repeat`.
   *
   * ```text
   * body on the wire:   -a--b---c|
   * session.stream():   -a--b---c|     each chunk as it comes
   * unsubscribed:       -a--!          the request aborted, its socket closed
   * ```
   *
   * @example
   * ```ts
   * session.stream('/drip?numbytes=100&duration=1').pipe(reduce((n, chunk) => n + chunk.length, 0)).subscribe(console.log);
   * // Logs:
   * // 100
   * ```
   */
  stream(url: string | URL, config?: StreamConfig): Observable<Uint8Array> {
    return this.streamed('session.stream', url, config, undefined, () => chunkParser);
  }

  /**
   * GETs `url` and emits its body's lines as they arrive (NDJSON, logs), decoded in its
   * `charset` (UTF-8 without one), each without its LF or CRLF; a last line without a
   * break comes when the body ends, then it completes. The rules of {@link stream} apply
   * (nothing buffered, `timeout` up to the head, `readTimeout` between chunks, no retry).
   *
   * ```text
   * body on the wire:   -(a\nb)-(c\n)|
   * session.lines():    -(ab)---c|       a line cut across two chunks comes out whole
   * ```
   *
   * @example
   * ```ts
   * session.lines('/stream/3').pipe(map((line) => JSON.parse(line).id)).subscribe(console.log);
   * // Logs:
   * // 0
   * // 1
   * // 2
   * ```
   */
  lines(url: string | URL, config?: StreamConfig): Observable<string> {
    return this.streamed('session.lines', url, config, undefined, (headers) => lineParser(charsetOf(headers?.['content-type'])));
  }

  /**
   * GETs `url` with `Accept: text/event-stream` and emits its Server-Sent Events as they
   * arrive, parsed as the WHATWG EventSource spec says (`type` `'message'` unless the
   * event names one, `data` lines joined with `'\n'`, `id` carried over to later events,
   * `retry` only on the event that set it; comments skipped; LF, CRLF or CR line breaks;
   * always UTF-8), then completes when the body ends. It never reconnects by itself
   * (compose rxjs `retry` or `repeat`, sending the last `id` as `Last-Event-ID` if the
   * server wants it). The rules of {@link stream} apply.
   *
   * ```text
   * body on the wire:   -(data: a\n\n)--(data: b\n\n)|
   * session.sse():      -a--b|
   * ```
   *
   * @example
   * ```ts
   * session.sse('/sse?count=2&duration=1').subscribe((event) => console.log(event.type, event.id, JSON.parse(event.data).id));
   * // Logs:
   * // ping 0 0
   * // ping 1 1
   * ```
   */
  sse(url: string | URL, config?: StreamConfig): Observable<ServerSentEvent> {
    return this.streamed('session.sse', url, config, 'text/event-stream', eventParser);
  }

  /**
   * Closes the session: requests in flight fail with `CancelledError` and are aborted,
   * those queued (on the semaphore, the rate limiter or the pool) fail with it without
   * being started, the connection pool is destroyed, and later requests fail with
   * `SessionClosedError`. A response already delivered stays delivered (`close()` may be
   * called from its `next`). Resolves once every socket of the pool has closed. Calling
   * it again returns the same promise.
   *
   * The pool is the session's own axios transport's, or that of the transport it was
   * given if that has a `close()` (`undiciTransport()`, `axiosTransport()`): a session
   * owns such a transport, as aiohttp's session owns its connector. A transport
   * without `close()` (a function, `fakeTransport`) is left alone.
   *
   * @example
   * ```ts
   * session.get('/hang').subscribe({ error: (err) => console.log(err.name) });
   * await session.close();
   * // Logs:
   * // CancelledError
   * ```
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      // Closed first, so that nothing a cancellation triggers can start a request;
      // requests cancelled before the pool goes, so that they fail with CancelledError,
      // not with the pool's own error.
      // A call admitted meanwhile (a semaphore's permit handed on by a cancelled call)
      // sees `closed` and fails without being started.
      this.calls.closed = true;
      for (const call of this.calls.live.takeAll()) call.cancelOnClose();
      const { close } = this.transport as { close?: unknown };
      this.closing = typeof close === 'function' ? Promise.resolve(close.call(this.transport) as unknown).then(() => undefined) : Promise.resolve();
    }
    return this.closing;
  }

  /**
   * Closes the session without waiting for its sockets: what rxjs `using()` calls
   * when the Observable it scopes ends, so `using(() => createSession(), (s) => ...)`
   * is the `async with ClientSession()` of RxJS.
   */
  unsubscribe(): void {
    void this.close();
  }

  /** Checks a call at once, and returns the cold Observable of its request. */
  private send<T>(
    fn: string,
    method: HttpMethod,
    rawUrl: unknown,
    rawConfig: RequestConfig | undefined,
    keys: readonly string[],
    data?: unknown,
    responseType?: ResponseType,
  ): Observable<HttpResponse<T>> {
    const url = checkUrl(fn, 'url', rawUrl, this.allowAbsoluteUrls);
    const config = checkConfig(fn, rawConfig, keys);
    const body = data === undefined ? checkBody(fn, 'config.data', config.data) : checkBody(fn, 'data', data);
    const retry = config.retry ?? this.retry;
    const plan: Plan = {
      method,
      url,
      config,
      data: body,
      responseType: responseType ?? config.responseType ?? 'auto',
      retry: retry === undefined ? undefined : retryFor(retry, method, body),
    };
    return new Observable<HttpResponse<T>>((subscriber) => this.subscribeCall(plan, subscriber as Subscriber<HttpResponse>));
  }

  /**
   * Checks a streamed GET at once (`stream`, `lines`, `sse`), and returns the cold
   * Observable of its values: per subscription, one request that hands its chunks to a
   * parser made from the response's head. `accept` is sent unless the call's own headers
   * have one.
   */
  private streamed<T>(
    fn: string,
    rawUrl: unknown,
    rawConfig: StreamConfig | undefined,
    accept: string | undefined,
    parser: (headers: HttpHeaders | undefined) => ChunkParser<T>,
  ): Observable<T> {
    const url = checkUrl(fn, 'url', rawUrl, this.allowAbsoluteUrls);
    const checked = checkConfig(fn, rawConfig, STREAM_KEYS);
    const config = accept === undefined || 'accept' in checked.headers ? checked : { ...checked, headers: { ...checked.headers, accept } };
    const plan: Plan = { method: 'GET', url, config, data: checkBody(fn, 'config.data', config.data), responseType: 'bytes', retry: undefined };
    return new Observable<T>((subscriber) => {
      let parse: ChunkParser<T> | undefined;
      const emit = (value: T): void => subscriber.next(value);
      const onChunk = (chunk: Uint8Array): void => (parse ??= parser(undefined)).push(chunk, emit);
      return new Observable<HttpResponse>((head) => this.subscribeCall(plan, head, onChunk)).subscribe({
        next: (res) => {
          parse ??= parser(res.headers);
          // A transport that cannot stream gives the whole body here, at the end: one chunk.
          const { data } = res;
          if (data instanceof Uint8Array) {
            if (data.length > 0) parse.push(data, emit);
          } else if (typeof data === 'string') {
            if (data !== '') parse.push(new TextEncoder().encode(data), emit);
          } else
            subscriber.error(
              new NetworkError('GET', res.url, new TypeError(`${fn}: the transport gave a body that is neither bytes nor text (${typeof data})`)),
            );
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          parse?.end(emit);
          subscriber.complete();
        },
      });
    });
  }

  /** One subscription to a request: one `Call`, or an error at once; `onChunk` when its body streams. */
  private subscribeCall(plan: Plan, subscriber: Subscriber<HttpResponse>, onChunk?: (chunk: Uint8Array) => void): TeardownLogic {
    const { method, url, config } = plan;
    let target: ResolvedUrl;
    try {
      target = this.resolve(url, config.params);
    } catch (err) {
      const shown = withoutUserInfo(url);
      subscriber.error(this.calls.closed ? new SessionClosedError(method, shown) : new NetworkError(method, shown, withoutInput(err)));
      return undefined;
    }
    if (this.calls.closed) {
      subscriber.error(new SessionClosedError(method, target.url));
      return undefined;
    }
    const { signal } = config;
    if (signal?.aborted) {
      subscriber.error(cancelled(method, target.url, 'its signal was aborted'));
      return undefined;
    }
    const request: HttpRequest = {
      method,
      url: target.url,
      headers: this.requestHeaders(config, target),
      data: plan.data,
      responseType: plan.responseType,
      maxRedirects: config.maxRedirects ?? this.maxRedirects,
      // Of a streamed body only what a transport that cannot stream buffers (the others hold none of it).
      maxContentLength: config.maxContentLength ?? this.maxContentLength,
      readTimeout: config.readTimeout ?? this.readTimeout,
      cookies: this.cookies,
      onChunk,
      onDownloadProgress: config.onDownloadProgress,
    };
    const { retry } = plan;
    const timeout = config.timeout ?? this.timeout;
    const raise = config.raiseForStatus ?? this.raiseForStatus;
    const call = new Call(this.transport, this.calls, request, timeout, raise, subscriber, retry?.statusCodes);
    this.calls.live.push(call);
    if (signal !== undefined) watchSignal(signal, call);
    if (retry === undefined && this.semaphore === undefined && this.rateLimiter === undefined) {
      call.attempt(subscriber);
      return call;
    }
    // A permit first, then a start: a request waiting for its permit takes no start of
    // the rate limit, so a start is counted when the request is sent.
    let attempt = new Observable<HttpResponse>((admitted) => call.attempt(admitted));
    if (this.rateLimiter !== undefined) attempt = this.rateLimiter.run(attempt);
    if (this.semaphore !== undefined) attempt = this.semaphore.run(attempt);
    // Each retry is a whole attempt (permit, start, deadline); the call stays where close()
    // finds it until its response is delivered, waits between attempts included.
    if (retry !== undefined) attempt = withRetry(attempt, retry, raise).pipe(tap(() => this.calls.live.remove(call)));
    call.running = attempt.subscribe(subscriber);
    return call;
  }

  /** The absolute URL of a request; without params, remembered (the same URLs come back in a fan-out). */
  private resolve(url: string, params: CheckedConfig['params']): ResolvedUrl {
    if (params !== undefined) return resolveUrl(this.baseURL, url, params);
    let resolved = this.resolved.get(url);
    if (resolved === undefined) {
      resolved = resolveUrl(this.baseURL, url, undefined);
      if (this.resolved.size >= RESOLVED_URLS) this.resolved.clear();
      this.resolved.set(url, resolved);
    }
    return resolved;
  }

  /**
   * The session's headers with the request's over them (the session's own object when
   * the request has none), and its Basic auth, the most specific first: the request's
   * `auth`, the credentials of its URL, its own `authorization` header, the session's
   * `auth` (for the base URL's origin only, when there is a base URL).
   */
  private requestHeaders(config: CheckedConfig, target: ResolvedUrl): Readonly<Record<string, string>> {
    const own = config.headers;
    const headers = isEmpty(own) ? this.headers : { ...this.headers, ...own };
    let authorization = config.authorization ?? target.authorization;
    if (authorization === undefined && own.authorization === undefined && this.authorization !== undefined) {
      if (this.authOrigin === undefined || target.url.startsWith(this.authOrigin)) authorization = this.authorization;
    }
    return authorization === undefined ? headers : { ...headers, authorization };
  }
}

/** How many resolved URLs a session remembers (then it starts again). */
const RESOLVED_URLS = 1024;

/** A request call, checked once by `send()`: what each subscription to it needs. */
interface Plan {
  readonly method: HttpMethod;
  readonly url: string;
  readonly config: CheckedConfig;
  readonly data: unknown;
  readonly responseType: ResponseType;
  /** The retry policy it is sent under; `undefined` when it is sent once. */
  readonly retry: RetryPolicy | undefined;
}

function cancelled(method: HttpMethod, url: string, why: string): CancelledError {
  return new CancelledError(`${method} ${url} was cancelled: ${why}`);
}

/** The headers of a session without any: shared, never mutated (a plain object: for-in over it is cheap). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** The requests of a session that close() must reach, and whether it was called. */
interface Calls {
  readonly live: List<Call>;
  closed: boolean;
  /** The requests' deadlines: one timer per duration for all of them. */
  readonly deadlines: Deadlines;
}

/** The URL parser's error names its input: without credentials. */
function withoutInput(err: unknown): unknown {
  const e = err as { input?: unknown };
  if (typeof e === 'object' && e !== null && typeof e.input === 'string') e.input = withoutUserInfo(e.input);
  return err;
}

/**
 * The calls waiting on one `AbortSignal`, behind one listener: a signal shared by many
 * requests gets one listener, not one per request (Node warns past ten).
 */
class SignalWatch {
  readonly calls = new Set<Call>();

  constructor(readonly signal: AbortSignal) {}

  /** The signal aborted (an `EventListener` object). */
  handleEvent(): void {
    watches.delete(this.signal);
    for (const call of [...this.calls]) call.abortedBySignal();
    this.calls.clear();
  }
}

/** The watch of each signal that requests in flight share. */
const watches = new WeakMap<AbortSignal, SignalWatch>();

function watchSignal(signal: AbortSignal, call: Call): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    watch = new SignalWatch(signal);
    watches.set(signal, watch);
    signal.addEventListener('abort', watch, { once: true });
  }
  watch.calls.add(call);
  call.watch = watch;
}

function unwatchSignal(call: Call): void {
  const watch = call.watch;
  if (watch === undefined) return;
  call.watch = undefined;
  watch.calls.delete(call);
  if (watch.calls.size === 0 && watches.get(watch.signal) === watch) {
    watches.delete(watch.signal);
    watch.signal.removeEventListener('abort', watch);
  }
}

/**
 * One subscription to a request, from its subscription to its end: the transport run
 * under the request's deadline, its response checked against `raiseForStatus`, its
 * failures wrapped; cancelled by `close()` (through `live`) or by its signal (through
 * its watch). One object per request, no closure: this is every request's path.
 */
class Call implements Unsubscribable, Link<Call>, Expiring {
  /** The subscription of the semaphore's permit, when there is a semaphore. */
  running: Unsubscribable | undefined;
  /** The transport's subscription. */
  private sending: Unsubscribable | undefined;
  private deadline: Unsubscribable | undefined;
  /** Where the response goes: the subscriber of the attempt (the permit's, with a semaphore). */
  private out: Subscriber<HttpResponse> | undefined;
  /** Whether the transport has emitted its response. */
  private received = false;
  /** Between the start of an attempt and its end or stop: what the transport says is heard. */
  private open = false;
  /** The watch of the request's signal, if it has one. */
  watch: SignalWatch | undefined = undefined;
  // Links of the session's list of calls in flight.
  list: List<Call> | undefined = undefined;
  prevItem: Call | undefined = undefined;
  nextItem: Call | undefined = undefined;

  constructor(
    private readonly transport: Transport,
    private readonly calls: Calls,
    private readonly request: HttpRequest,
    private readonly timeout: number,
    private readonly raise: boolean,
    private readonly subscriber: Subscriber<HttpResponse>,
    /**
     * When its attempts are retried, the statuses retried: a response with one of them
     * fails its attempt with `HttpStatusError` (withRetry returns the last one unless
     * `raise`), and a response leaves `live` only once delivered, not when it arrives.
     */
    private readonly retryOn: readonly number[] | undefined,
  ) {}

  /** Runs the transport under the deadline, emitting to `out`: once, or once per attempt when retried. */
  attempt(out: Subscriber<HttpResponse>): TeardownLogic {
    this.out = out;
    this.received = false;
    if (this.calls.closed) {
      // Admitted by a permit that close() freed: nothing is started.
      out.error(cancelled(this.request.method, this.request.url, 'the session was closed'));
      return undefined;
    }
    this.deadline = this.calls.deadlines.start(this.timeout, this);
    this.open = true;
    try {
      const direct = (this.transport as Partial<DirectTransport>)[SEND];
      const sending = direct === undefined ? this.transport(this.request).subscribe(this) : direct(this.request, this);
      // An attempt that ended at once is torn down at once, as rxjs does for a subscriber.
      if (this.open) this.sending = sending;
      else sending?.unsubscribe();
    } catch (err) {
      this.open = false;
      out.error(new NetworkError(this.request.method, this.request.url, err));
    }
    // With a semaphore, the end of the permit's subscription ends the attempt; without, unsubscribe() does.
    return out === this.subscriber ? undefined : () => this.stop();
  }

  // The transport's observer: its subscriber's, or the sink of its direct path, which
  // ignores what comes after the end or after the attempt was stopped, as a Subscriber does.
  next(response: HttpResponse): void {
    if (this.received || !this.open) return;
    this.received = true;
    // A streamed body's head: the deadline bounded the wait for it; readTimeout bounds the rest.
    if (this.request.onChunk !== undefined) {
      this.deadline?.unsubscribe();
      this.deadline = undefined;
    }
    // Delivered: close() (called from the subscriber's next, say) no longer cancels it;
    // a streamed body is still coming, and close() cancels it until it has.
    if (this.retryOn === undefined && this.request.onChunk === undefined) this.calls.live.remove(this);
    const url = withoutCredentials(response.url);
    const delivered = url === response.url ? response : { ...response, url };
    const { status } = delivered;
    if ((this.raise && status >= 400) || this.retryOn?.includes(status)) this.out!.error(new HttpStatusError(this.request.method, delivered));
    else this.out!.next(delivered);
  }

  error(err: unknown): void {
    if (!this.open) return;
    this.stop();
    this.out!.error(isOwnError(err) ? err : new NetworkError(this.request.method, this.request.url, err));
  }

  complete(): void {
    if (!this.open) return;
    this.stop();
    if (this.received) this.out!.complete();
    else {
      const empty = new EmptyError();
      empty.message = 'the transport completed without a response';
      this.out!.error(new NetworkError(this.request.method, this.request.url, empty));
    }
  }

  /** The deadline passed (Expiring): the request is aborted, then fails. */
  expire(): void {
    const { method, url } = this.request;
    const err = timeoutError(`${method} ${url} timed out after ${this.timeout} ms`, { method, url, timeout: this.timeout });
    endWithTimeout(this.out!, { unsubscribe: () => this.stop() }, err);
  }

  /** `close()` cancels the request. */
  cancelOnClose(): void {
    this.subscriber.error(cancelled(this.request.method, this.request.url, 'the session was closed'));
  }

  /** The request's signal aborted. */
  abortedBySignal(): void {
    this.watch = undefined;
    this.subscriber.error(cancelled(this.request.method, this.request.url, 'its signal was aborted'));
  }

  /** The request's teardown. */
  unsubscribe(): void {
    this.calls.live.remove(this);
    unwatchSignal(this);
    this.running?.unsubscribe();
    this.stop();
  }

  /** Ends the attempt: the deadline and the transport's subscription. */
  private stop(): void {
    this.open = false;
    this.deadline?.unsubscribe();
    this.deadline = undefined;
    this.sending?.unsubscribe();
    this.sending = undefined;
  }
}

/**
 * The disposers' types: `[Symbol.dispose](): void` (closes the session without waiting,
 * `using session = createSession()`) and `[Symbol.asyncDispose](): Promise<void>` (closes
 * it and waits for its sockets, `await using`), where the consumer's `lib` has those
 * symbols (`esnext.disposable`, or `@types/node`); nothing where it does not (`lib:
 * ["es2022", "dom"]`), so the declarations compile there too.
 */
type Disposers = SymbolConstructor extends { readonly dispose: infer D extends symbol; readonly asyncDispose: infer A extends symbol }
  ? {
      /** Closes the session, without waiting (`using session = createSession()`). */
      [K in D]: () => void;
    } & {
      /** Closes the session and waits for its sockets (`await using session = createSession()`). */
      [K in A]: () => Promise<void>;
    }
  : object;

// The disposers are declared here, under the well-known symbols the type checker knows,
// and defined on the prototype under the symbols the runtime has (Node 20 may lack them).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see above
export interface ClientSession extends Disposers {}

Object.defineProperties(ClientSession.prototype, {
  [DISPOSE]: {
    value: function dispose(this: ClientSession): void {
      void this.close();
    },
    writable: true,
    configurable: true,
  },
  [ASYNC_DISPOSE]: {
    value: function asyncDispose(this: ClientSession): Promise<void> {
      return this.close();
    },
    writable: true,
    configurable: true,
  },
});

/** Errors the session passes on as they are; any other transport failure becomes a `NetworkError`. */
function isOwnError(err: unknown): boolean {
  return (
    isCallerError(err) ||
    err instanceof NetworkError ||
    err instanceof ResponseTooLargeError ||
    err instanceof HttpStatusError ||
    err instanceof SessionClosedError ||
    err instanceof TimeoutError ||
    err instanceof CancelledError
  );
}

/** The body of a `session.json()` response: text parsed strictly, anything else (a fake transport's object) as it is. */
function parseJson<T>(res: HttpResponse): T {
  if (typeof res.data !== 'string') return res.data as T;
  if (res.data.trim() === '') return null as T;
  try {
    return JSON.parse(res.data) as T;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SyntaxError(`GET ${res.url}: the body is not valid JSON: ${reason}`, { cause: err });
  }
}

/**
 * Creates an HTTP client session (aiohttp's `ClientSession`): one keep-alive
 * connection pool, default headers, a per-request deadline, limits on what a server may
 * send, a status policy and a cookie jar, shared by every request made through it.
 *
 * Redirects are followed (10 at most, by the safety rules: to another origin, the
 * credentials and the caller's `cookie` header stay behind), and `response.url` is where
 * the request landed. The session's own cookie jar (`cookies: true`, in Node) keeps what
 * responses set, redirects included, as a browser keeps cookies (RFC 6265), and sends each
 * hop the cookies of its URL; a request's own `cookie` header goes first. In a browser the
 * browser's jar and redirects apply.
 *
 * Every request method (`get`, `post`, `put`, `patch`, `delete`, `head`, `options`,
 * `request`, and the shortcuts `text`, `json`, `bytes`, `status`) checks its arguments at once and returns a cold
 * Observable: nothing is sent before subscription, and each subscription sends one
 * request. With a `semaphore`, each request first waits for a permit.
 *
 * ```text
 * session.get(url):   ----r|        one response, then complete
 * with timeout:       ----#         TimeoutError, the request aborted
 * unsubscribed:       --!           the request aborted, its socket closed
 * ```
 *
 * - **Complete**: after the one response, when its whole body has arrived. Any
 *   status is a response, unless `raiseForStatus` is on: then >= 400 fails with
 *   `HttpStatusError`.
 * - **Error**: rxjs `TimeoutError` past the deadline (`timeout`, 300 s by default) or
 *   after `readTimeout` of silence; `NetworkError` for connection refused or reset, DNS
 *   failure, an invalid URL or a malformed response (a truncated body or compression, a
 *   `101` nobody asked for, one redirect more than `maxRedirects`, `cause.code`
 *   `ERR_TOO_MANY_REDIRECTS`); `ResponseTooLargeError` for a body over
 *   `maxContentLength` (64 MiB by default, decoded bytes included); `CancelledError` if
 *   the session is closed (or `config.signal` aborts) meanwhile; `SessionClosedError` if
 *   it was closed before. Every message names the method and the URL, without the
 *   credentials a URL may carry.
 * - **Unsubscribe**: aborts the request in flight (its socket is destroyed, not
 *   returned to the pool), or leaves the semaphore's queue, or ends a wait between two
 *   attempts.
 *
 * **Retries** are off unless `retry` says (on the session or a request): a request of
 * an idempotent method (GET, HEAD, PUT, DELETE, OPTIONS, or those of `retry.methods`)
 * is sent again after a status of `retry.statusCodes` (408, 413, 429, 500, 502, 503,
 * 504), a `NetworkError`, or a `TimeoutError` of its `timeout` or `readTimeout`, at
 * most `retry.limit` times (a number `retry` is that limit). Each attempt is a request
 * of its own: its own `timeout`, semaphore permit and rate-limiter start. Between two,
 * it waits `retry.delay(n)` (300 ms × 2^(n-1) with full jitter by default), or what
 * `Retry-After` says on a 413, 429 or 503, at most `retry.maxDelay` (30 s), holding no
 * permit, on RxJS's scheduler (virtual time in `TestScheduler.run()`). When the limit
 * is reached, the last failure is raised, or the last response emitted when its status
 * was the reason (an `HttpStatusError` under `raiseForStatus`). A body that is a
 * stream is sent once; `close()` or the request's signal during a wait end it at once
 * with `CancelledError`.
 *
 * ```text
 * attempt 1:          --5                   5: a 503, retried after a wait of 3
 * attempt 2:               --5
 * attempt 3:                    --r|
 * session.get(url):   ------------r|        retry: 2; the 200, then complete
 * ```
 *
 * The session is `Unsubscribable`, so rxjs `using()` scopes it (the `async with` of
 * RxJS), and disposable (`using` / `await using`). Bad options throw at once a
 * `TypeError` or `RangeError` naming `createSession`, the option and the value; so do
 * the request methods for what the safety rules refuse at call time (a URL like
 * `http:host/x`, a framing header, a header value outside Latin-1, a body with a BigInt
 * or a cycle): see the README's "Safety".
 *
 * @example
 * ```ts
 * import { createSession } from 'rxjs-asyncio/http';
 * import { gather } from 'rxjs-asyncio';
 * import { using } from 'rxjs';
 *
 * using(
 *   () => createSession({ baseURL: 'https://httpbin.org', timeout: 5000, maxSockets: 10 }),
 *   (session) => gather([session.status('/status/201'), session.json<{ url: string }>('/get')]),
 * ).subscribe(([status, body]) => console.log(status, body.url));
 * // Logs (the session closes after):
 * // 201 https://httpbin.org/get
 * ```
 *
 * @param options `baseURL`, `headers`, `timeout` (ms per request, default 300,000),
 * `readTimeout` (ms of silence, default none), `maxContentLength` (bytes, default 64 MiB),
 * `maxSockets` (default 100), `raiseForStatus` (default `false`), `maxRedirects` (default
 * 10, `0` for none), `cookies` (a jar of the session's own, default `true`), `auth`
 * (Basic), `allowAbsoluteUrls` (default `true`), `semaphore`, `rateLimiter`, `retry` (a
 * retry limit or `{ limit, methods, statusCodes, delay, maxDelay }`, default none: see
 * {@link RetryOptions}), `transport` (default: axios).
 * @returns The session.
 * @see {@link ClientSession} for its methods.
 */
export function createSession(options?: SessionOptions): ClientSession {
  return new ClientSession(options);
}
