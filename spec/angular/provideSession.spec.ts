import { received } from './testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import type { HttpInterceptorFn } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentInjector, ErrorHandler, createEnvironmentInjector, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { NEVER, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SESSION, provideSession } from '../../lib/angular';
import { Semaphore } from '../../lib';
import { CancelledError, SessionClosedError } from '../../lib/http';
import { ClientSession } from '../../lib/http/createSession';
import type { HttpRequest, SessionOptions } from '../../lib/http';
import { fakeTransport } from '../../lib/testing';
import { unhandledDuring } from '../testing/unhandled';

const API = 'http://api.test';

/** Subscribes, and keeps the last value and the error. */
function record<T>(source: { subscribe: (o: { next: (v: T) => void; error: (e: unknown) => void }) => unknown }): { value?: T; error?: unknown } {
  const state: { value?: T; error?: unknown } = {};
  source.subscribe({ next: (value) => (state.value = value), error: (error) => (state.error = error) });
  return state;
}

afterEach(() => TestBed.resetTestingModule());

describe('provideSession', () => {
  // SESSION is made once per environment injector, at its first inject(), over that
  // injector's HttpClient; destroying the injector closes it.

  it('provides SESSION over HttpClient: the requests reach HttpTestingController, through the interceptors', () => {
    const tagged: HttpInterceptorFn = (req, next) => next(req.clone({ setHeaders: { 'x-tag': 'from-interceptor' } }));
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([tagged])), provideHttpClientTesting(), provideSession({ baseURL: API, headers: { 'x-app': 'dash' } })],
    });
    const session = TestBed.inject(SESSION);
    expect(session).toBeInstanceOf(ClientSession);
    const result = record(session.json<{ id: number }>('/users/1'));

    const req = TestBed.inject(HttpTestingController).expectOne(`${API}/users/1`);
    expect(req.request.headers.get('x-app')).toBe('dash');
    expect(req.request.headers.get('x-tag')).toBe('from-interceptor');
    req.flush({ id: 1 });
    expect(result.value).toEqual({ id: 1 });
  });

  it('gives every injection in the injector the same session', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideSession({ baseURL: API })] });
    expect(TestBed.inject(SESSION)).toBe(TestBed.inject(SESSION));
    expect(TestBed.runInInjectionContext(() => inject(SESSION))).toBe(TestBed.inject(SESSION));
  });

  it("takes the session's options: raiseForStatus, a shared semaphore", () => {
    const semaphore = new Semaphore(1);
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), provideSession({ baseURL: API, raiseForStatus: true, semaphore })],
    });
    const session = TestBed.inject(SESSION);
    const backend = TestBed.inject(HttpTestingController);
    const first = record(session.get('/a'));
    const second = record(session.get('/b'));
    backend.expectNone(`${API}/b`); // the one permit is held by /a
    backend.expectOne(`${API}/a`).flush(received('gone'), { status: 410, statusText: 'Gone', headers: { 'content-type': 'text/plain' } });
    expect(first.error).toMatchObject({ name: 'HttpStatusError', status: 410 });
    backend.expectOne(`${API}/b`).flush(received('ok'), { headers: { 'content-type': 'text/plain' } });
    expect(second.value).toMatchObject({ status: 200, data: 'ok' });
  });

  it('uses options.transport when given (a fakeTransport, in virtual time), without needing HttpClient', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const transport = fakeTransport((request: HttpRequest) => cold('--r|', { r: { data: { asked: request.url } } }));
      TestBed.configureTestingModule({ providers: [provideSession({ baseURL: API, transport })] });
      expectObservable(TestBed.inject(SESSION).json('/x')).toBe('--j|', { j: { asked: `${API}/x` } });
    });
  });

  it('closes the session when its injector is destroyed: in flight CancelledError (aborted), later SessionClosedError', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideSession({ baseURL: API })] });
    const session = TestBed.inject(SESSION);
    const inFlight = record(session.get('/hang'));
    const req = TestBed.inject(HttpTestingController).expectOne(`${API}/hang`);

    TestBed.resetTestingModule(); // destroys the test module's injector

    expect(session.closed).toBe(true);
    expect(req.cancelled).toBe(true);
    expect(inFlight.error).toBeInstanceOf(CancelledError);
    expect(record(session.get('/later')).error).toBeInstanceOf(SessionClosedError);
  });

  it('closes a transport it was given, as a session owns its transport', () => {
    const close = jest.fn(() => Promise.resolve());
    const transport = Object.assign(() => NEVER, { close });
    TestBed.configureTestingModule({ providers: [provideSession({ transport })] });
    TestBed.inject(SESSION);
    expect(close).not.toHaveBeenCalled();
    TestBed.resetTestingModule();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("reports a transport's failed close() to Angular's ErrorHandler, never as an unhandled rejection", async () => {
    const boom = new Error('pool would not close');
    const transport = Object.assign(() => NEVER, { close: () => Promise.reject(boom) });
    const handled: unknown[] = [];
    TestBed.configureTestingModule({
      providers: [provideSession({ transport }), { provide: ErrorHandler, useValue: { handleError: (err: unknown) => handled.push(err) } }],
    });
    TestBed.inject(SESSION);
    const unhandled = await unhandledDuring(() => void TestBed.resetTestingModule());
    expect({ handled, unhandled }).toEqual({ handled: [boom], unhandled: [] });
  });

  it('gives each environment injector its own session, closed with it alone', () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideSession({ baseURL: API })] });
    const parent = TestBed.inject(EnvironmentInjector);
    const child = createEnvironmentInjector([provideSession({ baseURL: `${API}/admin` })], parent);
    const root = TestBed.inject(SESSION);
    const own = child.get(SESSION);
    expect(own).not.toBe(root);

    // The child's session sends through the HttpClient it finds, the parent's.
    const result = record(own.text('/stats'));
    TestBed.inject(HttpTestingController).expectOne(`${API}/admin/stats`).flush('42');
    expect(result.value).toBe('42');

    child.destroy();
    expect(own.closed).toBe(true);
    expect(root.closed).toBe(false);
  });

  it('reads its options when called: a later change to the object changes nothing', () => {
    const options: { baseURL: string } = { baseURL: API };
    const providers = provideSession(options);
    options.baseURL = 'http://elsewhere.test';
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), providers] });
    record(TestBed.inject(SESSION).get('/x'));
    TestBed.inject(HttpTestingController).expectOne(`${API}/x`).flush(received(''));
  });

  it('ignores an inherited transport (options are read as own properties)', () => {
    const inherited = fakeTransport(() => of({}));
    const options = Object.create({ transport: inherited }) as SessionOptions;
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideSession(options)] });
    record(TestBed.inject(SESSION).get(`${API}/x`));
    TestBed.inject(HttpTestingController).expectOne(`${API}/x`).flush(received(''));
    expect(inherited.requests).toEqual([]);
  });

  it('fails an injection without provideSession with NullInjectorError', () => {
    TestBed.configureTestingModule({ providers: [] });
    expect(() => TestBed.inject(SESSION)).toThrow(/No provider found for `InjectionToken rxjs-asyncio SESSION`|NullInjectorError/);
  });

  it('checks its options when called, naming provideSession', () => {
    expect(() => provideSession({ timeout: -1 })).toThrow(
      new RangeError('provideSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got -1'),
    );
    expect(() => provideSession({ transport: 1 } as unknown as SessionOptions)).toThrow(
      new TypeError('provideSession: options.transport must be a function, got 1'),
    );
    expect(() => provideSession(7 as unknown as SessionOptions)).toThrow(new TypeError('provideSession: options must be an object, got 7'));
  });
});
