import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { firstValueFrom, lastValueFrom, map, of, reduce, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, HttpStatusError, NetworkError, TimeoutError, createSession } from '../../lib/http';
import type { DownloadProgress, HttpRequest, HttpResponse, Transport } from '../../lib/http';
import { createAxiosTransport } from '../../lib/http/axiosTransport.browser';
import { fakeTransport } from '../../lib/testing';
import { failure, outcome, TRANSPORTS, useHttpbin } from './helpers';
import type { MakeTransport } from './helpers';

// The browser's axios transport (axios over fetch) runs here too. Jest's CommonJS runtime has
// no dynamic import(): axios is required instead (as spec/http/browser.spec.ts does).
jest.mock('../../lib/http/loadAxios', () => ({ loadAxios: () => Promise.resolve(jest.requireActual<{ default: unknown }>('axios').default) }));
const STREAMING_TRANSPORTS: [string, MakeTransport][] = [...TRANSPORTS, ['browser axios (fetch)', (maxSockets) => createAxiosTransport(maxSockets ?? 100)]];

/**
 * `session.stream()`, `lines()` and `sse()` (API.md, Streaming), and `onDownloadProgress`:
 * first in virtual time through `fakeTransport` (each emission of its handler a chunk, so
 * the marbles time every chunk and the subscription logs show the request's end), then
 * on both real transports against servers on 127.0.0.1.
 */

const API = 'https://api.test';
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('streams in virtual time (fakeTransport)', () => {
  it('stream() emits each chunk of the body as it comes, and completes with it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-a--b---c|', { a: { data: 'A' }, b: { data: 'B' }, c: { data: 'C' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body) });
      expectObservable(session.stream('/x').pipe(map(text))).toBe('-a--b---c|', { a: 'A', b: 'B', c: 'C' });
      expectSubscriptions(body.subscriptions).toBe('^--------!');
    });
  });

  it('close() mid-stream fails it with CancelledError and ends the request', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-a--b---c|', { a: { data: 'A' }, b: { data: 'B' }, c: { data: 'C' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body) });
      cold('---x').subscribe(() => void session.close());
      expectObservable(session.stream('/x').pipe(map(text))).toBe(
        '-a-#',
        { a: 'A' },
        new CancelledError('GET https://api.test/x was cancelled: the session was closed'),
      );
      expectSubscriptions(body.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribing mid-stream ends the request', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-a--b---c|', { a: { data: 'A' }, b: { data: 'B' }, c: { data: 'C' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body) });
      expectObservable(session.stream('/x').pipe(map(text)), '^----!').toBe('-a--b', { a: 'A', b: 'B' });
      expectSubscriptions(body.subscriptions).toBe('^----!');
    });
  });

  it('lines() gives whole lines, a line cut across chunks included, and the last line without a break at the end', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const body = cold('-a-b-|', { a: { data: 'one\ntw' }, b: { data: 'o\r\nthree' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body) });
      expectObservable(session.lines('/x')).toBe('-a-b-(c|)', { a: 'one', b: 'two', c: 'three' });
    });
  });

  it('lines() decodes in the charset of the response, a character cut across chunks included', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const euro = Buffer.from('€\n', 'utf8');
      const body = cold('-a-b|', {
        a: { headers: { 'content-type': 'text/plain; charset=utf-8' }, data: euro.subarray(0, 1) },
        b: { data: euro.subarray(1) },
      });
      const latin = cold('-a|', { a: { headers: { 'content-type': 'text/plain; charset=latin1' }, data: Buffer.from([0xe9, 0x80, 0x0a]) } });
      const session = createSession({ baseURL: API, transport: fakeTransport((request) => (request.url.endsWith('/latin') ? latin : body)) });
      expectObservable(session.lines('/utf8')).toBe('---a|', { a: '€' });
      expectObservable(session.lines('/latin')).toBe('-a|', { a: 'é€' });
    });
  });

  it('sse() parses Server-Sent Events as they complete, sending Accept: text/event-stream', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const body = cold('-a-b-c|', { a: { data: 'id: 1\nevent: up\ndata: x\n\nda' }, b: { data: 'ta: y\r\ndata: z\r\n' }, c: { data: '\r\n: comment\n' } });
      const transport = fakeTransport(() => body);
      const session = createSession({ baseURL: API, transport });
      expectObservable(session.sse('/events')).toBe('-a---b|', {
        a: { type: 'up', data: 'x', id: '1', retry: undefined },
        b: { type: 'message', data: 'y\nz', id: '1', retry: undefined },
      });
      flush();
      expect(transport.requests[0]!.headers.accept).toBe('text/event-stream');
    });
  });

  it("sse() sends the caller's own Accept header when it has one", () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const transport = fakeTransport(() => cold('-a|', { a: { data: 'data: 1\n\n' } }));
      const session = createSession({ baseURL: API, transport, headers: { accept: 'application/json' } });
      expectObservable(session.sse('/events', { headers: { Accept: 'text/event-stream, */*' } }).pipe(map((e) => e.data))).toBe('-a|', { a: '1' });
      flush();
      expect(transport.requests[0]!.headers.accept).toBe('text/event-stream, */*');
    });
  });

  it('fails before the first chunk on a status that raiseForStatus refuses, and ends the request', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-a-b|', { a: { status: 404, data: 'not' }, b: { data: 'found' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body), raiseForStatus: true });
      expectObservable(session.stream('/x')).toBe('-#', undefined, expect.any(HttpStatusError));
      expectSubscriptions(body.subscriptions).toBe('^!');
    });
  });

  it("the session's timeout bounds the wait for the head only: the body may take longer", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const body = cold('--a----b|', { a: { data: 'A' }, b: { data: 'B' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body), timeout: 3 });
      expectObservable(session.stream('/x').pipe(map(text))).toBe('--a----b|', { a: 'A', b: 'B' });
    });
  });

  it('a head later than the timeout fails with TimeoutError, the request ended first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-----a|', { a: { data: 'A' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body), timeout: 3 });
      expectObservable(session.stream('/x')).toBe('---#', undefined, expect.any(TimeoutError));
      expectSubscriptions(body.subscriptions).toBe('^--!');
    });
  });

  it("is never sent again by the session's retry: a stream is handed on as it comes", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const body = cold('-a-b|', { a: { status: 503, data: 'busy' }, b: { data: '!' } });
      const session = createSession({ baseURL: API, transport: fakeTransport(() => body), retry: 3 });
      expectObservable(session.stream('/x').pipe(map(text))).toBe('-a-b|', { a: 'busy', b: '!' });
      expectSubscriptions(body.subscriptions).toBe('^---!');
    });
  });

  it('over a transport that cannot stream, the whole body is one chunk, at the end', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const whole: Transport = (request: HttpRequest) =>
        cold<HttpResponse>('---(r|)', { r: { url: request.url, status: 200, statusText: 'OK', headers: {}, data: Buffer.from('a\nb\n') } });
      const session = createSession({ baseURL: API, transport: whole });
      expectObservable(session.lines('/x')).toBe('---(ab|)', { a: 'a', b: 'b' });
      expectObservable(session.stream('/x').pipe(map(text))).toBe('---(a|)', { a: 'a\nb\n' });
    });
  });

  it("over a transport that cannot stream, the body it buffers stays under the session's maxContentLength", () => {
    const seen: HttpRequest[] = [];
    const whole: Transport = (request: HttpRequest) => {
      seen.push(request);
      return of<HttpResponse>({ url: request.url, status: 200, statusText: 'OK', headers: {}, data: Buffer.from('x') });
    };
    createSession({ baseURL: API, transport: whole, maxContentLength: 1000 }).stream('/x').subscribe();
    expect(seen.map((request) => request.maxContentLength)).toEqual([1000]);
  });

  it('a fake streamed chunk that is neither text nor bytes fails the stream, naming fakeTransport', async () => {
    const session = createSession({ baseURL: API, transport: fakeTransport(() => of({ data: { id: 1 } })) });
    const err = await failure(session.stream('/x'));
    // As any other failure of a fake transport: a NetworkError whose cause it is.
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(err.cause.message).toBe("fakeTransport: a streamed response's data must be a string or a Uint8Array (got { id })");
  });

  it('onDownloadProgress hears of a fake body once, with its Content-Length as total', async () => {
    const seen: DownloadProgress[] = [];
    const session = createSession({ baseURL: API, transport: fakeTransport(() => of({ headers: { 'content-length': '3' }, data: Buffer.from('abc') })) });
    await lastValueFrom(session.get('/x', { onDownloadProgress: (p) => seen.push(p) }));
    expect(seen).toEqual([{ loaded: 3, total: 3 }]);
  });
});

/** A server on 127.0.0.1 whose `handle` answers every request; its sockets are counted as they close. */
async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; closed: Promise<void>[]; close(): Promise<void> }> {
  const server = createServer(handle);
  const closed: Promise<void>[] = [];
  server.on('connection', (socket: Socket) => closed.push(new Promise((resolve) => socket.once('close', () => resolve()))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(STREAMING_TRANSPORTS)('streams on the %s transport', (_name, makeTransport) => {
  const bin = useHttpbin(makeTransport);

  it('hands on each chunk before the rest of the body is sent: the server sends its second line only once the first has arrived', async () => {
    let sendRest!: () => void;
    const rest = new Promise<void>((resolve) => (sendRest = resolve));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"n":1}\n');
      void rest.then(() => res.end('{"n":2}\n'));
    });
    try {
      const lines: string[] = [];
      await new Promise<void>((resolve, reject) =>
        bin
          .session()
          .lines(`${server.url}/feed`)
          .subscribe({
            next: (line) => {
              lines.push(line);
              sendRest();
            },
            error: reject,
            complete: resolve,
          }),
      );
      expect(lines).toEqual(['{"n":1}', '{"n":2}']);
    } finally {
      await server.close();
    }
  });

  it('unsubscribing mid-stream closes the socket (the server sees it close)', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // One chunk, then nothing: only the client can end this request.
      res.write(Buffer.alloc(1024));
    });
    try {
      const first = await firstValueFrom(bin.session().stream(`${server.url}/endless`));
      expect(first.length).toBeGreaterThan(0);
      expect(server.closed).toHaveLength(1);
      await server.closed[0];
    } finally {
      await server.close();
    }
  });

  it('close() mid-stream fails it with CancelledError and closes its socket', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first line\n');
    });
    try {
      const session = bin.session();
      const lines: string[] = [];
      const error = await new Promise<unknown>((resolve) =>
        session.lines(`${server.url}/log`).subscribe({
          next: (line) => {
            lines.push(line);
            void session.close();
          },
          error: resolve,
        }),
      );
      expect(lines).toEqual(['first line']);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toBe(`GET ${server.url}/log was cancelled: the session was closed`);
      await server.closed[0];
    } finally {
      await server.close();
    }
  });

  it('decompresses a gzip body as it streams', async () => {
    const body = Buffer.from('x'.repeat(100_000));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync(body));
    });
    try {
      const bytes = await lastValueFrom(
        bin
          .session()
          .stream(`${server.url}/gz`)
          .pipe(reduce((n, chunk) => n + chunk.length, 0)),
      );
      expect(bytes).toBe(body.length);
    } finally {
      await server.close();
    }
  });

  it("sse() reads httpbin's /sse events as they come", async () => {
    const events = await lastValueFrom(bin.session().sse('/sse?count=3&duration=0').pipe(toArray()));
    expect(events.map((e) => [e.type, e.id, (JSON.parse(e.data) as { id: number }).id, e.retry])).toEqual([
      ['ping', '0', 0, undefined],
      ['ping', '1', 1, undefined],
      ['ping', '2', 2, undefined],
    ]);
  });

  it("lines() reads httpbin's /stream/:n as NDJSON", async () => {
    const ids = await lastValueFrom(
      bin
        .session()
        .lines('/stream/4')
        .pipe(
          map((line) => (JSON.parse(line) as { id: number }).id),
          toArray(),
        ),
    );
    expect(ids).toEqual([0, 1, 2, 3]);
  });

  it('fails with HttpStatusError before any chunk under raiseForStatus', async () => {
    const result = await outcome(bin.session({ raiseForStatus: true }).stream('/status/404'));
    expect(result.values).toEqual([]);
    expect(result.error).toBeInstanceOf(HttpStatusError);
  });

  it('a streamed body is not bound by maxContentLength', async () => {
    const bytes = await lastValueFrom(
      bin
        .session({ maxContentLength: 1000 })
        .stream('/bytes/50000')
        .pipe(reduce((n, chunk) => n + chunk.length, 0)),
    );
    expect(bytes).toBe(50_000);
  });

  it('onDownloadProgress counts the body up to its Content-Length', async () => {
    const seen: DownloadProgress[] = [];
    const res = await lastValueFrom(bin.session().get('/bytes/200000', { onDownloadProgress: (p) => seen.push(p) }));
    expect((res.data as Uint8Array).length).toBe(200_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ loaded: 200_000, total: 200_000 });
    // Growing, each report at most the total.
    expect(seen.every((p, i) => p.total === 200_000 && p.loaded <= 200_000 && (i === 0 || p.loaded > seen[i - 1]!.loaded))).toBe(true);
  });

  it('onDownloadProgress has no total for a body without Content-Length, and reports streams too', async () => {
    const seen: DownloadProgress[] = [];
    const lines = await lastValueFrom(
      bin
        .session()
        .lines('/stream/2', { onDownloadProgress: (p) => seen.push(p) })
        .pipe(toArray()),
    );
    expect(lines).toHaveLength(2);
    expect(seen.at(-1)!.total).toBeUndefined();
    expect(seen.at(-1)!.loaded).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
  });

  it('a throw of onDownloadProgress fails the request with what it threw', async () => {
    const boom = new Error('progress failed');
    const err = await failure(
      bin.session().get('/bytes/100', {
        onDownloadProgress: () => {
          throw boom;
        },
      }),
    );
    expect(err).toBe(boom);
  });

  it('takes its first chunks without reading the rest (take(1) of an endless body ends it)', async () => {
    const chunks = await lastValueFrom(bin.session().stream('/drip?duration=0&numbytes=5').pipe(take(1), toArray()));
    expect(chunks).toHaveLength(1);
  });
});
