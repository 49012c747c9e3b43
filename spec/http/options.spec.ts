import { of } from 'rxjs';
import { createSession } from '../../lib/http';
import type { ClientSession } from '../../lib/http';
import { Semaphore } from '../../lib/semaphore';
import { fakeTransport } from '../../lib/testing';

describe('createSession options', () => {
  it.each([
    [42, TypeError, 'createSession: options must be an object, got 42'],
    [
      { timout: 5 },
      TypeError,
      'createSession: options.timout is not a known option (expected one of baseURL, headers, timeout, readTimeout, maxSockets, raiseForStatus, semaphore, rateLimiter, maxRedirects, cookies, auth, maxContentLength, allowAbsoluteUrls, retry, transport), got 5',
    ],
    [{ baseURL: 5 }, TypeError, 'createSession: options.baseURL must be an absolute http: or https: URL, got 5'],
    [
      { baseURL: '/api' },
      TypeError,
      "createSession: options.baseURL must be an absolute http: or https: URL, or a relative one ('/api') in a browser, resolved against the page's origin, got \"/api\"",
    ],
    [{ baseURL: 'ftp://x' }, TypeError, 'createSession: options.baseURL must be an absolute http: or https: URL, got "ftp://x"'],
    [{ headers: 'x' }, TypeError, 'createSession: options.headers must be a plain object of header names to values, got "x"'],
    [{ headers: new Map() }, TypeError, 'createSession: options.headers must be a plain object of header names to values, got an instance of Map'],
    [{ headers: { 'bad name': 'x' } }, TypeError, 'createSession: options.headers has an invalid header name "bad name"'],
    [
      { headers: { 'x-a': 'a\r\nb' } },
      TypeError,
      'createSession: options.headers["x-a"] must be Latin-1 text without control characters (a tab is allowed), got "a\\r\\nb"',
    ],
    [{ headers: { 'x-a': {} } }, TypeError, 'createSession: options.headers["x-a"] must be a string, number, boolean or array of strings, got {}'],
    [{ timeout: '5' }, TypeError, 'createSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got "5"'],
    [{ timeout: 0 }, RangeError, 'createSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got 0'],
    [{ timeout: -1 }, RangeError, 'createSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got -1'],
    [
      { timeout: 2 ** 31 },
      RangeError,
      'createSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got 2147483648',
    ],
    [{ timeout: NaN }, RangeError, 'createSession: options.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got NaN'],
    [{ maxSockets: 0 }, RangeError, 'createSession: options.maxSockets must be a positive integer or Infinity, got 0'],
    [{ maxSockets: 2.5 }, RangeError, 'createSession: options.maxSockets must be a positive integer or Infinity, got 2.5'],
    [{ maxSockets: '3' }, TypeError, 'createSession: options.maxSockets must be a positive integer or Infinity, got "3"'],
    [{ raiseForStatus: 1 }, TypeError, 'createSession: options.raiseForStatus must be a boolean, got 1'],
    [{ semaphore: 2 }, TypeError, 'createSession: options.semaphore must be a Limiter (an object with a run(input) method), got 2'],
    [{ semaphore: {} }, TypeError, 'createSession: options.semaphore must be a Limiter (an object with a run(input) method), got {}'],
    [{ transport: {} }, TypeError, 'createSession: options.transport must be a function, got {}'],
    [{ retry: '3' }, TypeError, 'createSession: options.retry must be a retry limit or an object, got "3"'],
    [{ retry: -1 }, RangeError, 'createSession: options.retry must be a non-negative integer, got -1'],
    [
      { retry: { limit: 2, tries: 3 } },
      TypeError,
      'createSession: options.retry.tries is not a known option (expected one of limit, methods, statusCodes, delay, maxDelay), got 3',
    ],
    [
      { retry: { methods: ['TRACE'] } },
      RangeError,
      'createSession: options.retry.methods[0] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), got "TRACE"',
    ],
    [{ retry: { statusCodes: [302] } }, RangeError, 'createSession: options.retry.statusCodes[0] must be a status code from 400 to 599, got 302'],
    [{ retry: { delay: 100 } }, TypeError, 'createSession: options.retry.delay must be a function, got 100'],
    [{ retry: { maxDelay: NaN } }, RangeError, 'createSession: options.retry.maxDelay must be a non-negative number of milliseconds, got NaN'],
  ])('throws at once for %p', (options, kind, message) => {
    expect(() => createSession(options as never)).toThrow(kind);
    expect(() => createSession(options as never)).toThrow(message);
  });

  it('accepts every option, and undefined for each', async () => {
    const transport = fakeTransport(() => of({}));
    const full = createSession({
      baseURL: new URL('http://127.0.0.1/'),
      headers: { a: 'b', n: 1, t: true, list: ['x', 'y'], gone: undefined },
      timeout: Infinity,
      maxSockets: Infinity,
      raiseForStatus: true,
      semaphore: new Semaphore(1),
      retry: { limit: 3, methods: ['get', 'POST'], statusCodes: [503], delay: (n) => n, maxDelay: 1000 },
      transport,
    });
    expect(full.closed).toBe(false);
    const empty = createSession({
      baseURL: undefined,
      headers: undefined,
      timeout: undefined,
      maxSockets: undefined,
      raiseForStatus: undefined,
      semaphore: undefined,
      retry: undefined,
      transport,
    });
    await Promise.all([full.close(), empty.close(), createSession().close()]);
  });
});

describe('session request arguments', () => {
  const session: ClientSession = createSession({ transport: fakeTransport(() => of({})) });
  afterAll(() => session.close());

  it.each<[string, () => unknown, ErrorConstructor, string]>([
    ['url', () => session.get(42 as never), TypeError, 'session.get: url must be a string or URL, got 42'],
    ['config', () => session.post('/x', 1, 'json' as never), TypeError, 'session.post: config must be a plain object, got "json"'],
    [
      'unknown key',
      () => session.put('/x', 1, { header: {} } as never),
      TypeError,
      'session.put: config.header is not a known option (expected one of params, headers, data, responseType, timeout, readTimeout, raiseForStatus, maxRedirects, maxContentLength, auth, retry, signal, onDownloadProgress), got {}',
    ],
    [
      'retry of a stream',
      () => session.stream('/x', { retry: 1 } as never),
      TypeError,
      'session.stream: config.retry is not a known option (expected one of params, headers, data, timeout, readTimeout, raiseForStatus, maxRedirects, auth, signal, onDownloadProgress), got 1',
    ],
    [
      'maxContentLength of lines',
      () => session.lines('/x', { maxContentLength: 1 } as never),
      TypeError,
      'session.lines: config.maxContentLength is not a known option (expected one of params, headers, data, timeout, readTimeout, raiseForStatus, maxRedirects, auth, signal, onDownloadProgress), got 1',
    ],
    [
      'onDownloadProgress',
      () => session.get('/x', { onDownloadProgress: 1 as never }),
      TypeError,
      'session.get: config.onDownloadProgress must be a function, got 1',
    ],
    [
      'url of sse',
      () => session.sse('http:evil/x'),
      TypeError,
      'session.sse: url must be a relative URL or an absolute one with scheme:// (a host after http: without // is refused), got "http:evil/x"',
    ],
    [
      'params',
      () => session.get('/x', { params: 'a=1' as never }),
      TypeError,
      'session.get: config.params must be a plain object or URLSearchParams, got "a=1"',
    ],
    [
      'param value',
      () => session.get('/x', { params: { a: {} as never } }),
      TypeError,
      'session.get: config.params["a"] must be a string, number, boolean, null, undefined or an array of those, got {}',
    ],
    ['headers', () => session.delete('/x', { headers: { 'x y': '1' } }), TypeError, 'session.delete: config.headers has an invalid header name "x y"'],
    [
      'responseType',
      () => session.get('/x', { responseType: 'blob' as never }),
      RangeError,
      'session.get: config.responseType must be one of auto, json, text, bytes, arraybuffer, got "blob"',
    ],
    [
      'timeout',
      () => session.patch('/x', 1, { timeout: 0 }),
      RangeError,
      'session.patch: config.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got 0',
    ],
    [
      'raiseForStatus',
      () => session.get('/x', { raiseForStatus: 'yes' as never }),
      TypeError,
      'session.get: config.raiseForStatus must be a boolean, got "yes"',
    ],
    ['maxRedirects', () => session.get('/x', { maxRedirects: -1 }), RangeError, 'session.get: config.maxRedirects must be a non-negative integer, got -1'],
    ['signal', () => session.get('/x', { signal: {} as never }), TypeError, 'session.get: config.signal must be an AbortSignal, got {}'],
    ['retry', () => session.get('/x', { retry: true as never }), TypeError, 'session.get: config.retry must be a retry limit or an object, got true'],
    ['retry limit', () => session.put('/x', 1, { retry: { limit: -2 } }), RangeError, 'session.put: config.retry.limit must be a non-negative integer, got -2'],
    [
      'retry methods',
      () => session.request({ url: '/x', retry: { methods: 'GET' as never } }),
      TypeError,
      'session.request: config.retry.methods must be an array of HTTP methods, got "GET"',
    ],
    [
      'shortcut retry',
      () => session.json('/x', { retry: { statusCodes: [600] } }),
      RangeError,
      'session.json: config.retry.statusCodes[0] must be a status code from 400 to 599, got 600',
    ],
    ['request config', () => session.request(undefined as never), TypeError, 'session.request: config must be an object with a url, got undefined'],
    ['request url', () => session.request({} as never), TypeError, 'session.request: config.url must be a string or URL, got undefined'],
    [
      'request method',
      () => session.request({ url: '/x', method: 'FETCH' as never }),
      RangeError,
      'session.request: config.method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), got "FETCH"',
    ],
    [
      'request method type',
      () => session.request({ url: '/x', method: 1 as never }),
      TypeError,
      'session.request: config.method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (any case), got 1',
    ],
    [
      'shortcut responseType',
      () => session.text('/x', { responseType: 'json' } as never),
      TypeError,
      'session.text: config.responseType is not a known option',
    ],
    ['json url', () => session.json(null as never), TypeError, 'session.json: url must be a string or URL, got null'],
    [
      'status config',
      () => session.status('/x', { timeout: -5 }),
      RangeError,
      'session.status: config.timeout must be a positive number of milliseconds (at most 2147483647) or Infinity, got -5',
    ],
  ])('throws at once for a bad %s', (_what, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('fakeTransport arguments', () => {
  it('throws at once for a handler that is not a function', () => {
    expect(() => fakeTransport('nope' as never)).toThrow(new TypeError('fakeTransport: handler must be a function, got "nope"'));
  });
});
