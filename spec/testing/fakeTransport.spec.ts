import { EmptyError, Observable, concat, forkJoin, ignoreElements, map, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, HttpStatusError, NetworkError, SessionClosedError, TimeoutError, createSession } from '../../lib/http';
import type { ClientSession, HttpRequest } from '../../lib/http';
import { Semaphore } from '../../lib/semaphore';
import { RateLimiter } from '../../lib/rateLimiter';
import { fakeTransport } from '../../lib/testing';

/** The kind of service a session is for: it knows the API's paths and shapes. */
class UserService {
  constructor(private readonly session: ClientSession) {}

  /** The name of user `id`. */
  name(id: number): Observable<string> {
    return this.session.json<{ name: string }>(`/users/${id}`).pipe(map((user) => user.name));
  }

  /** The names of several users, in the order asked. */
  names(ids: number[]): Observable<string[]> {
    return forkJoin(ids.map((id) => this.name(id)));
  }

  /** Saves a user; emits its new id. */
  create(name: string): Observable<number> {
    return this.session.post<{ id: number }>('/users', { name }, { raiseForStatus: true }).pipe(map((res) => res.data.id));
  }
}

/** Errors compared by class and message (toEqual on two errors compares little else). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return { class: value.constructor.name, message: value.message };
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));
}

const API = 'https://api.test';
/** The session's default limits, as every request carries them. */
const LIMITS = { maxContentLength: 64 * 1024 * 1024, readTimeout: Infinity };
/** What the session adds to each request by default: its limits, 10 redirects, its cookie jar. */
const DEFAULTS = { maxRedirects: 10, ...LIMITS, cookies: expect.objectContaining({ header: expect.any(Function), store: expect.any(Function) }) };
const timeoutError = (message: string): TimeoutError => Object.assign(new TimeoutError(), { message });

describe('fakeTransport', () => {
  it('answers a service in virtual time, subscribing the handler once per request', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ada = cold('--r|', { r: { data: '{"name":"Ada"}' } });
      const transport = fakeTransport(() => ada);
      const users = new UserService(createSession({ baseURL: API, transport, headers: { Authorization: 'Bearer t' } }));
      // prettier-ignore
      expectObservable(users.name(1)).toBe(  '--n|', { n: 'Ada' });
      expectSubscriptions(ada.subscriptions).toBe('^--!');
    });
  });

  it('records each request as the session resolved it', () => {
    testScheduler().run(({ cold, flush }) => {
      const transport = fakeTransport(() => cold('-r|', { r: { data: { name: 'x' } } }));
      const users = new UserService(createSession({ baseURL: `${API}/v1/`, transport, headers: { Authorization: 'Bearer t' } }));
      users.names([1, 2]).subscribe();
      users.create('Grace').subscribe();
      flush();
      expect(transport.requests).toEqual<HttpRequest[]>([
        { method: 'GET', url: `${API}/v1/users/1`, headers: { authorization: 'Bearer t' }, data: undefined, responseType: 'text', ...DEFAULTS },
        { method: 'GET', url: `${API}/v1/users/2`, headers: { authorization: 'Bearer t' }, data: undefined, responseType: 'text', ...DEFAULTS },
        {
          method: 'POST',
          url: `${API}/v1/users`,
          headers: { authorization: 'Bearer t' },
          data: { name: 'Grace' },
          responseType: 'auto',
          ...DEFAULTS,
        },
      ]);
    });
  });

  it("keeps the cookies a response sets, and sends them with the next requests to that site only (not to another's)", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const transport = fakeTransport((request) =>
        request.url.endsWith('/login')
          ? cold('-r|', { r: { headers: { 'Set-Cookie': 'sid=42; Path=/; HttpOnly\ntheme=dark; Max-Age=3600' } } })
          : cold('-r|', { r: { data: request.headers.cookie ?? 'none' } }),
      );
      const session = createSession({ baseURL: API, transport });
      const me = (url = '/me') => session.text(url);
      const login = session.post('/login').pipe(ignoreElements());
      // prettier-ignore
      expectObservable(concat(me(), login, me(), me('https://other.test/me'))).toBe('-a---b-c|', { a: 'none', b: 'sid=42; theme=dark', c: 'none' });
    });
  });

  it('keeps no cookie with cookies: false', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const transport = fakeTransport((request) =>
        request.url.endsWith('/login')
          ? cold('-r|', { r: { headers: { 'set-cookie': 'sid=42' } } })
          : cold('-r|', { r: { data: request.headers.cookie ?? 'none' } }),
      );
      const session = createSession({ baseURL: API, transport, cookies: false });
      expectObservable(concat(session.post('/login').pipe(ignoreElements()), session.text('/me'))).toBe('---a|', { a: 'none' });
      flush();
      expect(transport.requests.map((request) => request.cookies)).toEqual([undefined, undefined]);
    });
  });

  it('routes on the request, and a service combines the answers', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const transport = fakeTransport((request) =>
        request.url.endsWith('/1') ? cold('---a|', { a: { data: { name: 'Ada' } } }) : cold('-b|', { b: { data: { name: 'Bob' } } }),
      );
      const users = new UserService(createSession({ baseURL: API, transport }));
      // prettier-ignore
      expectObservable(users.names([1, 2])).toBe('----(n|)', { n: ['Ada', 'Bob'] });
    });
  });

  it('fills the defaults of a partial response', () => {
    testScheduler().run(({ expectObservable }) => {
      const transport = fakeTransport(() => of({ status: 201, headers: { 'X-Id': '7' } }, {}));
      const session = createSession({ baseURL: API, transport });
      expectObservable(session.get('/users')).toBe('(r|)', {
        r: { url: `${API}/users`, status: 201, statusText: 'Created', headers: { 'x-id': '7' }, data: '' },
      });
    });
  });

  it("times a request out in virtual time, unsubscribing the handler's Observable", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('10ms r|', { r: { data: '{"name":"Ada"}' } });
      const users = new UserService(createSession({ baseURL: API, transport: fakeTransport(() => slow), timeout: 5 }));
      // prettier-ignore
      expectObservable(users.name(1)).toBe(  '5ms #', undefined, timeoutError(`GET ${API}/users/1 timed out after 5 ms`));
      expectSubscriptions(slow.subscriptions).toBe('^ 4ms !');
    });
  });

  it('counts the timeout from the start of the request, not from the wait for a permit', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reply = cold('---r|', { r: { data: '{"name":"x"}' } });
      const semaphore = new Semaphore(1);
      const users = new UserService(createSession({ baseURL: API, transport: fakeTransport(() => reply), timeout: 6, semaphore }));
      // prettier-ignore
      expectObservable(users.names([1, 2, 3])).toBe('------------(n|)', { n: ['x', 'x', 'x'] });
      // prettier-ignore
      expectSubscriptions(reply.subscriptions).toBe([
        '^---!       ',
        '----^---!   ',
        '--------^---!',
      ]);
    });
  });

  it('starts each request when the rate limiter allows, once it holds its permit, and times it from there', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reply = cold('-r|', { r: { data: '{"name":"x"}' } });
      // Two permits, two starts per 10 ms: the third request gets a permit at frame 2,
      // when the first two have ended, and its start at 10, when theirs leave the window.
      const rateLimiter = new RateLimiter({ count: 2, interval: 10 });
      const semaphore = new Semaphore(2);
      const users = new UserService(createSession({ baseURL: API, transport: fakeTransport(() => reply), timeout: 5, semaphore, rateLimiter }));
      expectObservable(users.names([1, 2, 3])).toBe('------------(n|)', { n: ['x', 'x', 'x'] });
      expectSubscriptions(reply.subscriptions).toBe(['^-!', '^-!', '----------^-!']);
    });
  });

  it('aborts the request when the subscriber unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reply = cold('-----r|', { r: {} });
      const session = createSession({ transport: fakeTransport(() => reply) });
      // prettier-ignore
      expectObservable(session.get(`${API}/x`), '^--!').toBe('---');
      expectSubscriptions(reply.subscriptions).toBe('^--!');
    });
  });

  it('fails with HttpStatusError under raiseForStatus', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const users = new UserService(createSession({ baseURL: API, transport: fakeTransport(() => cold('--r|', { r: { status: 409 } })) }));
      const expected = new HttpStatusError('POST', { url: `${API}/users`, status: 409, statusText: 'Conflict', headers: {}, data: '' });
      expectObservable(users.create('Ada')).toBe('--#', undefined, expected);
    });
  });

  it('wraps a transport failure in a NetworkError whose cause it is', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const session = createSession({ transport: fakeTransport(() => cold('--#', undefined, reset)) });
      const request = session.get(`${API}/x`);
      expectObservable(request).toBe('--#', undefined, new NetworkError('GET', `${API}/x`, reset));
      let cause: unknown;
      request.subscribe({ error: (err: NetworkError) => (cause = err.cause) });
      flush();
      expect(cause).toBe(reset);
    });
  });

  it('passes on the errors a session knows as they are', () => {
    testScheduler().run(({ expectObservable }) => {
      const cancelled = new CancelledError('gone');
      const session = createSession({ transport: fakeTransport(() => throwError(() => cancelled)) });
      expectObservable(session.get(`${API}/x`)).toBe('#', undefined, cancelled);
    });
  });

  it('fails a request whose handler throws, or completes without a response, with a NetworkError', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const boom = new Error('no route');
      const throwing = createSession({
        transport: fakeTransport(() => {
          throw boom;
        }),
      });
      expectObservable(throwing.get(`${API}/x`)).toBe('#', undefined, new NetworkError('GET', `${API}/x`, boom));
      const empty = createSession({ transport: fakeTransport(() => cold('--|')) });
      const none = Object.assign(new EmptyError(), { message: 'the transport completed without a response' });
      expectObservable(empty.get(`${API}/x`)).toBe('--#', undefined, new NetworkError('GET', `${API}/x`, none));
    });
  });

  it('cancels requests in flight on close(), and refuses later ones', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reply = cold('-----r|', { r: {} });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => reply) });
      cold('---c').subscribe(() => void session.close());
      // prettier-ignore
      expectObservable(session.get('/a')).toBe('---#', undefined, new CancelledError(`GET ${API}/a was cancelled: the session was closed`));
      expectSubscriptions(reply.subscriptions).toBe('^--!');
      // A request subscribed after the close fails at once, without reaching the transport.
      // prettier-ignore
      expectObservable(session.get('/b'), '-----^').toBe('-----#', undefined, new SessionClosedError('GET', `${API}/b`));
    });
  });

  it('cancels a request when its signal aborts', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reply = cold('-----r|', { r: {} });
      const session = createSession({ transport: fakeTransport(() => reply) });
      const controller = new AbortController();
      cold('--a').subscribe(() => controller.abort());
      // prettier-ignore
      expectObservable(session.get(`${API}/x`, { signal: controller.signal })).toBe('--#', undefined, new CancelledError(`GET ${API}/x was cancelled: its signal was aborted`));
      expectSubscriptions(reply.subscriptions).toBe('^-!');
    });
  });
});
