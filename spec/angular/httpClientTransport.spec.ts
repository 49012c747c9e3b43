import { received } from './testbed';
import {
  HttpClient,
  HttpErrorResponse,
  HttpEventType,
  HttpResponse as NgHttpResponse,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import type { HttpInterceptorFn } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { TestRequest } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { TimeoutError, catchError, firstValueFrom, of, timeout } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { httpClientTransport } from '../../lib/angular';
import { CancelledError, HttpStatusError, NetworkError, ResponseTooLargeError, createSession } from '../../lib/http';
import type { ClientSession, HttpRequest, HttpResponse, PoolTransport, SessionOptions } from '../../lib/http';
import { Semaphore } from '../../lib';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { ROWS, RESPONSE_TYPES, expected, shown, typeHeaders } from '../http/decodingTable';
import { closedPort, failure, outcome } from '../http/helpers';
import { call } from '../testing/rawClient';
import { UTF8_SAMPLE, samplePng } from '../../lib/testing/httpbinSamples';

const API = 'http://api.test';

/** What TestRequest.error() takes: a ProgressEvent (a DOM class Node lacks) or a DOMException. */
type RequestFailure = Parameters<TestRequest['error']>[0];

/** A network failure as the browser reports it to HttpClient: a ProgressEvent of type `error`. */
const networkDown = (): RequestFailure => Object.assign(new Event('error'), { loaded: 0, total: 0, lengthComputable: false }) as unknown as RequestFailure;

/** A session over httpClientTransport(), injected in TestBed's injector with `providers`. */
function sessionWith(providers: (Provider | EnvironmentProviders)[], options: SessionOptions = {}): ClientSession {
  TestBed.configureTestingModule({ providers });
  const transport = TestBed.runInInjectionContext(() => httpClientTransport());
  return createSession({ baseURL: API, ...options, transport });
}

/** A session over HttpClientTestingBackend, and its controller. */
function testingSession(options: SessionOptions = {}, interceptors: HttpInterceptorFn[] = []): { session: ClientSession; backend: HttpTestingController } {
  const session = sessionWith([provideHttpClient(withInterceptors(interceptors)), provideHttpClientTesting()], options);
  return { session, backend: TestBed.inject(HttpTestingController) };
}

/** Subscribes, and returns the last value or error once the source ends (synchronously, for HttpTestingController). */
function record<T>(source: Observable<T>): { value?: T; error?: unknown; done: boolean } {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  source.subscribe({
    next: (value) => (state.value = value),
    error: (error: unknown) => Object.assign(state, { error, done: true }),
    complete: () => (state.done = true),
  });
  return state;
}

afterEach(() => TestBed.resetTestingModule());

describe('httpClientTransport over HttpTestingController', () => {
  // Every request of the session is one HttpClient request: expectOne finds it with its
  // method, URL, headers and body; what it is flushed with becomes the session's
  // response, and its failures the session's errors.

  let backend: HttpTestingController;
  afterEach(() => backend.verify());

  it("sends the session's request through HttpClient: method, URL with params, merged headers, JSON body", () => {
    const t = testingSession({ headers: { authorization: 'Bearer t', 'x-app': 'dash' } });
    backend = t.backend;
    const result = record(t.session.post('/users', { name: 'Ada' }, { params: { notify: true }, headers: { 'x-app': 'admin' } }));

    const req = backend.expectOne(`${API}/users?notify=true`);
    expect(req.request.method).toBe('POST');
    expect(req.request.headers.get('authorization')).toBe('Bearer t');
    expect(req.request.headers.get('x-app')).toBe('admin');
    expect(req.request.serializeBody()).toBe('{"name":"Ada"}');
    expect(req.request.detectContentTypeHeader()).toBe('application/json');
    expect(req.request.responseType).toBe('arraybuffer'); // under 'auto', the session decodes the bytes
    req.flush(received('{"id":1}'), {
      status: 201,
      statusText: 'Created',
      headers: {
        'Content-Type': 'application/json',
        Location: '/users/1',
        'X-Multi': ['a', 'b'],
        'Set-Cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT'],
      },
    });

    expect(result.value).toEqual({
      url: `${API}/users?notify=true`,
      status: 201,
      statusText: 'Created',
      headers: { 'content-type': 'application/json', location: '/users/1', 'x-multi': 'a, b', 'set-cookie': 'a=1\nb=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT' },
      data: { id: 1 },
    });
    expect(result.done).toBe(true);
  });

  it('applies interceptors to the requests of the session', () => {
    const auth: HttpInterceptorFn = (req, next) => next(req.clone({ setHeaders: { 'x-intercepted': 'yes' } }));
    const t = testingSession({}, [auth]);
    backend = t.backend;
    record(t.session.get('/me'));
    const req = backend.expectOne(`${API}/me`);
    expect(req.request.headers.get('x-intercepted')).toBe('yes');
    req.flush(received(''));
  });

  it.each([
    ['json', 'a JSON body parsed', '{"a":[1,2]}', { a: [1, 2] }],
    ['json', 'a body that is not JSON as its text', 'plain words', 'plain words'],
    ['text', 'a JSON body left as text', '{"a":1}', '{"a":1}'],
  ] as const)('responseType %s: %s', (responseType, _what, body, expected) => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/doc', { responseType }));
    const req = backend.expectOne(`${API}/doc`);
    expect(req.request.responseType).toBe('text'); // the session decodes, as its other transports do
    req.flush(body);
    expect(result.value?.data).toEqual(expected);
  });

  describe.each(ROWS)('decodes as the other transports do: $name', (row) => {
    // spec/http/decoding.spec.ts runs the same table on the other transports. Under
    // 'auto' and 'bytes' HttpClient is asked for the bytes; under 'text' and 'json' for
    // text, which HttpClient decodes itself (its backends: the browser's XHR by the
    // charset, withFetch() as UTF-8): there the flushed text stands for it.
    it.each(RESPONSE_TYPES.map((responseType) => [responseType ?? 'the default']))('responseType %s', (name) => {
      const responseType = name === 'the default' ? undefined : (name as (typeof RESPONSE_TYPES)[number]);
      const t = testingSession();
      backend = t.backend;
      const result = record(t.session.get('/row', responseType === undefined ? undefined : { responseType }));
      const req = backend.expectOne(`${API}/row`);
      const asText = responseType === 'text' || responseType === 'json';
      expect(req.request.responseType).toBe(asText ? 'text' : 'arraybuffer');
      const body = asText ? row.text : row.body.buffer.slice(row.body.byteOffset, row.body.byteOffset + row.body.byteLength);
      req.flush(body, { headers: typeHeaders(row) });
      expect(shown(result.value?.data)).toEqual(expected(row, responseType));
    });
  });

  it("makes HttpTestingController refuse a string or an object for a request under 'auto': HttpClient asked for bytes", () => {
    const t = testingSession();
    backend = t.backend;
    record(t.session.get('/doc'));
    const req = backend.expectOne(`${API}/doc`);
    expect(() => req.flush('text')).toThrow('Automatic conversion to ArrayBuffer is not supported for response type.');
    expect(() => req.flush({ a: 1 })).toThrow('Automatic conversion to ArrayBuffer is not supported for response type.');
    req.flush(received('{"a":1}'), { headers: { 'content-type': 'application/json' } });
  });

  it("takes an interceptor's answer given at once (a cache's) as the response, sending nothing", () => {
    const cached: HttpInterceptorFn = (req) => of(new NgHttpResponse({ status: 200, statusText: 'OK', url: req.urlWithParams, body: 'cached' }));
    const t = testingSession({}, [cached]);
    backend = t.backend;
    const result = record(t.session.get('/cached'));
    expect(result).toMatchObject({ done: true, value: { status: 200, url: `${API}/cached`, data: 'cached' } });
    backend.expectNone(`${API}/cached`);
  });

  it('drops the HttpClient request when an interceptor closes the transport as it is subscribed: ERR_TRANSPORT_CLOSED', () => {
    let transport: PoolTransport | undefined;
    const closing: HttpInterceptorFn = (req, next) => {
      const sent = next(req);
      void transport?.close();
      return sent;
    };
    TestBed.configureTestingModule({ providers: [provideHttpClient(withInterceptors([closing])), provideHttpClientTesting()] });
    backend = TestBed.inject(HttpTestingController);
    transport = TestBed.runInInjectionContext(() => httpClientTransport());
    const result = record(createSession({ baseURL: API, transport }).get('/closing'));
    expect(result.error).toMatchObject({ cause: { code: 'ERR_TRANSPORT_CLOSED' } });
    expect(backend.expectOne(`${API}/closing`).cancelled).toBe(true);
  });

  it('responseType arraybuffer: asks HttpClient for an ArrayBuffer and gives the bytes as a Uint8Array', () => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get<Uint8Array>('/bytes', { responseType: 'arraybuffer' }));
    const req = backend.expectOne(`${API}/bytes`);
    expect(req.request.responseType).toBe('arraybuffer');
    req.flush(new Uint8Array([0, 255, 7]).buffer);
    expect(result.value?.data).toBeInstanceOf(Uint8Array);
    expect([...result.value!.data]).toEqual([0, 255, 7]);
  });

  it('sends a typed array (a Buffer) as its bytes, not as JSON', () => {
    const t = testingSession();
    backend = t.backend;
    const bytes = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    record(t.session.put('/blob', bytes));
    const req = backend.expectOne(`${API}/blob`);
    expect(req.request.body).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(req.request.body as ArrayBuffer)]).toEqual([8, 7]);
    req.flush(received(''));
  });

  it('sends URLSearchParams as a form, as the other transports do (HttpClient would label it JSON)', () => {
    const t = testingSession();
    backend = t.backend;
    record(t.session.post('/login', new URLSearchParams({ user: 'ada', pass: 'a b' })));
    const req = backend.expectOne(`${API}/login`);
    expect(req.request.body).toBe('user=ada&pass=a+b');
    expect(req.request.detectContentTypeHeader()).toBe('text/plain');
    expect(req.request.headers.get('content-type')).toBe('application/x-www-form-urlencoded;charset=utf-8');
    req.flush(received(''));
    const own = record(t.session.post('/login', new URLSearchParams({ a: '1' }), { headers: { 'content-type': 'application/x-custom' } }));
    const second = backend.expectOne(`${API}/login`);
    expect(second.request.headers.get('content-type')).toBe('application/x-custom');
    second.flush(received(''));
    expect(own.done).toBe(true);
  });

  it.each([
    [404, '', 'Not Found'],
    [404, 'OK', 'Not Found'],
    [503, 'Unknown Error', 'Service Unavailable'],
    [201, 'Made', 'Made'],
  ])("gives a %i that HttpClient calls %p the reason phrase %p (HttpClient fills in 'OK' where the server gave none)", (status, given, shown) => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/x'));
    backend.expectOne(`${API}/x`).flush(received(''), { status, statusText: given });
    expect((result.value as HttpResponse | undefined)?.statusText).toBe(shown);
  });

  it("gives any status as a response, body included, as the session's other transports do", () => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/missing'));
    backend
      .expectOne(`${API}/missing`)
      .flush(received('{"detail":"no such user"}'), { status: 404, statusText: 'Not Found', headers: { 'content-type': 'application/json', 'x-trace': 't1' } });
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({
      url: `${API}/missing`,
      status: 404,
      statusText: 'Not Found',
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      data: { detail: 'no such user' },
    });
  });

  it('fails a status >= 400 with HttpStatusError under raiseForStatus, carrying the response', () => {
    const t = testingSession({ raiseForStatus: true });
    backend = t.backend;
    const result = record(t.session.get('/broken'));
    backend
      .expectOne(`${API}/broken`)
      .flush(received('database down'), { status: 503, statusText: 'Service Unavailable', headers: { 'content-type': 'text/plain' } });
    expect(result.error).toBeInstanceOf(HttpStatusError);
    expect(result.error).toMatchObject({ status: 503, message: `GET ${API}/broken failed with 503 Service Unavailable`, response: { data: 'database down' } });
  });

  it("fails a status 0 (network down, CORS refused) with NetworkError whose cause is HttpClient's HttpErrorResponse", () => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/offline'));
    backend.expectOne(`${API}/offline`).error(networkDown());
    expect(result.error).toBeInstanceOf(NetworkError);
    const error = result.error as NetworkError;
    expect(error.cause).toBeInstanceOf(HttpErrorResponse);
    expect(error.cause).toMatchObject({ status: 0 });
    expect(error.message).toMatch(new RegExp(`^GET ${API}/offline failed: Http failure response for ${API}/offline: 0`));
  });

  it("fails HttpClient's own timeout (a DOMException named TimeoutError) with rxjs's TimeoutError", () => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/slow'));
    backend.expectOne(`${API}/slow`).error(new DOMException('Request timed out', 'TimeoutError'));
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect((result.error as Error).message).toBe(`GET ${API}/slow timed out (HttpClient's timeout)`);
  });

  it("passes an interceptor's rxjs timeout() on as rxjs's TimeoutError", () => {
    // Virtual time: the interceptor's timeout() runs on asyncScheduler, which TestScheduler.run() drives.
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ flush }) => {
      const t = testingSession({}, [(req, next) => next(req).pipe(timeout(100))]);
      backend = t.backend;
      const result = record(t.session.get('/slow'));
      const req = backend.expectOne(`${API}/slow`);
      flush();
      expect(result.error).toBeInstanceOf(TimeoutError);
      expect(req.cancelled).toBe(true);
    });
  });

  it("cancels the HttpClient request at the session's timeout (virtual time), then fails with TimeoutError", () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ flush }) => {
      const t = testingSession({ timeout: 50 });
      backend = t.backend;
      const result = record(t.session.get('/slow'));
      const req = backend.expectOne(`${API}/slow`);
      expect(req.cancelled).toBe(false);
      flush();
      expect(req.cancelled).toBe(true);
      expect(result.error).toBeInstanceOf(TimeoutError);
      expect((result.error as Error).message).toBe(`GET ${API}/slow timed out after 50 ms`);
    });
  });

  it('fails a body past maxContentLength with ResponseTooLargeError, counting UTF-8 bytes, not UTF-16 units', () => {
    const t = testingSession({ maxContentLength: 5 });
    backend = t.backend;
    const within = record(t.session.text('/small'));
    backend.expectOne(`${API}/small`).flush('€a'); // 4 bytes
    expect(within.value).toBe('€a');
    const past = record(t.session.text('/large'));
    backend.expectOne(`${API}/large`).flush('€€'); // 2 units, 6 bytes
    expect(past.error).toBeInstanceOf(ResponseTooLargeError);
    expect((past.error as ResponseTooLargeError).message).toBe(`GET ${API}/large failed: the response body is larger than maxContentLength (5 bytes)`);
    // Bytes (the default responseType asks for them) are counted as they are.
    const bytes = record(t.session.get('/bytes'));
    backend.expectOne(`${API}/bytes`).flush(new Uint8Array(6).buffer);
    expect(bytes.error).toBeInstanceOf(ResponseTooLargeError);
  });

  it('gives up a body as soon as a download progress event says it is past maxContentLength: the request is cancelled', () => {
    const t = testingSession({ maxContentLength: 1000 });
    backend = t.backend;
    const result = record(t.session.get('/endless'));
    const req = backend.expectOne(`${API}/endless`);
    expect(req.request.reportProgress).toBe(true);
    req.event({ type: HttpEventType.DownloadProgress, loaded: 1000 });
    expect(result.done).toBe(false);
    req.event({ type: HttpEventType.DownloadProgress, loaded: 1001 });
    expect(result.error).toBeInstanceOf(ResponseTooLargeError);
    expect(req.cancelled).toBe(true);
  });

  it('tells onDownloadProgress what each progress event says, and fails with what it throws', () => {
    const t = testingSession({ maxContentLength: Infinity });
    backend = t.backend;
    const seen: unknown[] = [];
    const result = record(t.session.get('/doc', { onDownloadProgress: (progress) => void seen.push(progress) }));
    const req = backend.expectOne(`${API}/doc`);
    expect(req.request.reportProgress).toBe(true);
    req.event({ type: HttpEventType.DownloadProgress, loaded: 50, total: 100 });
    req.event({ type: HttpEventType.DownloadProgress, loaded: 100, total: 100 });
    req.flush(new Uint8Array(100).buffer);
    expect(seen).toEqual([
      { loaded: 50, total: 100 },
      { loaded: 100, total: 100 },
    ]);
    expect(result.done).toBe(true);
    const boom = new Error('progress bar gone');
    const failing = record(
      t.session.get('/doc', {
        onDownloadProgress: () => {
          throw boom;
        },
      }),
    );
    const second = backend.expectOne(`${API}/doc`);
    second.event({ type: HttpEventType.DownloadProgress, loaded: 1 });
    expect(failing.error).toBe(boom);
    expect(second.cancelled).toBe(true);
  });

  it('asks for no progress events when maxContentLength is Infinity', () => {
    const t = testingSession({ maxContentLength: Infinity });
    backend = t.backend;
    const result = record(t.session.get('/doc'));
    const req = backend.expectOne(`${API}/doc`);
    expect(req.request.reportProgress).toBe(false);
    req.flush(new Uint8Array(100_000).buffer);
    expect(result.value?.data).toHaveLength(100_000);
  });

  it('cancels the HttpClient request when the subscriber unsubscribes', () => {
    const t = testingSession();
    backend = t.backend;
    const subscription = t.session.get('/hang').subscribe();
    const req: TestRequest = backend.expectOne(`${API}/hang`);
    expect(req.cancelled).toBe(false);
    subscription.unsubscribe();
    expect(req.cancelled).toBe(true);
    expect(() => req.flush('late')).toThrow('Cannot flush a cancelled request.');
  });

  it('cancels the HttpClient request when the session closes: CancelledError', () => {
    const t = testingSession();
    backend = t.backend;
    const result = record(t.session.get('/hang'));
    const req = backend.expectOne(`${API}/hang`);
    void t.session.close();
    expect(req.cancelled).toBe(true);
    expect(result.error).toBeInstanceOf(CancelledError);
  });
});

describe('httpClientTransport: close()', () => {
  // The transport is one of the pool transports (lib/http/poolTransport.ts): close()
  // cancels its HttpClient requests in flight and refuses new ones, as the other
  // transports do; the session it is given to closes it.

  let backend: HttpTestingController;
  afterEach(() => backend.verify());

  /** A transport over HttpClientTestingBackend, and its controller. */
  function testingTransport(): PoolTransport {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    backend = TestBed.inject(HttpTestingController);
    return TestBed.runInInjectionContext(() => httpClientTransport());
  }

  const get = (path: string): HttpRequest => ({
    method: 'GET',
    url: `${API}${path}`,
    headers: {},
    data: undefined,
    responseType: 'text',
    maxRedirects: 0,
    maxContentLength: Infinity,
    readTimeout: Infinity,
  });

  it('cancels the HttpClient requests in flight, which fail with ERR_TRANSPORT_CLOSED', () => {
    const transport = testingTransport();
    const result = record(transport(get('/hang')));
    const req = backend.expectOne(`${API}/hang`);
    void transport.close();
    expect(req.cancelled).toBe(true);
    expect(result.error).toMatchObject({ message: 'the transport is closed', code: 'ERR_TRANSPORT_CLOSED' });
  });

  it('fails a request subscribed after it at once with ERR_TRANSPORT_CLOSED, sending nothing', () => {
    const transport = testingTransport();
    void transport.close();
    const result = record(transport(get('/later')));
    expect(result.error).toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    backend.expectNone(`${API}/later`);
  });

  it('ends each request at its own frame: in flight at the close, later ones as they are subscribed (virtual time)', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const transport = testingTransport();
      const code = (path: string): Observable<unknown> => transport(get(path)).pipe(catchError((err: { code: string }) => of(err.code)));
      const shut = '---c     ';
      const subA = '^        ';
      const outA = '---(c|)  ';
      const subB = '-^       ';
      const outB = '---(c|)  ';
      const subC = '-----^   ';
      const outC = '-----(c|)';
      const closed = { c: 'ERR_TRANSPORT_CLOSED' };
      cold(shut).subscribe(() => void transport.close());
      expectObservable(code('/a'), subA).toBe(outA, closed);
      expectObservable(code('/b'), subB).toBe(outB, closed);
      expectObservable(code('/c'), subC).toBe(outC, closed);
    });
    // Only the two subscribed before the close reached HttpClient.
    expect(backend.match(() => true).map((req) => [req.request.url, req.cancelled])).toEqual([
      [`${API}/a`, true],
      [`${API}/b`, true],
    ]);
  });

  it('returns the same promise when called again, which resolves (there are no sockets to wait for)', async () => {
    const transport = testingTransport();
    const closed = transport.close();
    expect(transport.close()).toBe(closed);
    await expect(closed).resolves.toBeUndefined();
  });

  it('leaves its HttpClient alone: another transport over it still sends', () => {
    const transport = testingTransport();
    void transport.close();
    const other = record(httpClientTransport(TestBed.inject(HttpClient))(get('/other')));
    backend.expectOne(`${API}/other`).flush('still here');
    expect(other.value).toMatchObject({ status: 200, data: 'still here' });
  });

  it('is closed by the session it was given to: a request through it afterwards sends nothing', async () => {
    const transport = testingTransport();
    const close = jest.spyOn(transport, 'close');
    const session = createSession({ baseURL: API, transport });
    await session.close();
    expect(close).toHaveBeenCalledTimes(1);
    expect(record(transport(get('/after'))).error).toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    backend.expectNone(`${API}/after`);
  });

  it("never sends the requests queued on the session's semaphore when the session closes: CancelledError", () => {
    const session = createSession({ baseURL: API, transport: testingTransport(), semaphore: new Semaphore(1) });
    const running = record(session.get('/first'));
    const queued = record(session.get('/second'));
    const req = backend.expectOne(`${API}/first`);
    void session.close();
    expect(req.cancelled).toBe(true);
    expect(running.error).toBeInstanceOf(CancelledError);
    expect(queued.error).toBeInstanceOf(CancelledError);
    backend.expectNone(`${API}/second`);
  });
});

describe('httpClientTransport: its HttpClient', () => {
  it('is injected when called in an injection context', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const backend = TestBed.inject(HttpTestingController);
    const transport = TestBed.runInInjectionContext(() => httpClientTransport());
    const result = record(createSession({ transport }).status(`${API}/ping`));
    backend.expectOne(`${API}/ping`).flush('', { status: 204, statusText: 'No Content' });
    expect(result.value).toBe(204);
  });

  it('can be given, outside any injection context', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const http = TestBed.inject(HttpClient);
    const backend = TestBed.inject(HttpTestingController);
    const result = record(createSession({ transport: httpClientTransport(http) }).text(`${API}/hello`));
    backend.expectOne(`${API}/hello`).flush('hi');
    expect(result.value).toBe('hi');
  });

  it("without one, outside an injection context, throws Angular's NG0203 naming httpClientTransport", () => {
    expect(() => httpClientTransport()).toThrow(/^NG0203: httpClientTransport\(\) can only be used within an injection context/);
  });
});

describe('httpClientTransport over the real fetch backend (withFetch) and a server on 127.0.0.1', () => {
  // Node 20 has fetch, so HttpClient's FetchBackend sends real requests here: what the
  // server counts shows that unsubscribing aborts the request.

  let httpbin: Httpbin;
  beforeEach(async () => {
    httpbin = await startHttpbin();
  });
  afterEach(async () => {
    await httpbin.close();
  });

  const fetchSession = (options: SessionOptions = {}): ClientSession => sessionWith([provideHttpClient(withFetch())], { baseURL: httpbin.url, ...options });

  it('sends a request and decodes its JSON', async () => {
    const session = fetchSession();
    const res: HttpResponse<{ args: object; headers: Record<string, string> }> = await firstValueFrom(
      session.get('/get', { params: { q: 'rxjs' }, headers: { 'x-test': 'yes' } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.data.args).toEqual({ q: 'rxjs' });
    expect(res.data.headers['X-Test']).toBe('yes');
  });

  it('gives binary bodies as their bytes and text as text, as the other transports do: /bytes, /image/png, /encoding/utf8', async () => {
    const session = fetchSession();
    const sent = (await call(`${httpbin.url}/bytes/1024?seed=15`).response).body;
    const bytes = await firstValueFrom(session.get('/bytes/1024?seed=15'));
    expect(bytes.data).toBeInstanceOf(Uint8Array);
    expect(shown(bytes.data)).toEqual(shown(sent));
    expect(shown((await firstValueFrom(session.get('/image/png'))).data)).toEqual(shown(samplePng()));
    expect((await firstValueFrom(session.get('/encoding/utf8'))).data).toBe(UTF8_SAMPLE);
  });

  it('aborts the fetch when unsubscribed: the server sees the request end unanswered', async () => {
    const session = fetchSession();
    const subscription = session.get('/hang').subscribe();
    await httpbin.waitForRequests(1);
    expect(httpbin.activeRequests).toBe(1);
    subscription.unsubscribe();
    await httpbin.waitForActiveRequests(0);
  });

  it('stops reading a body past maxContentLength as it arrives: ResponseTooLargeError, and the server sees the fetch aborted', async () => {
    // A body that would take 60 s to arrive in full: only an abort as it comes ends the request sooner.
    const session = fetchSession({ maxContentLength: 16 });
    const error = await failure(session.get('/slow-body/60'));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    await httpbin.waitForActiveRequests(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('fails a refused connection with NetworkError (status 0)', async () => {
    const session = sessionWith([provideHttpClient(withFetch())], { baseURL: `http://127.0.0.1:${await closedPort()}` });
    const error = await failure(session.get('/get'));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toMatchObject({ status: 0 });
  });

  it("maps HttpClient's own timeout option (set by an interceptor) to rxjs's TimeoutError, and the server sees the abort", async () => {
    const session = sessionWith([provideHttpClient(withFetch(), withInterceptors([(req, next) => next(req.clone({ timeout: 50 }))]))], {
      baseURL: httpbin.url,
    });
    const result = await outcome(session.get('/hang'));
    expect(result.error).toBeInstanceOf(TimeoutError);
    await httpbin.waitForActiveRequests(0);
  });
});
