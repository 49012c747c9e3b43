import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { types } from 'node:util';
import { CancelledError, HttpStatusError, NetworkError, SessionClosedError, TimeoutError } from '../../lib/http';
import type { ClientSession } from '../../lib/http';
import { closedPort, failure, outcome, TRANSPORTS, useHttpbin } from './helpers';

describe.each(TRANSPORTS)('createSession errors on %s', (_transport, makeTransport) => {
  const t = useHttpbin(makeTransport);

  const kinds: [string, (s: ClientSession) => Promise<{ err: any; url: string; method: string }>][] = [
    [
      'HttpStatusError for a status >= 400 under raiseForStatus',
      async (s) => ({ err: await failure(s.put('/status/404', {}, { raiseForStatus: true })), url: `${t.httpbin.url}/status/404`, method: 'PUT' }),
    ],
    [
      'NetworkError for a refused connection',
      async (s) => {
        const url = `http://127.0.0.1:${await closedPort()}/get`;
        return { err: await failure(s.get(url)), url, method: 'GET' };
      },
    ],
    ['NetworkError for a reset connection', async (s) => ({ err: await failure(s.delete('/reset')), url: `${t.httpbin.url}/reset`, method: 'DELETE' })],
    ['NetworkError for an unparsable URL', async (s) => ({ err: await failure(s.get('http://')), url: 'http://', method: 'GET' })],
    [
      'NetworkError for a protocol other than http(s)',
      async (s) => ({ err: await failure(s.get('ftp://127.0.0.1/x')), url: 'ftp://127.0.0.1/x', method: 'GET' }),
    ],
    [
      'NetworkError for a host that does not resolve',
      async (s) => ({ err: await failure(s.get('http://no-such-host.invalid/')), url: 'http://no-such-host.invalid/', method: 'GET' }),
    ],
    ['TimeoutError for /hang', async (s) => ({ err: await failure(s.get('/hang', { timeout: 50 })), url: `${t.httpbin.url}/hang`, method: 'GET' })],
    [
      'TimeoutError for /slow-body',
      async (s) => ({ err: await failure(s.get('/slow-body/2', { timeout: 150 })), url: `${t.httpbin.url}/slow-body/2`, method: 'GET' }),
    ],
    [
      'CancelledError for a request in flight on close()',
      async (s) => {
        const pending = outcome(s.patch('/hang', 'x'));
        await t.httpbin.waitForRequests(1);
        await s.close();
        return { err: (await pending).error, url: `${t.httpbin.url}/hang`, method: 'PATCH' };
      },
    ],
    [
      'SessionClosedError for a request after close()',
      async (s) => {
        await s.close();
        return { err: await failure(s.get('/get')), url: `${t.httpbin.url}/get`, method: 'GET' };
      },
    ],
  ];
  const classes = { HttpStatusError, NetworkError, TimeoutError, CancelledError, SessionClosedError };

  it.each(kinds)('fails with %s, its message naming the method and the URL', async (title, run) => {
    const expected = classes[title.split(' ')[0] as keyof typeof classes];
    const { err, url, method } = await run(t.session());
    expect(err).toBeInstanceOf(expected);
    for (const other of Object.values(classes)) if (other !== expected) expect(err).not.toBeInstanceOf(other);
    expect(err.message).toContain(`${method} ${url}`);
    if (!(err instanceof TimeoutError) && !(err instanceof CancelledError)) expect(err).toMatchObject({ method, url });
  });

  it.each([
    ['/reset', 'ECONNRESET'],
    ['refused', 'ECONNREFUSED'],
    ['http://no-such-host.invalid/', 'ENOTFOUND'],
  ])('gives the underlying error of %s as the NetworkError cause', async (path, code) => {
    const url = path === 'refused' ? `http://127.0.0.1:${await closedPort()}/` : path;
    const err = await failure(t.session().get(url));
    expect(err).toBeInstanceOf(NetworkError);
    // An error of Node's realm (undici passes Node's own on) is not one of jest's: ask Node.
    expect(types.isNativeError(err.cause) || err.cause instanceof Error).toBe(true);
    expect(err.cause.code).toBe(code);
    expect(err.message).toContain(code);
  });

  // node:http and undici name these differently ("socket hang up", "other side closed"):
  // the code is the same on both transports.
  it.each([
    ['closes the connection without an answer', (socket: Socket) => socket.end()],
    ['closes the connection in the middle of the body', (socket: Socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')],
  ])('gives ECONNRESET as the cause when the server %s', async (_what, answer) => {
    const server = createServer((socket) => socket.once('data', () => answer(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const err = await failure(t.session().get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.cause.code).toBe('ECONNRESET');
      expect(err.message).toContain('(ECONNRESET)');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('gives the TypeError of new URL() as the cause of an invalid URL, and sends nothing', async () => {
    const session = t.session({ baseURL: undefined });
    const err = await failure(session.get('/relative/without/base'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toBe('GET /relative/without/base failed: Invalid URL (ERR_INVALID_URL)');
    // Node's URL throws a TypeError of its own realm, not jest's: compare names.
    expect(err.cause).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_URL' });
    expect(t.httpbin.requests).toBe(0);
  });
});

describe('HTTP errors', () => {
  it('has named, plain Error subclasses', () => {
    const response = { url: 'http://x/', status: 500, statusText: 'Internal Server Error', headers: {}, data: '' };
    const status = new HttpStatusError('GET', response);
    expect(status).toBeInstanceOf(Error);
    expect(status.name).toBe('HttpStatusError');
    expect(status.message).toBe('GET http://x/ failed with 500 Internal Server Error');
    expect(status.response).toBe(response);
    const network = new NetworkError('POST', 'http://x/', new Error('boom'));
    expect(network.name).toBe('NetworkError');
    expect(network.message).toBe('POST http://x/ failed: boom');
    expect(new NetworkError('GET', 'u', 'text').message).toBe('GET u failed: text');
    const closed = new SessionClosedError('DELETE', 'http://x/');
    expect(closed.name).toBe('SessionClosedError');
    expect(String(closed)).toBe('SessionClosedError: DELETE http://x/: the session is closed');
  });
});
