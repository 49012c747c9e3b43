import { TimeoutError, defer } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { HttpStatusError, NetworkError } from '../../lib/http';
import { readRetry, retryAfter, withRetry } from '../../lib/http/retry';
import type { HttpMethod, HttpResponse } from '../../lib/http';

/**
 * Retries in virtual time: each attempt below is a cold Observable of its own, and its
 * subscription log says when the request was sent again. A frame is 1 ms.
 */
describe('withRetry', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const response = (status: number, headers: Record<string, string> = {}): HttpResponse => ({
    url: 'http://127.0.0.1/x',
    status,
    statusText: '',
    headers,
    data: status,
  });
  const networkError = new NetworkError('GET', 'http://127.0.0.1/x', new Error('ECONNRESET'));

  /** One attempt after another, each a cold Observable subscribed once per try. */
  function attempts(...tries: Observable<unknown>[]): Observable<HttpResponse> {
    let n = 0;
    return defer(() => tries[Math.min(n++, tries.length - 1)]! as Observable<HttpResponse>);
  }

  it('sends a request again after a retryable status, waiting delay(n) before retry n', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--a|', { a: response(503) });
      const second = cold('--a|', { a: response(502) });
      const third = cold('--a|', { a: response(200) });
      const policy = readRetry('test', 'retry', { limit: 3, delay: (n: number) => n * 10 });
      // Each try fails at its frame 2; 10 frames, then 20, before the next.
      expectObservable(withRetry(attempts(first, second, third), policy, 'GET')).toBe('36ms r|', { r: response(200) });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('12ms ^-!');
      expectSubscriptions(third.subscriptions).toBe('34ms ^--!');
    });
  });

  it('waits 300 ms × 2^(n-1) with full jitter by default', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      testScheduler.run(({ cold, expectSubscriptions, flush }) => {
        const failing = cold<HttpResponse>('#', undefined, networkError);
        const ok = cold('a|', { a: response(200) });
        withRetry(attempts(failing, failing, ok), readRetry('test', 'retry', 2), 'GET').subscribe();
        flush();
        // Half of 300 ms, then half of 600 ms after that.
        expectSubscriptions(failing.subscriptions).toBe(['(^!)', '150ms (^!)']);
        expectSubscriptions(ok.subscriptions).toBe('450ms ^!');
      });
    } finally {
      random.mockRestore();
    }
  });

  it('keeps every default wait between 0 and its cap', () => {
    const policy = readRetry('test', 'retry', 5);
    for (let n = 1; n <= 5; n++) {
      for (let k = 0; k < 100; k++) {
        const ms = policy.delay(n);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(300 * 2 ** (n - 1));
      }
    }
  });

  it('honours Retry-After in seconds on a 503, and as a date on a 429', () => {
    testScheduler.run(({ cold, expectSubscriptions, flush }) => {
      const busy = cold('a|', { a: response(503, { 'retry-after': '2' }) });
      const limited = cold('a|', { a: response(429, { 'retry-after': new Date(5000).toUTCString() }) });
      const ok = cold('a|', { a: response(200) });
      const policy = readRetry('test', 'retry', { limit: 2, delay: () => 1 });
      withRetry(attempts(busy, limited, ok), policy, 'GET').subscribe();
      flush();
      expectSubscriptions(busy.subscriptions).toBe('(^!)');
      // Sent again 2 s after the 503; the 429 says "at 5 s".
      expectSubscriptions(limited.subscriptions).toBe('2000ms (^!)');
      expectSubscriptions(ok.subscriptions).toBe('5000ms ^!');
    });
  });

  it('caps Retry-After at maxDelay, and ignores it on statuses other than 413, 429 and 503', () => {
    testScheduler.run(({ cold, expectSubscriptions, flush }) => {
      const busy = cold('a|', { a: response(503, { 'retry-after': '3600' }) });
      const broken = cold('a|', { a: response(500, { 'retry-after': '3600' }) });
      const ok = cold('a|', { a: response(200) });
      withRetry(attempts(busy, broken, ok), readRetry('test', 'retry', { limit: 2, delay: () => 7, maxDelay: 100 }), 'GET').subscribe();
      flush();
      expectSubscriptions(broken.subscriptions).toBe('100ms (^!)');
      expectSubscriptions(ok.subscriptions).toBe('107ms ^!');
    });
  });

  it('returns the last response when its status was the reason and the limit is reached', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const busy = cold('-a|', { a: response(503) });
      // Tries at frames 0, 2 and 4, each answering 503 one frame later: the third is returned.
      expectObservable(withRetry(attempts(busy), readRetry('test', 'retry', { limit: 2, delay: () => 1 }), 'GET')).toBe('-----(a|)', { a: response(503) });
    });
  });

  it('raises the last failure once the limit is reached: a NetworkError, a timeout, an HttpStatusError', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const policy = readRetry('test', 'retry', { limit: 1, delay: () => 1 });
      const timeout = new TimeoutError();
      const status = new HttpStatusError('GET', response(502));
      expectObservable(withRetry(attempts(cold('-#', undefined, networkError)), policy, 'GET')).toBe('---#', undefined, networkError);
      expectObservable(withRetry(attempts(cold('-#', undefined, timeout)), policy, 'GET')).toBe('---#', undefined, timeout);
      expectObservable(withRetry(attempts(cold('-#', undefined, status)), policy, 'GET')).toBe('---#', undefined, status);
    });
  });

  it('does not retry a status, or an error, that is not retryable', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const policy = readRetry('test', 'retry', 3);
      const notFound = cold('-a|', { a: response(404) });
      const syntax = new SyntaxError('bad JSON');
      const badJson = cold<HttpResponse>('-#', undefined, syntax);
      const status = new HttpStatusError('GET', response(404));
      expectObservable(withRetry(attempts(notFound), policy, 'GET')).toBe('-a|', { a: response(404) });
      expectObservable(withRetry(attempts(badJson), policy, 'GET')).toBe('-#', undefined, syntax);
      expectObservable(withRetry(attempts(cold('-#', undefined, status)), policy, 'GET')).toBe('-#', undefined, status);
      expectSubscriptions(notFound.subscriptions).toBe('^-!');
    });
  });

  it.each<HttpMethod>(['POST', 'PATCH'])('does not retry a %s unless asked', (method) => {
    testScheduler.run(({ cold, expectObservable }) => {
      const busy = cold('-a|', { a: response(503) });
      expectObservable(withRetry(attempts(busy), readRetry('test', 'retry', 3), method)).toBe('-a|', { a: response(503) });
      expectObservable(withRetry(attempts(busy), readRetry('test', 'retry', { methods: ['post', 'patch'], delay: () => 1 }), method)).toBe('-----(a|)', {
        a: response(503),
      });
    });
  });

  it('sends nothing more, and leaves no timer, when unsubscribed during a wait', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const busy = cold('-a|', { a: response(503) });
      expectObservable(withRetry(attempts(busy), readRetry('test', 'retry', { limit: 3, delay: () => 10 }), 'GET'), '^----!').toBe('-');
      expectSubscriptions(busy.subscriptions).toBe('^!');
    });
    expect(testScheduler.actions.length).toBe(0);
  });

  it('fails the request with a TypeError when delay(n) returns something that is not a wait', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const busy = cold('-a|', { a: response(503) });
      const policy = readRetry('test', 'retry', { delay: () => NaN });
      expectObservable(withRetry(attempts(busy), policy, 'GET')).toBe(
        '-#',
        undefined,
        new TypeError('retry: delay(1) must return a non-negative number of milliseconds, got NaN'),
      );
    });
  });
});

describe('retryAfter', () => {
  it('reads delay-seconds and HTTP-dates, and nothing else', () => {
    expect(retryAfter('120')).toBe(120_000);
    expect(retryAfter(' 0 ')).toBe(0);
    expect(retryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(55_000);
    expect(retryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter('-5')).toBeUndefined();
    expect(retryAfter(undefined)).toBeUndefined();
  });
});

describe('readRetry', () => {
  it.each([
    ['wrong type', 'x', TypeError, 'session.get: config.retry must be a retry limit or an object, got "x"'],
    ['negative', -1, RangeError, 'session.get: config.retry must be a non-negative integer, got -1'],
    [
      'unknown key',
      { tries: 2 },
      TypeError,
      'session.get: config.retry.tries is not a known option (expected one of limit, methods, statusCodes, delay, maxDelay), got 2',
    ],
    ['bad limit', { limit: 1.5 }, RangeError, 'session.get: config.retry.limit must be a non-negative integer, got 1.5'],
    [
      'bad method',
      { methods: ['FETCH'] },
      RangeError,
      'session.get: config.retry.methods[0] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
    ],
    [
      'methods not an array',
      { methods: 'GET' },
      TypeError,
      'session.get: config.retry.methods must be an array of HTTP methods (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS), got "GET"',
    ],
    ['bad status', { statusCodes: [99] }, RangeError, 'session.get: config.retry.statusCodes[0] must be a status code from 100 to 599, got 99'],
    ['bad delay', { delay: 5 }, TypeError, 'session.get: config.retry.delay must be a function, got 5'],
    ['bad maxDelay', { maxDelay: -1 }, RangeError, 'session.get: config.retry.maxDelay must be a non-negative number of milliseconds, got -1'],
  ])('refuses %s at once', (_kind, value, error, message) => {
    expect(() => readRetry('session.get', 'config.retry', value)).toThrow(error);
    expect(() => readRetry('session.get', 'config.retry', value)).toThrow(message);
  });
});
