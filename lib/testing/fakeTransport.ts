import { Observable, from, map } from 'rxjs';
import type { ObservableInput, Subscriber } from 'rxjs';
import { checkFunction, describe } from '../internal/validate';
import { bodyData } from '../http/bodyData';
import { hopHeaders, keepCookies } from '../http/redirect';
import { declaredLength, separator } from '../http/response';
import { statusText } from '../http/statusText';
import type { HttpRequest, HttpResponse, Transport } from '../http/types';

/**
 * What a fake handler may emit: any part of a response (an `HttpResponse` is one); the
 * rest is filled in.
 */
export interface FakeResponse {
  /** Default: the request's URL. */
  readonly url?: string;
  /** Default `200`. */
  readonly status?: number;
  /** Default: the status's standard reason phrase. */
  readonly statusText?: string;
  /**
   * Any case; a list is a header received once per value, joined as the real transports
   * join them (`set-cookie` with `'\n'`, any other with `', '`), as are names that differ
   * only in case.
   */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * A `Uint8Array` (a `Buffer`) is the body as received: it becomes `data` as on the real
   * transports, by the request's `responseType` and the `content-type` header (so
   * `'auto'` gives `image/png` bytes, `text/html; charset=gbk` text, `application/json`
   * a parsed value). Anything else is `data` as it is. Left out: an empty body (`''`, or
   * an empty `Uint8Array` where bytes are asked for).
   */
  readonly data?: unknown;
}

/** A transport built by {@link fakeTransport}, which also records what it was asked. */
export interface FakeTransport extends Transport {
  /** Every request subscribed to so far, in order (one per subscription). */
  readonly requests: readonly HttpRequest[];
}

/**
 * Builds a session transport from a function of the request, so that code using a
 * session can be tested without a network, in virtual time.
 *
 * Each subscription to a request of the session records the `HttpRequest` in
 * `requests` (its `cookie` header holding the session's cookies for its URL, as a real
 * transport would send them), calls `handler(request)` and subscribes to what it returns: a cold
 * marble Observable (`cold('--r|', { r: { status: 200, data } })`), `of(...)`, a
 * Promise, ... Each response it emits is completed with defaults: `url` the
 * request's, `status` 200, `statusText` the standard reason phrase, `headers` none
 * (names lower-cased, in an object without prototype), `data` an empty body; a
 * `Uint8Array` as `data` is a body as received, decoded as the real transports decode
 * it (see {@link FakeResponse}). A `set-cookie` header (values joined with `'\n'`) goes
 * into the session's cookie jar. The session then
 * applies its own policies as with a real transport: `timeout` (in virtual time, as it
 * uses `asyncScheduler`), `raiseForStatus`, the semaphore, `close()`.
 *
 * ```text
 * handler returns:    --r|
 * session.get(url):   --r|
 * with timeout 1:     -#          TimeoutError; the handler's Observable unsubscribed at 1
 * ```
 *
 * - **Complete**: the request completes when the handler's Observable does; completing
 *   without a response fails the request with a `NetworkError` (cause: an `EmptyError`).
 * - **Error**: an error of the handler's Observable (or a throw of `handler`) fails the
 *   request: rxjs `TimeoutError`, `CancelledError` and the session's own error classes
 *   as they are, anything else as a `NetworkError` whose `cause` it is.
 * - **Unsubscribe**: unsubscribing from the request (or its timeout, or closing the
 *   session) unsubscribes the handler's Observable, as `expectSubscriptions` shows.
 * - **Streams** (`session.stream()`, `lines()`, `sse()`): the first response emitted is
 *   the head (status, headers) and each one's `data` (a string, sent as UTF-8, or bytes)
 *   the next chunk of the body, so marbles time the chunks:
 *   `cold('-a-b|', { a: { data: 'one\n' }, b: { data: 'two\n' } })` makes
 *   `session.lines(url)` emit `-a-b|` with `'one'` and `'two'`.
 * - **Progress**: a `Uint8Array` body is reported to `onDownloadProgress` once, whole.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { createSession } from 'rxjs-asyncio/http';
 * import { fakeTransport } from 'rxjs-asyncio/testing';
 *
 * new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
 *   const transport = fakeTransport(() => cold('--r|', { r: { data: { id: 1 } } }));
 *   const session = createSession({ transport, baseURL: 'https://api.test' });
 *   expectObservable(session.json('/users/1')).toBe('--u|', { u: { id: 1 } });
 *   // transport.requests[0].url is 'https://api.test/users/1' once flushed.
 * });
 * ```
 *
 * @param handler Called once per request subscription, with the request.
 * @returns A transport for `createSession({ transport })`, with its `requests` log.
 */
export function fakeTransport(handler: (request: HttpRequest) => ObservableInput<FakeResponse>): FakeTransport {
  checkFunction('fakeTransport', 'handler', handler);
  const requests: HttpRequest[] = [];
  const transport = (given: HttpRequest): Observable<HttpResponse> =>
    new Observable<HttpResponse>((subscriber) => {
      // The session's cookies for its URL, as a real transport would send them.
      const headers = hopHeaders(given, given);
      const request = headers === given.headers ? given : { ...given, headers };
      requests.push(request);
      const responses = from(handler(request));
      if (request.onChunk !== undefined) return responses.subscribe(new ChunkFeed(request, request.onChunk, subscriber));
      return responses.pipe(map((response) => complete(request, response))).subscribe(subscriber);
    });
  return Object.assign(transport, { requests });
}

/**
 * A streamed request's responses (`session.stream()`, `lines()`, `sse()`): the first is
 * the response's head (its `data`, if any, the first chunk), each later one's `data` the
 * next chunk of the body, so a marble Observable times every chunk.
 */
class ChunkFeed {
  private head = true;

  constructor(
    private readonly request: HttpRequest,
    private readonly onChunk: (chunk: Uint8Array) => void,
    private readonly subscriber: Subscriber<HttpResponse>,
  ) {}

  next(response: FakeResponse): void {
    if (this.head) {
      this.head = false;
      this.subscriber.next(complete(this.request, { ...response, data: EMPTY }));
    }
    const chunk = chunkOf(response.data);
    if (chunk instanceof Error) this.subscriber.error(chunk);
    else if (chunk.length > 0) this.onChunk(chunk);
  }

  error(err: unknown): void {
    this.subscriber.error(err);
  }

  complete(): void {
    this.subscriber.complete();
  }
}

/** A streamed chunk as a fake response gives it: bytes, or text sent as UTF-8. */
function chunkOf(data: unknown): Uint8Array | Error {
  if (data === undefined || data instanceof Uint8Array) return data ?? EMPTY;
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new TypeError(`fakeTransport: a streamed response's data must be a string or a Uint8Array (got ${describe(data)})`);
}

function complete(request: HttpRequest, response: FakeResponse): HttpResponse {
  const status = response.status ?? 200;
  // Without prototype, as the real transports give them.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    const key = name.toLowerCase();
    for (const value of typeof values === 'string' ? [values] : values) {
      const seen = headers[key];
      headers[key] = seen === undefined ? value : seen + separator(key) + value;
    }
  }
  const url = response.url ?? request.url;
  keepCookies(request, url, headers);
  const data = 'data' in response ? response.data : EMPTY;
  if (data instanceof Uint8Array && data.length > 0 && request.onDownloadProgress !== undefined) {
    request.onDownloadProgress({ loaded: data.length, total: declaredLength(headers['content-length']) });
  }
  return {
    url,
    status,
    statusText: response.statusText ?? statusText(status),
    headers,
    data: data instanceof Uint8Array ? bodyData(request.responseType, headers['content-type'], data) : data,
  };
}

/** The body of a response without `data`. */
const EMPTY = new Uint8Array(0);
