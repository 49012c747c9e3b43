import { firstValueFrom, lastValueFrom } from 'rxjs';
import { HttpStatusError, NetworkError } from '../../lib/http';
import { failure, outcome, TRANSPORTS, useHttpbin } from './helpers';

interface Echo {
  args: Record<string, string | string[]>;
  headers: Record<string, string>;
  url: string;
  method?: string;
  data?: string;
  json?: unknown;
}

describe.each(TRANSPORTS)('createSession on %s', (_transport, makeTransport) => {
  const t = useHttpbin(makeTransport);

  describe('requests', () => {
    it('emits one response with url, status, statusText, lower-case headers and parsed data, then completes', async () => {
      const result = await outcome(t.session().get<Echo>('/get?x=1'));
      expect(result.completed).toBe(true);
      expect(result.values).toHaveLength(1);
      const res = result.values[0]!;
      expect(Object.keys(res).sort()).toEqual(['data', 'headers', 'status', 'statusText', 'url']);
      expect(res.url).toBe(`${t.httpbin.url}/get?x=1`);
      expect(res.status).toBe(200);
      expect(res.statusText).toBe('OK');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.data.args).toEqual({ x: '1' });
    });

    it('is cold: nothing is sent before subscription, and each subscription sends one request', async () => {
      const request = t.session().get('/get');
      expect(t.httpbin.requests).toBe(0);
      await firstValueFrom(request);
      await firstValueFrom(request);
      expect(t.httpbin.requests).toBe(2);
    });

    it('appends params to the URL, repeating array values and keeping the URL query', async () => {
      const res = await firstValueFrom(t.session().get<Echo>('/get?a=0', { params: { a: [1, 2], b: true, skip: undefined, none: null } }));
      expect(res.url).toBe(`${t.httpbin.url}/get?a=0&a=1&a=2&b=true`);
      expect(res.data.args).toEqual({ a: ['0', '1', '2'], b: 'true' });
      const viaSearch = await firstValueFrom(t.session().get<Echo>('/get', { params: new URLSearchParams({ q: 'a b' }) }));
      expect(viaSearch.data.args).toEqual({ q: 'a b' });
    });

    it("appends params after the URL's own query as it is written (a signed query keeps its bytes)", async () => {
      const written = '/get?flag&q=a%20b&s=a/b&t=~x&sig=abc%3D%3D';
      const res = await firstValueFrom(t.session().get<Echo>(written, { params: { z: 'y z' } }));
      expect(res.url).toBe(`${t.httpbin.url}${written}&z=y+z`);
      const none = await firstValueFrom(t.session().get<Echo>(written, { params: {} }));
      expect(none.url).toBe(`${t.httpbin.url}${written}`);
    });

    it.each([
      ['/api', '/get', '/api/get'],
      ['/api/', 'get', '/api/get'],
      ['/api//', '//get', '/api/get'],
      ['', '', '/'],
    ])('joins baseURL %p and url %p as axios does', async (basePath, url, expected) => {
      const session = t.session({ baseURL: `${t.httpbin.url}${basePath}` });
      expect((await firstValueFrom(session.get(url))).url).toBe(`${t.httpbin.url}${expected}`);
    });

    it('ignores baseURL for an absolute URL, and takes URL objects', async () => {
      const session = t.session({ baseURL: 'http://unused.invalid/' });
      expect((await firstValueFrom(session.get(`${t.httpbin.url}/get`))).status).toBe(200);
      expect((await firstValueFrom(session.get(new URL(`${t.httpbin.url}/get`)))).status).toBe(200);
    });

    it("sends the session's headers, with a request's own headers winning whatever their case", async () => {
      const session = t.session({ headers: { 'X-Team': 'core', 'X-Trace': 'session', Accept: 'text/plain' } });
      const res = await firstValueFrom(session.get<Echo>('/get', { headers: { 'x-trace': 'request', 'X-Num': 7, 'X-Gone': undefined } }));
      expect(res.data.headers).toMatchObject({ 'X-Team': 'core', 'X-Trace': 'request', 'X-Num': '7', Accept: 'text/plain' });
      expect(res.data.headers['X-Gone']).toBeUndefined();
    });

    it.each([
      ['post', 'POST'],
      ['put', 'PUT'],
      ['patch', 'PATCH'],
    ] as const)('%s sends its data as JSON', async (name, method) => {
      const res = await firstValueFrom(t.session()[name]<Echo>('/anything', { n: 1, list: [true] }));
      expect(res.data.method).toBe(method);
      expect(res.data.json).toEqual({ n: 1, list: [true] });
      expect(res.data.headers['Content-Type']).toMatch(/^application\/json/);
    });

    it('post sends a string body as it is', async () => {
      const res = await firstValueFrom(t.session().post<Echo>('/anything', 'plain words', { headers: { 'content-type': 'text/plain' } }));
      expect(res.data.data).toBe('plain words');
    });

    it('delete sends DELETE, with a body from config.data', async () => {
      const res = await firstValueFrom(t.session().delete<Echo>('/anything', { data: { id: 3 } }));
      expect(res.data.method).toBe('DELETE');
      expect(res.data.json).toEqual({ id: 3 });
    });

    it('request takes the method in any case and the url from its config', async () => {
      const res = await firstValueFrom(t.session().request<Echo>({ method: 'patch', url: '/anything', data: [1], params: { p: 1 } }));
      expect(res.data.method).toBe('PATCH');
      expect(res.data.json).toEqual([1]);
      expect(res.data.args).toEqual({ p: '1' });
      const head = await firstValueFrom(t.session().request({ method: 'HEAD', url: '/get' }));
      expect(head.status).toBe(200);
      expect(head.data).toBe('');
      expect((await firstValueFrom(t.session().request<Echo>({ url: '/anything' }))).data.method).toBe('GET');
    });

    it('never mutates the config it is given', async () => {
      const config = deepFreeze({ params: { a: [1, 2] }, headers: { 'X-A': 'b' }, timeout: 5000, data: { nested: { n: 1 } } });
      const copy = JSON.stringify(config);
      await firstValueFrom(t.session({ headers: { 'X-Session': 's' } }).post('/anything', undefined, config));
      await firstValueFrom(t.session().request(deepFreeze({ method: 'PUT', url: '/anything', ...config })));
      expect(JSON.stringify(config)).toBe(copy);
    });
  });

  describe('head and options', () => {
    it('head emits the status and headers with an empty body, on one kept-alive connection', async () => {
      const session = t.session();
      for (let i = 0; i < 5; i++) {
        const res = await firstValueFrom(session.head('/get'));
        expect([res.status, res.headers['content-type'], res.data]).toEqual([200, 'application/json', '']);
      }
      expect(t.httpbin.requests).toBe(5);
      expect(t.httpbin.connections).toBe(1);
    });

    it('options emits the Allow header the server answers with', async () => {
      const res = await firstValueFrom(t.session().options('/get'));
      expect(res.status).toBe(200);
      expect(res.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS']);
    });
  });

  describe('response types', () => {
    it('parses a JSON body by default, and gives any other body as its text', async () => {
      const session = t.session();
      expect((await firstValueFrom(session.get('/json'))).data).toMatchObject({ slideshow: { title: 'Sample Slide Show' } });
      expect((await firstValueFrom(session.get('/nope'))).data).toBe('Not Found\n');
      expect((await firstValueFrom(session.get('/status/204'))).data).toBe('');
    });

    it("gives the body as a string with responseType 'text'", async () => {
      const res = await firstValueFrom(t.session().get<string>('/json', { responseType: 'text' }));
      expect(typeof res.data).toBe('string');
      expect(JSON.parse(res.data)).toMatchObject({ slideshow: {} });
    });

    it("gives the raw bytes as a Buffer with responseType 'arraybuffer'", async () => {
      const res = await firstValueFrom(t.session().get<Buffer>('/bytes/300', { responseType: 'arraybuffer' }));
      expect(Buffer.isBuffer(res.data)).toBe(true);
      expect(res.data.length).toBe(300);
    });
  });

  describe('shortcuts', () => {
    it('text emits the body as a string', async () => {
      expect(await lastValueFrom(t.session().text('/nope'))).toBe('Not Found\n');
    });

    it('json emits the parsed body, and null for an empty one', async () => {
      const session = t.session();
      expect(await lastValueFrom(session.json<{ slideshow: { title: string } }>('/json'))).toMatchObject({ slideshow: { title: 'Sample Slide Show' } });
      expect(await lastValueFrom(session.json('/status/200'))).toBeNull();
    });

    it('json fails with a SyntaxError naming the request when the body is not JSON', async () => {
      const err = await failure(t.session().json('/nope'));
      expect(err).toBeInstanceOf(SyntaxError);
      expect(err.message).toMatch(new RegExp(`^GET ${t.httpbin.url}/nope: the body is not valid JSON: `));
      expect(err.cause).toBeInstanceOf(SyntaxError);
    });

    it('bytes emits the body as a Uint8Array, byte for byte (no text decoding)', async () => {
      const session = t.session();
      const bytes = await lastValueFrom(session.bytes('/bytes/256?seed=7'));
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes).toHaveLength(256);
      // The same bytes as the response's own data read as bytes; not one is replaced by U+FFFD.
      const res = await firstValueFrom(session.get<Uint8Array>('/bytes/256?seed=7', { responseType: 'arraybuffer' }));
      expect(Buffer.from(bytes).equals(Buffer.from(res.data))).toBe(true);
      expect(bytes.some((byte) => byte >= 0x80)).toBe(true);
    });

    it('status emits the status code, whatever it is', async () => {
      const session = t.session();
      expect(await lastValueFrom(session.status('/status/201'))).toBe(201);
      expect(await lastValueFrom(session.status('/status/503'))).toBe(503);
    });

    it('take params and headers', async () => {
      const body = await lastValueFrom(t.session().json<Echo>('/get', { params: { q: 1 }, headers: { 'x-a': 'b' } }));
      expect(body.args).toEqual({ q: '1' });
      expect(body.headers['X-A']).toBe('b');
    });
  });

  describe('status policy', () => {
    it.each([201, 302, 400, 404, 500, 503])('succeeds with any status by default (%i)', async (code) => {
      const res = await firstValueFrom(t.session({ maxRedirects: 0 }).get(`/status/${code}`));
      expect(res.status).toBe(code);
    });

    it.each([
      [400, 'Bad Request'],
      [404, 'Not Found'],
      [500, 'Internal Server Error'],
    ])('fails %i with HttpStatusError under raiseForStatus', async (code, reason) => {
      const err = await failure(t.session({ raiseForStatus: true }).post(`/status/${code}`, { a: 1 }));
      expect(err).toBeInstanceOf(HttpStatusError);
      expect(err.message).toBe(`POST ${t.httpbin.url}/status/${code} failed with ${code} ${reason}`);
      expect(err).toMatchObject({ status: code, method: 'POST', url: `${t.httpbin.url}/status/${code}` });
      expect(err.response).toMatchObject({ status: code, statusText: reason, url: err.url });
    });

    it('lets a status below 400 through under raiseForStatus, a 3xx included', async () => {
      const session = t.session({ raiseForStatus: true, maxRedirects: 0 });
      const res = await firstValueFrom(session.get('/status/302'));
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/get');
      expect(await lastValueFrom(session.status('/status/204'))).toBe(204);
    });

    it('takes raiseForStatus per request, both ways', async () => {
      expect(await failure(t.session().get('/status/404', { raiseForStatus: true }))).toBeInstanceOf(HttpStatusError);
      expect((await firstValueFrom(t.session({ raiseForStatus: true }).get('/status/404', { raiseForStatus: false }))).status).toBe(404);
    });

    it('applies raiseForStatus to the shortcuts', async () => {
      expect(await failure(t.session({ raiseForStatus: true }).status('/status/500'))).toBeInstanceOf(HttpStatusError);
    });

    it('follows redirects by default, and gives the final URL', async () => {
      const session = t.session();
      const res = await firstValueFrom(session.get<Echo>('/redirect/3'));
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${t.httpbin.url}/get`);
      expect(await lastValueFrom(session.json<Echo>('/redirect/1'))).toMatchObject({ url: `${t.httpbin.url}/get` });
      expect((await firstValueFrom(session.get('/status/302', { maxRedirects: 0 }))).status).toBe(302);
    });

    it('fails an 11th redirect with the one NetworkError of every transport (aiohttp: TooManyRedirects)', async () => {
      const err = await failure(t.session().get('/redirect/11'));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toBe(`GET ${t.httpbin.url}/redirect/11 failed: Maximum number of redirects exceeded (maxRedirects: 10) (ERR_TOO_MANY_REDIRECTS)`);
      expect(err.cause).toMatchObject({ code: 'ERR_TOO_MANY_REDIRECTS', message: 'Maximum number of redirects exceeded (maxRedirects: 10)' });
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
