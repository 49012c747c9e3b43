import { firstValueFrom } from 'rxjs';
import { createSession } from '../../lib/http';
import { TRANSPORTS, useHostile } from './helpers';
import { echo, response } from './server';

/**
 * Issue 13, item 2: request smuggling. A caller's `content-length: 4` over a longer body
 * was sent as it was (axios transport), and a server read the rest as a second request.
 * The framing headers are the transport's: setting one is a TypeError at call time.
 */

const FRAMING = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer'];
const EXPECTED = 'left to the transport (content-length, transfer-encoding, connection, keep-alive, upgrade, te, trailer frame the message)';

interface Echo {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe.each(TRANSPORTS)('request framing on %s', (_name, make) => {
  const h = useHostile(make);

  it.each(FRAMING)('refuses a caller’s %s header at call time, in any case, from a request or a session', (name) => {
    const session = h.session({ baseURL: 'http://127.0.0.1:9/' });
    const upper = name.toUpperCase();
    expect(() => session.post('/x', 'GET /admin HTTP/1.1', { headers: { [name]: '4' } })).toThrow(
      new TypeError(`session.post: config.headers["${name}"] must be ${EXPECTED}, got "4"`),
    );
    expect(() => session.get('/x', { headers: { [upper]: 'close' } })).toThrow(
      new TypeError(`session.get: config.headers["${upper}"] must be ${EXPECTED}, got "close"`),
    );
    expect(() => createSession({ headers: { [name]: 1 } })).toThrow(new TypeError(`createSession: options.headers["${name}"] must be ${EXPECTED}, got 1`));
  });

  it('gives the next request its own response after a HEAD answered with a body (a response smuggled behind it)', async () => {
    // The connection is kept after a HEAD (as node:http does); bytes a server sends after
    // the HEAD's headers are never taken for the next request's answer.
    const smuggled = response(200, { 'Content-Type': 'text/plain' }, 'SMUGGLED');
    const server = await h.server({
      '/head': (req, wire) => {
        if (req.method === 'HEAD') wire.write(Buffer.concat([response(200, { 'Content-Length': 5 }), Buffer.from('hello'), smuggled]));
        else wire.write(response(200, { 'Content-Type': 'text/plain' }, 'real'));
        wire.next();
      },
    });
    const session = h.session({ baseURL: server.url });
    expect((await firstValueFrom(session.head('/head'))).status).toBe(200);
    const next = await firstValueFrom(session.get<string>('/head', { responseType: 'text' })).then(
      (res) => res.data,
      (err: unknown) => err,
    );
    if (typeof next === 'string') expect(next).toBe('real');
    else expect(next).toBeInstanceOf(Error);
  });

  // RFC 9110 lets a 304 declare the length its body would have had; undici's parser checks it anyway.
  it.each([
    [304, { ETag: '"v1"', 'Content-Length': 11 }],
    [204, { 'Content-Length': 3 }],
  ])('takes a %i that declares a Content-Length as the empty answer it is', async (status, headers) => {
    const server = await h.server({
      '/cached': (_req, wire) => {
        wire.write(response(status, headers));
        wire.next();
      },
      '/next': (_req, wire) => {
        wire.write(response(200, { 'Content-Type': 'text/plain' }, 'next'));
        wire.next();
      },
    });
    const session = h.session({ baseURL: server.url });
    const res = await firstValueFrom(session.get<string>('/cached', { responseType: 'text' }));
    expect({ status: res.status, data: res.data }).toEqual({ status, data: '' });
    expect((await firstValueFrom(session.get<string>('/next', { responseType: 'text' }))).data).toBe('next');
  });

  it('frames a body itself: the server reads one request with the whole body, never a second one', async () => {
    const server = await h.server({ '/*': echo });
    const smuggled = 'abcdGET /admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const res = await firstValueFrom(h.session({ baseURL: server.url }).post<Echo>('/upload', smuggled));
    expect(res.data.body).toBe(smuggled);
    expect(res.data.headers['content-length']).toBe(String(smuggled.length));
    expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /upload']);
  });

  it('leaves framing headers of a response alone (they are the server’s)', async () => {
    const server = await h.server({ '/*': echo });
    const res = await firstValueFrom(h.session({ baseURL: server.url }).get('/x'));
    expect(res.headers['content-length']).toMatch(/^\d+$/);
  });
});
