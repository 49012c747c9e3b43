/**
 * What the library relies on in Angular's `HttpClient` lives here: how a session's
 * request becomes an HttpClient call, and how HttpClient's answers and failures
 * become a session's response and error family.
 */
import { HttpClient, HttpErrorResponse, HttpEventType, HttpHeaders } from '@angular/common/http';
import type { HttpEvent } from '@angular/common/http';
import { assertInInjectionContext, inject } from '@angular/core';
import { TimeoutError, catchError, filter, map, throwError } from 'rxjs';
import type { Observable, Observer, Unsubscribable } from 'rxjs';
import type { Context } from '../internal/context';
import { timeoutError } from '../internal/deadline';
import type { Waiter } from '../internal/gate';
import { fail } from '../internal/validate';
import { bodyData, textData } from '../http/bodyData';
import { ResponseTooLargeError } from '../http/errors/ResponseTooLargeError';
import { NetworkError } from '../http/errors/NetworkError';
import { abortInFlight, poolTransport } from '../http/poolTransport';
import type { PoolCall, Sink } from '../http/poolTransport';
import { callerError, closedError, separator } from '../http/response';
import { statusText as phrase } from '../http/statusText';
import { Slots } from '../http/slots';
import type { HttpHeaders as SessionHeaders, HttpRequest, HttpResponse, PoolTransport } from '../http/types';

/**
 * A session transport over Angular's `HttpClient`: a session's requests go through
 * HttpClient, so its interceptors, `HttpTestingController`, `withFetch()` and
 * server-side rendering apply to them.
 *
 * Each subscription sends one request with `http.request(method, url, { observe:
 * 'events' })` and emits one `HttpResponse`, then completes. Any status is a
 * response, as with the session's other transports: a 404 is emitted, and the session
 * turns it into `HttpStatusError` under `raiseForStatus`. It is one of the pool
 * transports (as `axiosTransport()` and `undiciTransport()` are), with their
 * `close()`, but without a limit of its own on requests in flight: the browser keeps
 * the connections, and queues requests past its own limits (6 connections per host in
 * Chromium).
 *
 * ```text
 * transport(request):    ----r|     one HttpResponse once the whole body has arrived
 * a 404:                 ----r|     a response too (HttpStatusError under raiseForStatus)
 * status 0 (offline):    --#        NetworkError (cause: HttpClient's HttpErrorResponse)
 * HttpClient timed out:  --#        rxjs TimeoutError
 * unsubscribed:          --!        HttpClient's request cancelled (XHR or fetch aborted)
 * close() at frame 2:    --#        ERR_TRANSPORT_CLOSED, HttpClient's request cancelled
 * after close():         #          ERR_TRANSPORT_CLOSED at once, nothing sent
 * ```
 *
 * - **Complete**: after the one response, once its whole body has arrived.
 * - **Error**: an `HttpErrorResponse` of status 0 (the network failed, CORS refused,
 *   a body that could not be read) fails with `NetworkError`, whose `cause` it is; one
 *   whose error is a `TimeoutError` (HttpClient's own `timeout` option, set by an
 *   interceptor) fails with rxjs's `TimeoutError`, as does an interceptor's rxjs
 *   `timeout()`. Any other failure (an interceptor's own error) is left to the
 *   session, which wraps it in a `NetworkError`.
 * - **Unsubscribe**: unsubscribes HttpClient's Observable, which aborts the XHR or
 *   fetch (and `HttpTestingController` marks the request `cancelled`).
 * - **Close**: `close()` cancels every HttpClient request of this transport still in
 *   flight (each fails with an `Error` whose `code` is `'ERR_TRANSPORT_CLOSED'`, as on
 *   every transport), and a request subscribed later fails with it at once, sending
 *   nothing; it resolves at once (there are no sockets to wait for), and calling it
 *   again returns the same promise. The HttpClient itself is Angular's and is left
 *   alone. A session given this transport owns it: `session.close()` closes it (so
 *   does destroying the injector of {@link provideSession}'s session); to share one
 *   between sessions, give each a wrapper without `close` (`(request) => shared(request)`).
 * - **Size**: a body past the request's `maxContentLength` fails with
 *   `ResponseTooLargeError`: HttpClient is asked for download progress events (unless
 *   the limit is `Infinity`), and the request is aborted as soon as one reports more
 *   bytes than the limit; a body that came without progress events (an interceptor's,
 *   `HttpTestingController`'s `flush`) is measured once it has come. `readTimeout` is
 *   not applied here: the browser decides how a body is read (the session's `timeout`
 *   is, as always).
 *
 * The request: headers as the session merged them; a plain object or array as JSON,
 * `URLSearchParams` as a form (`application/x-www-form-urlencoded;charset=utf-8`, as the
 * other transports send it), a string, `Blob`, `FormData` or `ArrayBuffer` as HttpClient
 * sends them, and a typed array (a Node `Buffer`) as its bytes. `onDownloadProgress`
 * hears of each download progress event HttpClient reports. A reason phrase HttpClient
 * filled in itself (`'OK'` for a 404 whose server gave none, as HTTP/2 never does) is
 * the status's own (`'Not Found'`). The response's header names are
 * lower case; `url` is the final URL when the backend tells it.
 *
 * The body: under `'auto'` (the default), `'bytes'` and `'arraybuffer'`, HttpClient is
 * asked for an `ArrayBuffer`, which the session decodes as on its other transports (by
 * `Content-Type` and `charset`; the bytes as a `Uint8Array`). So `HttpTestingController`
 * flushes such a request with the body's bytes, an `ArrayBuffer` (and its
 * `Content-Type`): a string or an object makes HttpClient throw "Automatic conversion
 * to ArrayBuffer is not supported". Under `'text'` and `'json'` (so `session.text()` and
 * `session.json()`), HttpClient is asked for text, which `flush('...')` and
 * `flush({ ... })` give: its XHR backend decodes it in its `charset` as the browser does,
 * `withFetch()`'s as UTF-8 whatever the charset. A body an interceptor answers with
 * itself is taken as it is (a string as text). The browser follows
 * redirects itself, so `maxRedirects` has no effect, nor has the session's
 * `maxSockets` (to bound the requests in flight, give the session a `semaphore`), nor
 * its cookie jar (the browser's own applies; under server-side rendering, HttpClient
 * sends the cookies its interceptors add).
 *
 * @example
 * ```ts
 * // In an injection context (a provider's factory, a field initializer):
 * const session = createSession({ baseURL: 'https://api.example.com', transport: httpClientTransport() });
 * session.json<{ id: number }>('/users/1').subscribe((user) => console.log(user.id));
 * session.get('/hang').subscribe({ error: (err) => console.log(err.name) });
 * // Later, once /users/1 has answered:
 * await session.close(); // cancels /hang, then closes the transport
 * // Logs:
 * // 1
 * // CancelledError
 * ```
 *
 * @param http The `HttpClient` to send with. Without it, it is injected, so the call
 *   must be made in an injection context (else Angular's error NG0203 names this function).
 * @returns A transport for `createSession({ transport })`, with `close()`.
 * @see provideSession, which provides a session over this transport.
 */
export function httpClientTransport(http?: HttpClient): PoolTransport {
  let client: HttpClient;
  if (http === undefined) {
    assertInInjectionContext(httpClientTransport);
    client = inject(HttpClient);
  } else {
    const { request } = (typeof http === 'object' && http !== null ? http : {}) as { request?: unknown };
    if (typeof request !== 'function') fail('type', 'httpClientTransport', 'http', "Angular's HttpClient (or undefined, to inject it)", http);
    client = http;
  }
  // No slot limit: the browser owns the connections, and queues past its own.
  const pool: ClientPool = { client, slots: new Slots(Infinity), inFlight: new Set(), closed: false };
  return poolTransport({
    slots: pool.slots,
    call: (request, subscriber) => new ClientCall(pool, request, subscriber),
    close: () => abortInFlight(pool),
  });
}

/** What the requests of one transport share. */
interface ClientPool {
  readonly client: HttpClient;
  readonly slots: Slots;
  /** Requests sent and not ended. */
  readonly inFlight: Set<ClientCall>;
  /** Set by close(). */
  closed: boolean;
}

/** One request from its subscription to its end: the slot queue's waiter, and the observer of its HttpClient call. */
class ClientCall implements PoolCall, Observer<HttpResponse> {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // From sending until the request ends.
  private inFlight = false;
  // HttpClient's subscription, once subscribed.
  private sending: Unsubscribable | undefined;

  constructor(
    private readonly pool: ClientPool,
    private readonly request: HttpRequest,
    private readonly subscriber: Sink,
  ) {}

  admit(): void {
    if (this.pool.closed) {
      this.subscriber.error(closedError());
      return;
    }
    this.inFlight = true;
    this.pool.inFlight.add(this);
    let sent: Observable<HttpResponse>;
    try {
      sent = exchange(this.pool.client, this.request);
    } catch (err) {
      this.error(err);
      return;
    }
    // An interceptor may answer at once (the request has ended before subscribe() returns),
    // or something it calls may close the transport meanwhile (then the request is dropped).
    const sending = sent.subscribe(this);
    if (this.inFlight) this.sending = sending;
    else sending.unsubscribe();
  }

  next(response: HttpResponse): void {
    if (!this.settle()) return;
    this.subscriber.next(response);
    this.subscriber.complete();
  }

  error(err: unknown): void {
    if (this.settle()) this.subscriber.error(err);
  }

  complete(): void {
    // Without a response (an interceptor's EMPTY): the session says so.
    if (this.settle()) this.subscriber.complete();
  }

  /** Leaves the queue (if it still waits), or cancels the HttpClient request in flight. */
  unsubscribe(): void {
    this.pool.slots.leave(this);
    if (this.settle()) this.sending?.unsubscribe();
  }

  /** Cancels the HttpClient request in flight, then fails it with `err`. */
  abort(err: Error): void {
    if (!this.settle()) return;
    this.sending?.unsubscribe();
    this.subscriber.error(err);
  }

  /** The request ends: gives the slot back; whether it was still in flight. */
  private settle(): boolean {
    if (!this.inFlight) return false;
    this.inFlight = false;
    this.pool.inFlight.delete(this);
    this.pool.slots.release();
    return true;
  }
}

/** One request through HttpClient: its events become one `HttpResponse`, its failures the session's errors. */
function exchange(client: HttpClient, request: HttpRequest): Observable<HttpResponse> {
  // Bytes, decoded by the session as on its other transports; text under 'text' and
  // 'json', which HttpTestingController's flush(string or object) then fits.
  const responseType = request.responseType === 'text' || request.responseType === 'json' ? 'text' : 'arraybuffer';
  const { data, onDownloadProgress } = request;
  let headers = request.headers;
  // A form, as the other transports send it: HttpClient would label any object but its own HttpParams JSON.
  if (data instanceof URLSearchParams && headers['content-type'] === undefined) headers = { ...headers, 'content-type': FORM };
  return client
    .request(request.method, request.url, {
      body: toBody(data),
      headers: new HttpHeaders(headers as Record<string, string>),
      observe: 'events',
      // Progress events tell how much of the body has come, so a body past the limit is
      // given up (the XHR or fetch aborted) as it arrives rather than once buffered.
      reportProgress: request.maxContentLength !== Infinity || onDownloadProgress !== undefined,
      responseType: responseType as 'text',
    })
    .pipe(
      map((event: HttpEvent<unknown>) => {
        if (event.type === HttpEventType.DownloadProgress) {
          if (event.loaded > request.maxContentLength) throw tooLarge(request);
          try {
            onDownloadProgress?.({ loaded: event.loaded, total: event.total });
          } catch (thrown) {
            throw callerError(thrown);
          }
        }
        if (event.type !== HttpEventType.Response) return undefined;
        return toResponse(request, event.status, event.statusText, event.url, event.headers, event.body);
      }),
      filter((response): response is HttpResponse => response !== undefined),
      catchError((err: unknown) => {
        if (!(err instanceof HttpErrorResponse)) return throwError(() => err);
        if (isTimeout(err.error)) {
          const { method, url } = request;
          return throwError(() => timeoutError(`${method} ${url} timed out (HttpClient's timeout)`, { method, url, cause: err }));
        }
        if (err.status === 0) return throwError(() => new NetworkError(request.method, request.url, err));
        return [toResponse(request, err.status, err.statusText, err.url, err.headers, err.error)];
      }),
    );
}

const FORM = 'application/x-www-form-urlencoded;charset=utf-8';

/** The body as HttpClient sends it: a typed array (which it would send as JSON) as an ArrayBuffer of its bytes, a form as its text. */
function toBody(data: unknown): unknown {
  if (data === undefined) return null;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  if (data instanceof URLSearchParams) return data.toString();
  return data;
}

/**
 * A session's response from what HttpClient received (a response, or the response inside
 * an HttpErrorResponse): bytes (none for a `null` body) decoded as `responseType` says,
 * text read as it says; anything else (an interceptor's object) as it is.
 */
function toResponse(request: HttpRequest, status: number, statusText: string, url: string | null, headers: HttpHeaders, body: unknown): HttpResponse {
  const received = body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? new Uint8Array(0));
  if (exceeds(received, request.maxContentLength)) throw tooLarge(request);
  const { responseType } = request;
  const own = toHeaders(headers);
  const type = own['content-type'];
  return {
    url: url ?? request.url,
    status,
    // HttpClient fills in 'OK' (or 'Unknown Error') where the server gave no reason phrase (HTTP/2 never does).
    statusText: (statusText === 'OK' && status !== 200) || statusText === 'Unknown Error' || statusText === '' ? phrase(status) : statusText,
    headers: own,
    data:
      received instanceof Uint8Array
        ? bodyData(responseType, type, received)
        : typeof received === 'string'
          ? textData(responseType, type, received)
          : received,
  };
}

/** Whether a body has more than `limit` bytes. A UTF-16 unit is 1 to 3 bytes of UTF-8: a string is encoded only when its length leaves it in doubt. */
function exceeds(data: unknown, limit: number): boolean {
  if (data instanceof Uint8Array) return data.byteLength > limit;
  if (typeof data !== 'string') return false;
  if (data.length > limit) return true;
  return data.length * 3 > limit && new TextEncoder().encode(data).byteLength > limit;
}

function tooLarge(request: HttpRequest): ResponseTooLargeError {
  return new ResponseTooLargeError(request.method, request.url, request.maxContentLength);
}

/** Header names in lower case; repeated values joined as the other transports join them (`set-cookie` with `'\n'`, see `separator`). */
function toHeaders(headers: HttpHeaders): SessionHeaders {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of headers.keys()) {
    const lower = name.toLowerCase();
    out[lower] = (headers.getAll(name) ?? []).join(separator(lower));
  }
  return out;
}

/** HttpClient's timeouts fail with a `DOMException` named `TimeoutError` (XHR and fetch backends), or rxjs's own. */
function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError');
}
