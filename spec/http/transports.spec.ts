import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { firstValueFrom, lastValueFrom, of } from 'rxjs';
import { NetworkError, axiosTransport, createSession, undiciTransport } from '../../lib/http';
import type { ClientSession, PoolTransport, Transport } from '../../lib/http';
import { fakeTransport } from '../../lib/testing';
import { ResourceTracker } from '../testing/resources';
import { failure, outcome, TRANSPORTS, useHttpbin } from './helpers';

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A server for what httpbin lacks: redirect chains, compressed bodies, repeated
 * headers, and an echo of the raw request. Two of them give two origins.
 *
 * - `/chain/:n`: 302 to `/chain/n-1`; `/chain/0` echoes;
 * - `/to/:status?url=...`: that status with `Location: url`;
 * - `/coded/:encoding`: `{"coded":true}` compressed with gzip, deflate, raw deflate or br;
 * - `/cookies`: two `set-cookie` headers (one with an `Expires`, which has a comma), and `x-many` twice;
 * - anything else: the request echoed as JSON `{ method, url, headers, body }`.
 */
async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, route, param] = url.pathname.split('/');
      if (route === 'chain' && param !== '0') {
        res.writeHead(302, { location: `/chain/${Number(param) - 1}`, 'content-length': 0 }).end();
        return;
      }
      if (route === 'to') {
        res.writeHead(Number(param), { location: url.searchParams.get('url') ?? '/', 'content-length': 0 }).end();
        return;
      }
      if (route === 'coded') {
        const plain = Buffer.from('{"coded":true}');
        const coded = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, 'raw-deflate': zlib.deflateRawSync, br: zlib.brotliCompressSync }[param as 'gzip'](
          plain,
        );
        const encoding = param === 'raw-deflate' ? 'deflate' : param!;
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': coded.length }).end(coded);
        return;
      }
      if (route === 'cookies') {
        res
          .writeHead(200, [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2; Expires=Wed, 21 Oct 2099 07:28:00 GMT'],
            ['x-many', 'one'],
            ['x-many', 'two'],
            ['content-length', '0'],
          ] as never)
          .end();
        return;
      }
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe.each(TRANSPORTS)('transport %s', (_name, makeTransport) => {
  const resources = new ResourceTracker();
  let a: { url: string; close(): Promise<void> };
  let b: { url: string; close(): Promise<void> };
  const sessions: ClientSession[] = [];
  const session = (options?: Parameters<typeof createSession>[0]): ClientSession => {
    const transport = makeTransport?.(undefined);
    const made = createSession({ baseURL: a.url, ...(transport ? { transport } : {}), ...options });
    sessions.push(made);
    return made;
  };

  beforeEach(async () => {
    resources.start();
    [a, b] = await Promise.all([startEchoServer(), startEchoServer()]);
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all([a.close(), b.close()]);
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  describe('redirects', () => {
    it('follows a chain of redirects up to maxRedirects, and gives the final URL', async () => {
      const res = await firstValueFrom(session().get<Echo>('/chain/3', { maxRedirects: 3 }));
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${a.url}/chain/0`);
      expect(res.data.url).toBe('/chain/0');
    });

    // WHATWG fetch's rule: a Location without a fragment keeps the request's; one with its own wins.
    it("keeps the request's fragment across redirects whose Location has none, and sends no fragment", async () => {
      const res = await firstValueFrom(session().get<Echo>('/chain/2#part'));
      expect(res.url).toBe(`${a.url}/chain/0#part`);
      expect(res.data.url).toBe('/chain/0');
      const own = await firstValueFrom(session().get<Echo>(`/to/302?url=${encodeURIComponent('/chain/0#theirs')}#mine`));
      expect(own.url).toBe(`${a.url}/chain/0#theirs`);
    });

    it('fails with a NetworkError past maxRedirects', async () => {
      const err = await failure(session().get('/chain/3', { maxRedirects: 2 }));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/redirects exceeded/i);
    });

    it('turns a POST into a GET without body on 302 and 303, and keeps both on 307 and 308', async () => {
      for (const status of [302, 303]) {
        const res = await firstValueFrom(session().post<Echo>(`/to/${status}?url=/echo`, { a: 1 }, { maxRedirects: 1 }));
        expect(res.data).toMatchObject({ method: 'GET', url: '/echo', body: '' });
        expect(res.data.headers['content-type']).toBeUndefined();
      }
      for (const status of [307, 308]) {
        const res = await firstValueFrom(session().post<Echo>(`/to/${status}?url=/echo`, { a: 1 }, { maxRedirects: 1 }));
        expect(res.data).toMatchObject({ method: 'POST', url: '/echo', body: '{"a":1}' });
      }
    });

    it('drops credentials when the redirect leaves the origin, and keeps them within it', async () => {
      const headers = { authorization: 'Bearer t', cookie: 'c=1', 'x-kept': 'yes' };
      const same = await firstValueFrom(session().get<Echo>(`/to/302?url=${encodeURIComponent(`${a.url}/echo`)}`, { headers, maxRedirects: 1 }));
      expect(same.data.headers).toMatchObject(headers);
      const other = await firstValueFrom(session().get<Echo>(`/to/302?url=${encodeURIComponent(`${b.url}/echo`)}`, { headers, maxRedirects: 1 }));
      expect(other.url).toBe(`${b.url}/echo`);
      expect(other.data.headers['x-kept']).toBe('yes');
      expect(other.data.headers.authorization).toBeUndefined();
      expect(other.data.headers.cookie).toBeUndefined();
    });

    it('follows 10 redirects by default, and fails on the 11th', async () => {
      const res = await firstValueFrom(session().get<Echo>('/chain/10'));
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${a.url}/chain/0`);
      const err = await failure(session().get('/chain/11'));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.cause.code).toBe('ERR_TOO_MANY_REDIRECTS');
    });

    it("takes the session's maxRedirects, and a request's over it", async () => {
      const s = session({ maxRedirects: 1 });
      expect((await firstValueFrom(s.get('/chain/1'))).status).toBe(200);
      expect((await failure(s.get('/chain/2'))).cause.code).toBe('ERR_TOO_MANY_REDIRECTS');
      expect((await firstValueFrom(s.get('/chain/2', { maxRedirects: 2 }))).status).toBe(200);
    });

    it('returns the 3xx itself with maxRedirects 0, on the session or the request', async () => {
      for (const res of [
        await firstValueFrom(session({ maxRedirects: 0 }).get('/chain/1')),
        await firstValueFrom(session().get('/chain/1', { maxRedirects: 0 })),
      ]) {
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe('/chain/0');
      }
    });
  });

  describe('bodies', () => {
    it.each(['gzip', 'deflate', 'raw-deflate', 'br'])('decodes a %s body and drops content-encoding', async (encoding) => {
      const res = await firstValueFrom(session().get(`/coded/${encoding}`));
      expect(res.data).toEqual({ coded: true });
      expect(res.headers['content-encoding']).toBeUndefined();
      const text = await lastValueFrom(session().text(`/coded/${encoding}`));
      expect(text).toBe('{"coded":true}');
    });

    it('sends bodies as axios does: JSON, forms, strings and bytes with their content type', async () => {
      const s = session();
      const sent = async (data: unknown, headers?: Record<string, string>): Promise<Pick<Echo, 'body'> & { type: string | undefined }> => {
        const res = await firstValueFrom(s.post<Echo>('/echo', data, headers ? { headers } : undefined));
        return { body: res.data.body, type: res.data.headers['content-type'] };
      };
      expect(await sent({ a: [1] })).toEqual({ body: '{"a":[1]}', type: 'application/json' });
      expect(await sent([1, 2])).toEqual({ body: '[1,2]', type: 'application/json' });
      expect(await sent(new URLSearchParams({ q: 'a b' }))).toEqual({ body: 'q=a+b', type: 'application/x-www-form-urlencoded;charset=utf-8' });
      expect(await sent('plain')).toEqual({ body: 'plain', type: 'application/x-www-form-urlencoded' });
      expect(await sent('plain', { 'content-type': 'text/plain' })).toEqual({ body: 'plain', type: 'text/plain' });
      expect(await sent(Buffer.from('bytes'))).toEqual({ body: 'bytes', type: 'application/x-www-form-urlencoded' });
      expect(await sent(new TextEncoder().encode('typed'))).toMatchObject({ body: 'typed' });
    });

    it.each(['POST', 'PUT', 'PATCH'] as const)('sends a %s without body with no content type, as aiohttp (axios would add a form one)', async (method) => {
      const res = await firstValueFrom(session().request<Echo>({ method, url: '/echo' }));
      expect(res.data).toMatchObject({ method, body: '' });
      expect(res.data.headers['content-type']).toBeUndefined();
      const nothing = await firstValueFrom(session().request<Echo>({ method, url: '/echo', data: null }));
      expect(nothing.data.headers['content-type']).toBeUndefined();
    });

    it('sends the default accept header, and a HEAD gets an empty body', async () => {
      const s = session();
      const res = await firstValueFrom(s.get<Echo>('/echo'));
      expect(res.data.headers.accept).toBe('application/json, text/plain, */*');
      expect(res.data.headers['accept-encoding']).toMatch(/gzip/);
      const head = await firstValueFrom(s.request({ method: 'HEAD', url: '/echo' }));
      expect(head.status).toBe(200);
      expect(head.data).toBe('');
    });

    it("joins repeated response headers with a comma, set-cookie's with a newline (so they split back as sent)", async () => {
      const res = await firstValueFrom(session().get('/cookies'));
      expect(res.headers['x-many']).toBe('one, two');
      expect(res.headers['set-cookie']!.split('\n')).toEqual(['a=1', 'b=2; Expires=Wed, 21 Oct 2099 07:28:00 GMT']);
    });

    it('sends a FormData as multipart/form-data with its boundary, files with their names and types', async () => {
      const form = new FormData();
      form.append('name', 'value');
      form.append('file', new Blob(['content'], { type: 'text/plain' }), 'a.txt');
      const res = await firstValueFrom(session().post<Echo>('/echo', form));
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(res.data.headers['content-type'] ?? '')?.[1];
      expect(boundary).toBeDefined();
      // The parts between the boundaries, each its headers and its content.
      const parts = res.data.body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((part) => part.replace(/^\r\n|\r\n$/g, '').split('\r\n\r\n'));
      expect(parts.map(([head, content]) => [head!.toLowerCase().replace(/\r\n/g, '; '), content])).toEqual([
        ['content-disposition: form-data; name="name"', 'value'],
        ['content-disposition: form-data; name="file"; filename="a.txt"; content-type: text/plain', 'content'],
      ]);
      expect(res.data.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    });

    it('sends a Blob as its bytes, with its type', async () => {
      const res = await firstValueFrom(session().post<Echo>('/echo', new Blob(['blob body'], { type: 'text/csv' })));
      expect(res.data.body).toBe('blob body');
      expect(res.data.headers['content-type']).toBe('text/csv');
    });

    it('ignores the proxy environment variables, as aiohttp does unless trust_env', async () => {
      // A proxy that would answer every request: none reaches it.
      let proxied = 0;
      const proxy = createServer((_req, res) => {
        proxied++;
        res.writeHead(502, { 'content-length': 0 }).end();
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY };
      Object.assign(process.env, { HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, NO_PROXY: '' });
      try {
        const res = await firstValueFrom(session().get<Echo>('/echo'));
        expect(res.status).toBe(200);
        expect(res.data.url).toBe('/echo');
        expect(proxied).toBe(0);
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
    });

    // The session refuses such a body at call time; a transport called without that check
    // (a wrapper that changes the request) still fails cleanly.
    it('fails a body it cannot send with a NetworkError, sending nothing', async () => {
      const transport = (makeTransport?.(undefined) ?? axiosTransport()) as PoolTransport;
      const s = createSession({ baseURL: a.url, transport: (request) => transport({ ...request, data: 42 }) });
      sessions.push(s);
      const err = await failure(s.post('/echo', 'fine'));
      expect(err).toBeInstanceOf(NetworkError);
      await transport.close();
    });
  });
});

describe.each([
  ['axiosTransport', axiosTransport],
  ['undiciTransport', undiciTransport],
] as const)('%s', (name, make) => {
  const t = useHttpbin();

  it.each([
    [42, TypeError, `${name}: options must be an object, got 42`],
    [{ maxSocket: 1 }, TypeError, `${name}: options.maxSocket is not a known option (expected one of maxSockets), got 1`],
    [{ maxSockets: 0 }, RangeError, `${name}: options.maxSockets must be a positive integer or Infinity, got 0`],
    [{ maxSockets: '2' }, TypeError, `${name}: options.maxSockets must be a positive integer or Infinity, got "2"`],
  ])('throws at once for %p', (options, kind, message) => {
    expect(() => make(options as never)).toThrow(kind);
    expect(() => make(options as never)).toThrow(message);
  });

  it('keeps at most maxSockets requests in flight', async () => {
    const session = t.session({ transport: make({ maxSockets: 2 }) });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => lastValueFrom(session.status('/delay/0.02'))));
    expect(statuses).toEqual(Array(8).fill(200));
    expect(t.httpbin.maxActiveRequests).toBe(2);
    expect(t.httpbin.connections).toBe(2);
  });

  it('is closed by the session it was given to, which waits for its sockets', async () => {
    const transport: PoolTransport = make();
    const close = jest.spyOn(transport, 'close');
    const session = createSession(t.options({ transport }));
    await firstValueFrom(session.get('/get'));
    expect(t.httpbin.openConnections).toBe(1);
    await session.close();
    expect(close).toHaveBeenCalledTimes(1);
    await t.httpbin.waitForOpenConnections(0);
    // Used again (by a session that shares it without owning it): a NetworkError, nothing sent.
    const err = await failure(createSession(t.options({ transport: (request) => transport(request) })).get('/get'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.cause.code).toBe('ERR_TRANSPORT_CLOSED');
    expect(t.httpbin.requests).toBe(1);
  });

  it('can be shared by sessions through wrappers without close(), and closed by its owner', async () => {
    const shared = make({ maxSockets: 1 });
    const wrap: Transport = (request) => shared(request);
    const one = createSession(t.options({ transport: wrap }));
    const two = createSession(t.options({ transport: wrap }));
    await firstValueFrom(one.get('/get'));
    await one.close();
    expect((await firstValueFrom(two.get('/get'))).status).toBe(200);
    expect(t.httpbin.connections).toBe(1);
    await two.close();
    expect(t.httpbin.openConnections).toBe(1);
    await shared.close();
    await t.httpbin.waitForOpenConnections(0);
  });

  it('fails requests still waiting for a slot when it is closed, and returns the same promise', async () => {
    const transport = make({ maxSockets: 1 });
    const wrap: Transport = (request) => transport(request);
    const session = t.session({ transport: wrap });
    const running = outcome(session.get('/hang'));
    const waiting = outcome(session.get('/get'));
    await t.httpbin.waitForRequests(1);
    const closed = transport.close();
    expect(transport.close()).toBe(closed);
    await closed;
    expect((await running).error).toBeInstanceOf(NetworkError);
    const err = (await waiting).error as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect((err.cause as { code?: string }).code).toBe('ERR_TRANSPORT_CLOSED');
    expect(t.httpbin.requests).toBe(1);
  });
});

describe('a session on a transport without close()', () => {
  it('closes without touching it, and keeps working as before', async () => {
    const transport = fakeTransport(() => of({ status: 204 }));
    const session = createSession({ transport });
    expect((await firstValueFrom(session.get('http://127.0.0.1/x'))).status).toBe(204);
    await session.close();
    expect(transport.requests).toHaveLength(1);
  });
});
