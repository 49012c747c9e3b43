// The modules the browser build puts in place of Node-only ones (lib/**/*.browser.ts, see
// tsup.config.ts), run here in Node: what they do is plain JavaScript and fetch.
import { STATUS_CODES, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TimeoutError, firstValueFrom, of } from 'rxjs';
import { gather } from '../../lib';
import { createSession } from '../../lib/http';
import { axiosTransport, createAxiosTransport } from '../../lib/http/axiosTransport.browser';
import { EMPTY, concatBytes, decodeBytes } from '../../lib/http/bytes.browser';
import { createDecoder } from '../../lib/http/decode.browser';
import { statusText } from '../../lib/http/statusText.browser';
import { undiciTransport } from '../../lib/http/undiciTransport.browser';
import { startHttpbin as startHttpbinInBrowser } from '../../lib/testing/httpbin.browser';
import { fakeTransport } from '../../lib/testing';
import { captureContext as captureContextInBrowser, runInContext as runInContextInBrowser } from '../../lib/internal/context.browser';
import { ResponseTooLargeError } from '../../lib/http';
import { failure, useHttpbin } from './helpers';

// Jest's CommonJS runtime has no dynamic import(): axios is required instead (the browser
// bundle's import() is what `npm run check:package` loads in Chromium).
jest.mock('../../lib/http/loadAxios', () => ({ loadAxios: () => Promise.resolve(jest.requireActual<{ default: unknown }>('axios').default) }));
// The browser's session keeps no jar: the browser's own applies (tsup maps the module so).
jest.mock('../../lib/http/cookieJar', () => jest.requireActual<object>('../../lib/http/cookieJar.browser'));

describe('the browser build', () => {
  describe('bytes', () => {
    it('joins chunks into a Uint8Array, not a Buffer, and decodes UTF-8', () => {
      const joined = concatBytes([new Uint8Array([0xe2, 0x82]), new Uint8Array([0xac, 0x21])], 4);
      expect(Buffer.isBuffer(joined)).toBe(false);
      expect(Array.from(joined)).toEqual([0xe2, 0x82, 0xac, 0x21]);
      expect(decodeBytes(joined, undefined)).toBe('€!');
      expect(EMPTY.length).toBe(0);
    });

    it("decodes with TextDecoder: a charset's label, a byte order mark of it dropped, an unknown label a RangeError", () => {
      expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]), undefined)).toBe('hi');
      expect(decodeBytes(new Uint8Array([0xd6, 0xd0, 0xce, 0xc4]), 'GBK')).toBe('中文');
      expect(decodeBytes(new Uint8Array([0xff, 0xfe, 0x68, 0x00]), 'utf-16le')).toBe('h');
      // Node's own RangeError, not the one of jest's sandbox: told by its name.
      expect(() => decodeBytes(new Uint8Array([0x68]), 'x-nope')).toThrow(expect.objectContaining({ name: 'RangeError' }));
    });
  });

  it('has the reason phrase Node has for each status it knows', () => {
    for (let status = 100; status < 600; status++) {
      const phrase = statusText(status);
      if (phrase !== '') expect([status, phrase]).toEqual([status, STATUS_CODES[status]]);
    }
    expect(statusText(404)).toBe('Not Found');
    expect(statusText(299)).toBe('');
  });

  it('fails a decoder clearly: the browser decodes bodies itself', () => {
    expect(() => createDecoder(['gzip'], { decoded() {}, decodeEnded() {}, decodeFailed() {} })).toThrow('decoding a gzip body needs Node.js (node:zlib)');
  });

  it('keeps undiciTransport, which checks its options, then says it needs Node.js', () => {
    expect(() => undiciTransport({ maxSockets: 0 })).toThrow('undiciTransport: options.maxSockets must be a positive integer or Infinity, got 0');
    expect(() => undiciTransport()).toThrow(/^undiciTransport needs Node\.js .*in a browser, use the default transport/);
  });

  it('keeps startHttpbin, whose Promise rejects saying it needs Node.js', async () => {
    await expect(startHttpbinInBrowser()).rejects.toThrow(/^startHttpbin needs Node\.js \(node:http\)/);
  });

  it('keeps no cookie jar of its own, whatever cookies says: the browser keeps them', async () => {
    const transport = fakeTransport((request) => of(request.url.endsWith('/set') ? { headers: { 'set-cookie': 'a=1' } } : {}));
    for (const cookies of [undefined, true, false]) {
      const session = createSession({ transport, ...(cookies === undefined ? {} : { cookies }) });
      await firstValueFrom(session.get('http://127.0.0.1/set'));
      await firstValueFrom(session.get('http://127.0.0.1/next'));
    }
    expect(transport.requests.map((request) => [request.cookies, request.headers.cookie])).toEqual(Array(6).fill([undefined, undefined]));
  });
});

describe('a relative baseURL', () => {
  const page = globalThis as { location?: { origin: string } };
  afterEach(() => {
    delete page.location;
  });

  it("is resolved against the page's origin in a browser", async () => {
    page.location = { origin: 'http://127.0.0.1:4200' };
    const transport = fakeTransport(() => of({ status: 204 }));
    const session = createSession({ baseURL: '/api', transport });
    await firstValueFrom(session.get('/users/1'));
    await firstValueFrom(session.get('items', { params: { q: 'x' } }));
    expect(transport.requests.map((r) => r.url)).toEqual(['http://127.0.0.1:4200/api/users/1', 'http://127.0.0.1:4200/api/items?q=x']);
  });

  it('is refused outside a browser, the message saying where it would work', () => {
    expect(() => createSession({ baseURL: '/api' })).toThrow(
      "createSession: options.baseURL must be an absolute http: or https: URL, or a relative one ('/api') in a browser, resolved against the page's origin, got \"/api\"",
    );
  });
});

describe('the browser axios transport (axios over fetch)', () => {
  const { httpbin, session } = (() => {
    const h = useHttpbin((maxSockets) => createAxiosTransport(maxSockets ?? 100));
    return { httpbin: () => h.httpbin, session: h.session.bind(h) };
  })();

  it('checks its options', () => {
    expect(() => axiosTransport({ maxSockets: -1 })).toThrow('axiosTransport: options.maxSockets must be a positive integer or Infinity, got -1');
  });

  it('sends a request and emits the parsed response, its headers lower-cased', async () => {
    const response = await firstValueFrom(
      session().post<{ json: unknown; headers: Record<string, string> }>('/anything?a=1', { x: [1, 2] }, { headers: { 'X-Id': '7' } }),
    );
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('OK');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.data.json).toEqual({ x: [1, 2] });
    expect(JSON.stringify(response.data.headers)).toMatch(/"x-id":"7"/i);
    expect(response.url).toBe(`${httpbin().url}/anything?a=1`);
  });

  it("gives statusText as fetch does: the server's reason phrase, '' when it sends none (HTTP/2 never does)", async () => {
    const server = createServer((req, res) => res.writeHead(200, req.url === '/custom' ? 'Fine Indeed' : '').end('x'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const s = createSession({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: createAxiosTransport(1) });
      expect((await firstValueFrom(s.get('/none'))).statusText).toBe('');
      expect((await firstValueFrom(s.get('/custom'))).statusText).toBe('Fine Indeed');
      await s.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads the body as bytes (a Uint8Array) or text as responseType says', async () => {
    const bytes = await firstValueFrom(session().get<Uint8Array>('/bytes/1000', { responseType: 'arraybuffer' }));
    expect(bytes.data).toBeInstanceOf(Uint8Array);
    expect(bytes.data.length).toBe(1000);
    const text = await firstValueFrom(session().get<string>('/json', { responseType: 'text' }));
    expect(JSON.parse(text.data)).toHaveProperty('slideshow');
  });

  it('fails with ResponseTooLargeError past maxContentLength', async () => {
    const err = await failure(session({ maxContentLength: 100 }).get('/bytes/5000'));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
  });

  it('holds maxSockets requests in flight at most, and gathers their responses in order', async () => {
    const s = session({ maxSockets: 2 });
    const responses = await firstValueFrom(gather([s.get('/delay/0.05'), s.get('/delay/0.01'), s.get('/delay/0.02')]));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(httpbin().maxActiveRequests).toBe(2);
  });

  it('aborts the request in flight on unsubscribe: the server sees it end', async () => {
    const subscription = session().get('/hang').subscribe();
    await httpbin().waitForRequests(1);
    expect(httpbin().activeRequests).toBe(1);
    subscription.unsubscribe();
    await httpbin().waitForActiveRequests(0);
  });

  it('fails with TimeoutError after readTimeout without data, the request aborted on the server', async () => {
    const err = await failure(session({ readTimeout: 100 }).get('/hang'));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(`GET ${httpbin().url}/hang timed out: no data for 100 ms (readTimeout)`);
    await httpbin().waitForActiveRequests(0);
  });

  it('returns the same promise from close() again, and a closed transport fails a request at once', async () => {
    const transport = createAxiosTransport(1);
    const closing = transport.close();
    expect(transport.close()).toBe(closing);
    await closing;
    expect(await failure(transport({ ...baseRequest, url: `${httpbin().url}/get` }))).toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    expect(httpbin().requests).toBe(0);
  });

  it('fails the requests in flight and refuses new ones once closed', async () => {
    const transport = createAxiosTransport(10);
    const s = createSession({ baseURL: httpbin().url, transport });
    const pending = failure(s.get('/hang'));
    await httpbin().waitForRequests(1);
    await transport.close();
    expect(await pending).toMatchObject({ cause: { code: 'ERR_TRANSPORT_CLOSED' } });
    await httpbin().waitForActiveRequests(0);
    expect(await failure(transport({ ...baseRequest, url: `${httpbin().url}/get` }))).toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    await s.close();
  });
});

const baseRequest = {
  method: 'GET',
  url: '',
  headers: {},
  data: undefined,
  responseType: 'json',
  maxRedirects: 0,
  maxContentLength: Infinity,
  readTimeout: Infinity,
} as const;

describe('async context in the browser build', () => {
  it('captures none (a browser has none), and runs work as it is', () => {
    expect(captureContextInBrowser()).toBeUndefined();
    const target = { calls: 0 };
    expect(
      runInContextInBrowser(
        undefined,
        function (this: typeof target, arg) {
          return this === arg ? ++this.calls : -1;
        },
        target,
      ),
    ).toBe(1);
  });
});
