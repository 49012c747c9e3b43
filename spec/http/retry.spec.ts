import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { TimeoutError, defer, firstValueFrom, lastValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, HttpStatusError, NetworkError, ResponseTooLargeError, SessionClosedError, createSession } from '../../lib/http';
import type { ClientSession, HttpResponse, RetryOptions, SessionOptions } from '../../lib/http';
import { readRetry } from '../../lib/http/request';
import { readTimeoutError } from '../../lib/http/response';
import { retryAfter, retryFor, withRetry } from '../../lib/http/retry';
import { RateLimiter } from '../../lib/rateLimiter';
import { Semaphore } from '../../lib/semaphore';
import { fakeTransport } from '../../lib/testing';
import type { FakeResponse } from '../../lib/testing';
import { failure, outcome, TRANSPORTS, useHttpbin } from './helpers';

/** Errors compared by class and message (toEqual on two errors compares little else). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return { class: value.constructor.name, message: value.message };
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));
}

const API = 'https://api.test';
const URL_X = `${API}/x`;

/** A response as the session emits it from a fake answer of `status`. */
function response(status: number, headers: Record<string, string> = {}): HttpResponse {
  const text: Record<number, string> = {
    200: 'OK',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return { url: URL_X, status, statusText: text[status] ?? '', headers, data: '' };
}

/** A session on a fake transport whose attempt n answers with `replies[n]` (the last one again after that). */
function sessionOver(replies: readonly Observable<FakeResponse>[], options: SessionOptions = {}): ClientSession {
  let n = 0;
  return createSession({ baseURL: API, transport: fakeTransport(() => replies[Math.min(n++, replies.length - 1)]!), ...options });
}

/**
 * The operator alone, in virtual time: each attempt below is a cold Observable of its
 * own (failing with the HttpStatusError the session raises for a status to retry), and
 * its subscription log says when the request was sent again. A frame is 1 ms.
 */
describe('withRetry', () => {
  const networkError = new NetworkError('GET', URL_X, new Error('ECONNRESET'));
  const status = (code: number, headers?: Record<string, string>): HttpStatusError => new HttpStatusError('GET', response(code, headers));

  /** One attempt after another, each a cold Observable subscribed once per try. */
  function attempts(...tries: Observable<unknown>[]): Observable<HttpResponse> {
    let n = 0;
    return defer(() => tries[Math.min(n++, tries.length - 1)]! as Observable<HttpResponse>);
  }

  it('sends a request again after a retryable status, waiting delay(n) before retry n', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--#', undefined, status(503));
      const second = cold('--#', undefined, status(502));
      const third = cold('--a|', { a: response(200) });
      const policy = readRetry('test', 'retry', { limit: 3, delay: (n: number) => n * 10 });
      // Each try fails at its frame 2; 10 frames, then 20, before the next.
      expectObservable(withRetry(attempts(first, second, third), policy, false)).toBe('36ms r|', { r: response(200) });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('12ms ^-!');
      expectSubscriptions(third.subscriptions).toBe('34ms ^--!');
    });
  });

  it('gives back the response of the last status when the limit is reached, or raises it under raiseForStatus', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const busy = cold('-#', undefined, status(503));
      const policy = readRetry('test', 'retry', { limit: 2, delay: () => 1 });
      // Tries at frames 0, 2 and 4, each failing one frame later: the third is the answer.
      expectObservable(withRetry(attempts(busy), policy, false)).toBe('-----(a|)', { a: response(503) });
      expectObservable(withRetry(attempts(busy), policy, true)).toBe('-----#', undefined, status(503));
    });
  });

  it('raises the last failure once the limit is reached: a NetworkError, a timeout', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const policy = readRetry('test', 'retry', { limit: 1, delay: () => 1 });
      const timeout = new TimeoutError();
      expectObservable(withRetry(attempts(cold('-#', undefined, networkError)), policy, false)).toBe('---#', undefined, networkError);
      expectObservable(withRetry(attempts(cold('-#', undefined, timeout)), policy, false)).toBe('---#', undefined, timeout);
    });
  });

  it('raises at once a status it does not retry, and any other error', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const policy = readRetry('test', 'retry', 3);
      const syntax = new SyntaxError('bad JSON');
      const notFound = cold('-#', undefined, status(404));
      expectObservable(withRetry(attempts(notFound), policy, true)).toBe('-#', undefined, status(404));
      expectObservable(withRetry(attempts(cold('-#', undefined, syntax)), policy, false)).toBe('-#', undefined, syntax);
      expectSubscriptions(notFound.subscriptions).toBe('^!');
    });
  });

  it('sends nothing more, and leaves no timer, when unsubscribed during a wait', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const busy = cold('-#', undefined, status(503));
      expectObservable(withRetry(attempts(busy), readRetry('test', 'retry', { limit: 3, delay: () => 1000 }), false), '^----!').toBe('-');
      flush();
      expectSubscriptions(busy.subscriptions).toBe('^!');
      // Had the timer of the wait been left, the clock would have gone on to frame 1001.
      expect(scheduler.frame).toBe(5);
    });
  });

  it('fails the request with a TypeError when delay(n) returns something that is not a wait', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const busy = cold('-#', undefined, status(503));
      const policy = readRetry('test', 'retry', { delay: () => NaN });
      expectObservable(withRetry(attempts(busy), policy, false)).toBe(
        '-#',
        undefined,
        new RangeError('retry: delay(1) must be a non-negative number of milliseconds, got NaN'),
      );
      const wrong = readRetry('test', 'retry', { delay: (() => '5') as never });
      expectObservable(withRetry(attempts(busy), wrong, false)).toBe(
        '-#',
        undefined,
        new TypeError('retry: delay(1) must be a non-negative number of milliseconds, got "5"'),
      );
    });
  });
});

describe('retryFor', () => {
  it('retries a request whose method the policy lists, unless its limit is 0 or its body a stream', () => {
    const policy = readRetry('test', 'retry', 2);
    expect(retryFor(policy, 'GET', undefined)).toBe(policy);
    expect(retryFor(policy, 'PUT', { a: 1 })).toBe(policy);
    expect(retryFor(policy, 'PUT', 'text')).toBe(policy);
    expect(retryFor(policy, 'POST', { a: 1 })).toBeUndefined();
    expect(retryFor(policy, 'PATCH', undefined)).toBeUndefined();
    expect(retryFor(readRetry('test', 'retry', 0), 'GET', undefined)).toBeUndefined();
    expect(retryFor(policy, 'PUT', Readable.from(['a']))).toBeUndefined();
  });
});

describe('retryAfter', () => {
  it('reads delay-seconds and HTTP-dates, and nothing else', () => {
    expect(retryAfter('120')).toBe(120_000);
    expect(retryAfter(' 0 ')).toBe(0);
    expect(retryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
    expect(retryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter('Someday')).toBeUndefined();
    expect(retryAfter('-5')).toBeUndefined();
    expect(retryAfter('1.5')).toBeUndefined();
    expect(retryAfter(undefined)).toBeUndefined();
  });
});

describe('readRetry', () => {
  it('fills in the defaults: 2 retries of the idempotent methods after 408, 413, 429 and 5xx but 501, within 30 s', () => {
    const policy = readRetry('test', 'retry', {});
    expect({ ...policy, delay: undefined }).toEqual({
      limit: 2,
      methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'],
      statusCodes: [408, 413, 429, 500, 502, 503, 504],
      delay: undefined,
      maxDelay: 30_000,
    });
    expect(readRetry('test', 'retry', 5)).toMatchObject({ limit: 5, methods: policy.methods, maxDelay: 30_000 });
    expect(readRetry('test', 'retry', { methods: ['post', 'Get'], statusCodes: [404], limit: 0, maxDelay: Infinity })).toMatchObject({
      limit: 0,
      methods: ['POST', 'GET'],
      statusCodes: [404],
      maxDelay: Infinity,
    });
  });

  it('waits 300 ms × 2^(n-1) with full jitter by default: from 0 to just under that', () => {
    const { delay } = readRetry('test', 'retry', 5);
    const random = jest.spyOn(Math, 'random');
    try {
      random.mockReturnValue(0);
      expect([1, 2, 3].map(delay)).toEqual([0, 0, 0]);
      random.mockReturnValue(0.5);
      expect([1, 2, 3].map(delay)).toEqual([150, 300, 600]);
      random.mockReturnValue(1 - 2 ** -53);
      for (const n of [1, 2, 3, 4, 5]) {
        expect(delay(n)).toBeLessThan(300 * 2 ** (n - 1));
        expect(delay(n)).toBeGreaterThan(300 * 2 ** (n - 1) - 1e-9);
      }
    } finally {
      random.mockRestore();
    }
    for (let k = 0; k < 100; k++) {
      const ms = delay(3);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(1200);
    }
  });

  it.each([
    ['wrong type', 'x', TypeError, 'session.get: config.retry must be a retry limit or an object, got "x"'],
    ['an array', [1], TypeError, 'session.get: config.retry must be a retry limit or an object, got an array of length 1'],
    ['negative', -1, RangeError, 'session.get: config.retry must be a non-negative integer, got -1'],
    ['not an integer', 1.5, RangeError, 'session.get: config.retry must be a non-negative integer, got 1.5'],
    [
      'unknown key',
      { tries: 2 },
      TypeError,
      'session.get: config.retry.tries is not a known option (expected one of limit, methods, statusCodes, delay, maxDelay), got 2',
    ],
    ['bad limit', { limit: Infinity }, RangeError, 'session.get: config.retry.limit must be a non-negative integer, got Infinity'],
    [
      'bad method',
      { methods: ['FETCH'] },
      RangeError,
      'session.get: config.retry.methods[0] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), got "FETCH"',
    ],
    [
      'method not a string',
      { methods: ['GET', 1] },
      TypeError,
      'session.get: config.retry.methods[1] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), got 1',
    ],
    ['methods not an array', { methods: 'GET' }, TypeError, 'session.get: config.retry.methods must be an array of HTTP methods, got "GET"'],
    ['status out of range', { statusCodes: [200] }, RangeError, 'session.get: config.retry.statusCodes[0] must be a status code from 400 to 599, got 200'],
    [
      'status not an integer',
      { statusCodes: [503.5] },
      RangeError,
      'session.get: config.retry.statusCodes[0] must be a status code from 400 to 599, got 503.5',
    ],
    ['status not a number', { statusCodes: ['503'] }, TypeError, 'session.get: config.retry.statusCodes[0] must be a status code from 400 to 599, got "503"'],
    ['statusCodes not an array', { statusCodes: 503 }, TypeError, 'session.get: config.retry.statusCodes must be an array of status codes, got 503'],
    ['bad delay', { delay: 5 }, TypeError, 'session.get: config.retry.delay must be a function, got 5'],
    ['bad maxDelay', { maxDelay: -1 }, RangeError, 'session.get: config.retry.maxDelay must be a non-negative number of milliseconds, got -1'],
  ])('refuses %s at once', (_kind, value, error, message) => {
    expect(() => readRetry('session.get', 'config.retry', value)).toThrow(error);
    expect(() => readRetry('session.get', 'config.retry', value)).toThrow(message);
  });
});

/**
 * Retries in a session, in virtual time: a fake transport whose attempt n answers with
 * the n-th cold Observable (the last one again after that); their subscription logs say
 * when each attempt was sent and ended. A frame is 1 ms.
 */
describe('session retries (virtual time)', () => {
  const busy = (headers?: Record<string, string>): FakeResponse => ({ status: 503, ...(headers === undefined ? {} : { headers }) });

  it('sends a request again after a retryable status, delay(n) after the end of attempt n', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--a|', { a: busy() });
      const second = cold('--a|', { a: { status: 502 } });
      const third = cold('--a|', { a: {} });
      const session = sessionOver([first, second, third], { retry: { limit: 3, delay: (n) => n * 10 } });
      expectObservable(session.get('/x')).toBe('36ms r|', { r: response(200) });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('12ms ^-!');
      expectSubscriptions(third.subscriptions).toBe('34ms ^--!');
    });
  });

  it('waits 300 ms × 2^(n-1) by default, scaled by Math.random() (full jitter)', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.75);
    try {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const failing = cold<FakeResponse>('-#', undefined, new Error('ECONNRESET'));
        const ok = cold('-a|', { a: {} });
        const session = sessionOver([failing, failing, ok], { retry: 2 });
        // Attempt 1 fails at 1, waits 225 (0.75 of 300); attempt 2 fails at 227, waits 450.
        expectObservable(session.get('/x')).toBe('678ms r|', { r: response(200) });
        expectSubscriptions(failing.subscriptions).toBe(['^!', '226ms ^!']);
        expectSubscriptions(ok.subscriptions).toBe('677ms ^-!');
      });
      expect(random).toHaveBeenCalledTimes(2);
    } finally {
      random.mockRestore();
    }
  });

  it('honours Retry-After in seconds on a 503 and as a date on a 429, over delay(n)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unavailable = cold('a|', { a: busy({ 'Retry-After': '2' }) });
      // An HTTP-date 5 s after the clock's start: virtual time starts at 0.
      const limited = cold('a|', { a: { status: 429, headers: { 'retry-after': new Date(5000).toUTCString() } } });
      const ok = cold('a|', { a: {} });
      const session = sessionOver([unavailable, limited, ok], { retry: { limit: 2, delay: () => 1 } });
      expectObservable(session.get('/x')).toBe('5000ms r|', { r: response(200) });
      expectSubscriptions(unavailable.subscriptions).toBe('(^!)');
      expectSubscriptions(limited.subscriptions).toBe('2000ms (^!)');
      expectSubscriptions(ok.subscriptions).toBe('5000ms ^!');
    });
  });

  it('caps every wait at maxDelay, Retry-After included, and ignores Retry-After on other statuses', () => {
    testScheduler().run(({ cold, expectSubscriptions, flush }) => {
      const unavailable = cold('a|', { a: busy({ 'retry-after': '3600' }) });
      const broken = cold('a|', { a: { status: 500, headers: { 'retry-after': '3600' } } });
      const ok = cold('a|', { a: {} });
      sessionOver([unavailable, broken, ok], { retry: { limit: 2, delay: () => 7, maxDelay: 100 } })
        .get('/x')
        .subscribe();
      flush();
      expectSubscriptions(broken.subscriptions).toBe('100ms (^!)');
      expectSubscriptions(ok.subscriptions).toBe('107ms ^!');
    });
  });

  it('sends at most limit retries, then returns the last response (raiseForStatus off) or fails with its HttpStatusError (on)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unavailable = cold('-a|', { a: busy() });
      const retry: RetryOptions = { limit: 2, delay: () => 3 };
      expectObservable(sessionOver([unavailable], { retry }).get('/x')).toBe('9ms (r|)', { r: response(503) });
      expectSubscriptions(unavailable.subscriptions).toBe(['^!', '4ms ^!', '8ms ^!']);
      const raising = cold('-a|', { a: busy() });
      expectObservable(sessionOver([raising], { retry, raiseForStatus: true }).get('/x')).toBe('9ms #', undefined, new HttpStatusError('GET', response(503)));
      expectSubscriptions(raising.subscriptions).toBe(['^!', '4ms ^!', '8ms ^!']);
    });
  });

  it('retries a status in statusCodes only, and the idempotent methods only unless methods says otherwise', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const notFound = cold('-a|', { a: { status: 404 } });
      const unavailable = cold('-a|', { a: busy() });
      const retry: RetryOptions = { limit: 1, delay: () => 1 };
      expectObservable(sessionOver([notFound], { retry }).get('/x')).toBe('-r|', { r: response(404) });
      expectObservable(sessionOver([notFound], { retry: { ...retry, statusCodes: [404] } }).get('/x')).toBe('---(r|)', { r: response(404) });
      expectSubscriptions(notFound.subscriptions).toBe(['^-!', '^!', '2ms ^!']);
      const post = sessionOver([unavailable], { retry }).post('/x', { a: 1 });
      const patch = sessionOver([unavailable], { retry: { ...retry, methods: ['patch'] } }).patch('/x', { a: 1 });
      expectObservable(post).toBe('-r|', { r: response(503) });
      expectObservable(patch).toBe('---(r|)', { r: response(503) });
      for (const [name, method] of [
        ['put', 'PUT'],
        ['delete', 'DELETE'],
        ['head', 'HEAD'],
        ['options', 'OPTIONS'],
      ] as const) {
        const reply = cold('-a|', { a: busy() });
        const request = name === 'put' ? sessionOver([reply], { retry }).put('/x', 'a') : sessionOver([reply], { retry })[name]('/x');
        expectObservable(request).toBe('---(r|)', { r: response(503) });
        expectSubscriptions(reply.subscriptions).toBe(['^!', '2ms ^!']);
        expect(method).toBe(name.toUpperCase());
      }
    });
  });

  it("takes a request's retry over the session's, and retry: 0 sends it once", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unavailable = cold('-a|', { a: busy() });
      const session = sessionOver([unavailable], { retry: { limit: 5, delay: () => 100 } });
      expectObservable(session.get('/x', { retry: 0 })).toBe('-r|', { r: response(503) });
      expectObservable(session.get('/x', { retry: { limit: 1, delay: () => 2 } })).toBe('----(r|)', { r: response(503) });
      expectObservable(sessionOver([unavailable]).text('/x', { retry: { limit: 1, delay: () => 2 } })).toBe('----(t|)', { t: '' });
      expectSubscriptions(unavailable.subscriptions).toBe(['^-!', '^!', '^!', '3ms ^!', '3ms ^!']);
    });
  });

  it('retries a NetworkError and a timeout of the request, each attempt with its own timeout', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const reset = cold<FakeResponse>('--#', undefined, new Error('ECONNRESET'));
      const hanging = cold('-----a|', { a: {} });
      const ok = cold('a|', { a: {} });
      // Attempt 1 resets at 2; attempt 2 (at 3) is cut by its own timeout at 7; attempt 3 at 8.
      const session = sessionOver([reset, hanging, ok], { retry: { limit: 2, delay: () => 1 }, timeout: 4 });
      expectObservable(session.get('/x')).toBe('8ms r|', { r: response(200) });
      expectSubscriptions(reset.subscriptions).toBe('^-!');
      expectSubscriptions(hanging.subscriptions).toBe('3ms ^---!');
      expectSubscriptions(ok.subscriptions).toBe('8ms ^!');
    });
  });

  it("retries a readTimeout's TimeoutError, and raises the last timeout once the limit is reached", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const silent = cold<FakeResponse>('--#', undefined, readTimeoutError('GET', URL_X, 2));
      const session = sessionOver([silent], { retry: { limit: 1, delay: () => 1 }, readTimeout: 2 });
      expectObservable(session.get('/x')).toBe('5ms #', undefined, readTimeoutError('GET', URL_X, 2));
      expectSubscriptions(silent.subscriptions).toBe(['^-!', '3ms ^-!']);
      const hanging = cold('-----a|', { a: {} });
      const deadline = Object.assign(new TimeoutError(), { message: `GET ${URL_X} timed out after 2 ms` });
      expectObservable(sessionOver([hanging], { retry: { limit: 1, delay: () => 1 }, timeout: 2 }).get('/x')).toBe('5ms #', undefined, deadline);
    });
  });

  it('never retries a CancelledError, a ResponseTooLargeError, a SessionClosedError or a body that is not JSON', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const retry: RetryOptions = { limit: 3, delay: () => 1 };
      const tooLarge = new ResponseTooLargeError('GET', URL_X, 10);
      const large = cold<FakeResponse>('-#', undefined, tooLarge);
      expectObservable(sessionOver([large], { retry }).get('/x')).toBe('-#', undefined, tooLarge);
      expectSubscriptions(large.subscriptions).toBe('^!');
      const cancelled = new CancelledError('gone');
      expectObservable(sessionOver([cold<FakeResponse>('-#', undefined, cancelled)], { retry }).get('/x')).toBe('-#', undefined, cancelled);
      const notJson = cold('-a|', { a: { data: 'not json' } });
      expectObservable(sessionOver([notJson], { retry }).json('/x')).toBe(
        '-#',
        undefined,
        new SyntaxError(`GET ${URL_X}: the body is not valid JSON: Unexpected token 'o', "not json" is not valid JSON`),
      );
      const closed = sessionOver([cold('-a|', { a: busy() })], { retry });
      void closed.close();
      expectObservable(closed.get('/x')).toBe('#', undefined, new SessionClosedError('GET', URL_X));
    });
  });

  it('sends a stream body once: it cannot be read again', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unavailable = cold('-a|', { a: busy() });
      const session = sessionOver([unavailable], { retry: { limit: 2, delay: () => 1 } });
      expectObservable(session.put('/x', Readable.from(['chunk']))).toBe('-r|', { r: response(503) });
      expectSubscriptions(unavailable.subscriptions).toBe('^-!');
    });
  });

  it('ends the request with CancelledError at once when the session closes during a wait, leaving no timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const unavailable = cold('-a|', { a: busy() });
      const session = sessionOver([unavailable], { retry: { limit: 2, delay: () => 1000 } });
      cold('---c|').subscribe(() => void session.close());
      expectObservable(session.get('/x')).toBe('---#', undefined, new CancelledError(`GET ${URL_X} was cancelled: the session was closed`));
      flush();
      expectSubscriptions(unavailable.subscriptions).toBe('^!');
      // The wait's timer (due at 1001) is gone: the clock stopped at the last event, the close's completion.
      expect(scheduler.frame).toBe(4);
    });
  });

  it('ends the request with CancelledError when its signal aborts during a wait, and unsubscribing during a wait clears its timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const unavailable = cold('-a|', { a: busy() });
      const session = sessionOver([unavailable], { retry: { limit: 2, delay: () => 1000 } });
      const controller = new AbortController();
      cold('--a|').subscribe(() => controller.abort());
      expectObservable(session.get('/x', { signal: controller.signal })).toBe(
        '--#',
        undefined,
        new CancelledError(`GET ${URL_X} was cancelled: its signal was aborted`),
      );
      expectObservable(session.get('/x'), '^----!').toBe('-');
      flush();
      expectSubscriptions(unavailable.subscriptions).toBe(['^!', '^!']);
      expect(scheduler.frame).toBe(5);
    });
  });

  it('holds no semaphore permit during a wait: another request runs meanwhile, and each attempt takes a permit of its own', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(1);
      const unavailable = cold('--a|', { a: busy() });
      const ok = cold('--a|', { a: {} });
      const other = cold('----b|', { b: {} });
      const retrying = sessionOver([unavailable, ok], { semaphore, retry: { limit: 1, delay: () => 10 } });
      const plainSession = sessionOver([other], { semaphore });
      // A fails at 2 and waits until 12; B, queued on the permit since 1, runs from 2 to 7.
      expectObservable(retrying.get('/x')).toBe('14ms r|', { r: response(200) });
      expectObservable(plainSession.get('/x'), '-^').toBe('------r|', { r: response(200) });
      expectSubscriptions(unavailable.subscriptions).toBe('^-!');
      expectSubscriptions(other.subscriptions).toBe('--^----!');
      expectSubscriptions(ok.subscriptions).toBe('12ms ^--!');
    });
  });

  it('waits for a permit of its own when the semaphore is taken at the end of a wait', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const semaphore = new Semaphore(1);
      const unavailable = cold('-a|', { a: busy() });
      const ok = cold('a|', { a: {} });
      const long = cold('----------b|', { b: {} });
      const retrying = sessionOver([unavailable, ok], { semaphore, retry: { limit: 1, delay: () => 2 } });
      // A fails at 1; B takes the permit at 2 and holds it until 13; A's retry, due at 3, starts at 13.
      expectObservable(retrying.get('/x')).toBe('13ms r|', { r: response(200) });
      expectObservable(sessionOver([long], { semaphore }).get('/x'), '--^').toBe('12ms r|', { r: response(200) });
      expectSubscriptions(long.subscriptions).toBe('--^----------!');
      expectSubscriptions(ok.subscriptions).toBe('13ms ^!');
    });
  });

  it('takes a start of the rate limiter for each attempt', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // One start per 20 ms: the retry, due at 3, waits for the window to open at 20.
      const rateLimiter = new RateLimiter({ count: 1, interval: 20 });
      const unavailable = cold('-a|', { a: busy() });
      const ok = cold('a|', { a: {} });
      const session = sessionOver([unavailable, ok], { rateLimiter, retry: { limit: 1, delay: () => 2 } });
      expectObservable(session.get('/x')).toBe('20ms r|', { r: response(200) });
      expectSubscriptions(unavailable.subscriptions).toBe('^!');
      expectSubscriptions(ok.subscriptions).toBe('20ms ^!');
    });
  });
});

/**
 * A tiny server counting the requests of each path: `/flaky/:n` answers the first n
 * 503 with `Retry-After: 0`, then 200 with the count; `/down` always 503, without
 * `Retry-After`; `/busy-then-hang` answers 503 once, then never (`hung` resolves with
 * the socket of the request left hanging).
 */
class CountingServer {
  readonly counts = new Map<string, number>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly seen: (() => void)[] = [];
  private hang: ((socket: Socket) => void) | undefined;
  /** The socket of the request `/busy-then-hang` leaves unanswered. */
  readonly hung = new Promise<Socket>((resolve) => (this.hang = resolve));
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const { pathname } = new URL(req.url ?? '/', 'http://x');
      const n = (this.counts.get(pathname) ?? 0) + 1;
      this.counts.set(pathname, n);
      for (const check of [...this.seen]) check();
      const [, route, param] = pathname.split('/');
      if (route === 'flaky' && n <= Number(param)) return unavailable(res);
      if (route === 'flaky') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempts: n }));
      if (route === 'down') return void res.writeHead(503).end();
      if (n === 1) return unavailable(res);
      // Never answered: the socket stays open until the client aborts.
      this.hang?.(req.socket);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `path` has had `n` requests: checked on each request, no timer. */
  requests(path: string, n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if ((this.counts.get(path) ?? 0) < n) return;
        this.seen.splice(this.seen.indexOf(check), 1);
        resolve();
      };
      this.seen.push(check);
      check();
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function unavailable(res: ServerResponse): void {
  res.writeHead(503, { 'retry-after': '0', 'content-type': 'text/plain' });
  res.end('busy');
}

describe.each(TRANSPORTS)('session retries against a real server, on %s', (_name, makeTransport) => {
  // Declared before useHttpbin's hooks, so that the server is closed before their leak check.
  let server: CountingServer;
  beforeEach(async () => {
    server = new CountingServer();
    await server.start();
  });
  afterEach(() => server.close());
  const t = useHttpbin(makeTransport);

  it('sends a GET again after 503 with Retry-After: 0, twice, then gets the 200', async () => {
    const session = t.session({ baseURL: server.url, retry: 2 });
    const res = await firstValueFrom(session.get<{ attempts: number }>('/flaky/2'));
    expect([res.status, res.data]).toEqual([200, { attempts: 3 }]);
    expect(server.counts.get('/flaky/2')).toBe(3);
  });

  it('returns the last 503 once the limit is reached, or fails with it under raiseForStatus; a POST is sent once', async () => {
    const session = t.session({ baseURL: server.url, retry: 1 });
    expect((await firstValueFrom(session.get('/flaky/5'))).status).toBe(503);
    expect(server.counts.get('/flaky/5')).toBe(2);
    const err = await failure(session.get('/flaky/5', { raiseForStatus: true }));
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(503);
    expect(server.counts.get('/flaky/5')).toBe(4);
    expect((await firstValueFrom(session.post('/flaky/9', { a: 1 }))).status).toBe(503);
    expect(server.counts.get('/flaky/9')).toBe(1);
  });

  it('aborts the retry in flight when unsubscribed: the server sees its socket close', async () => {
    const session = t.session({ baseURL: server.url, retry: 1 });
    const subscription = session.get('/busy-then-hang').subscribe({ error: () => undefined });
    const socket = await server.hung;
    expect(server.counts.get('/busy-then-hang')).toBe(2);
    subscription.unsubscribe();
    await new Promise((resolve) => (socket.destroyed ? resolve(undefined) : socket.once('close', resolve)));
  });

  it('retries a request that times out on httpbin, each attempt cut by its own timeout, and closes their sockets', async () => {
    const session = t.session({ timeout: 100, retry: { limit: 1, delay: () => 0 } });
    const result = await outcome(session.get('/hang'));
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect(t.httpbin.requests).toBe(2);
    await t.httpbin.waitForOpenConnections(0);
  });

  it('sends a request that fails with a NetworkError again: a refused connection', async () => {
    const delay = jest.fn(() => 0);
    const session = t.session({ baseURL: server.url, retry: { limit: 2, delay } });
    await server.close();
    const err = await failure(session.get('/flaky/0'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/flaky\/0 failed: .*ECONNREFUSED/);
    // Refused three times: two waits, then the third NetworkError raised.
    expect(delay.mock.calls).toEqual([[1], [2]]);
  });

  it('fails with CancelledError at once when the session closes while a retry waits', async () => {
    let waiting!: () => void;
    const waits = new Promise<void>((resolve) => (waiting = resolve));
    const delay = (): number => {
      waiting();
      return 60_000;
    };
    const session = t.session({ baseURL: server.url, retry: { limit: 1, delay } });
    const result = outcome(session.get('/down'));
    // The 503 is back; the retry waits a minute, which close() cuts short.
    await waits;
    await session.close();
    expect((await result).error).toBeInstanceOf(CancelledError);
    expect(server.counts.get('/down')).toBe(1);
  });

  it('runs a fan-out of retried requests over a few sockets, and leaves nothing behind', async () => {
    const session = t.session({ baseURL: server.url, retry: 2, maxSockets: 3 });
    const statuses = Array.from({ length: 9 }, (_, i) => lastValueFrom(session.status(`/flaky/${i % 3}?k=${i}`)));
    expect(await Promise.all(statuses)).toEqual(Array(9).fill(200));
  });
});
