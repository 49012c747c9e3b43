import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { firstValueFrom } from 'rxjs';
import { axiosTransport, createSession, undiciTransport } from '../../lib/http';
import type { PoolTransport, RequestOptions } from '../../lib/http';

/**
 * "Both transports behave the same for the same request: the same bytes on the wire."
 * A `node:net` server records each request as it arrives, byte for byte, and answers
 * it; every request of the table is sent once through each transport, and the two
 * recordings compared. Header order and the case of names are the HTTP clients' own
 * (node:http writes `Accept`, undici `accept`), and a multipart boundary is random:
 * those are normalised away, nothing else.
 */
interface Recorded {
  /** The request line. */
  readonly line: string;
  /** `name: value`, the name in lower case, sorted. */
  readonly headers: string[];
  /** The body as sent (chunked framing undone, so a stream compares by content). */
  readonly body: string;
  readonly chunked: boolean;
}

interface WireServer {
  readonly url: string;
  /** Requests in arrival order. */
  readonly requests: Recorded[];
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Where a complete request ends in `buffer` (head and body), and what it was; `undefined` until it is all there. */
function parseRequest(buffer: Buffer): { recorded: Recorded; end: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [line, ...fields] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = fields.map((field) => {
    const colon = field.indexOf(':');
    return `${field.slice(0, colon).toLowerCase()}: ${field.slice(colon + 1).trim()}`;
  });
  const find = (name: string): string | undefined => headers.find((h) => h.startsWith(`${name}: `))?.slice(name.length + 2);
  let at = headEnd + 4;
  if (find('transfer-encoding') === 'chunked') {
    const chunks: Buffer[] = [];
    for (;;) {
      const sizeEnd = buffer.indexOf('\r\n', at);
      if (sizeEnd < 0) return undefined;
      const size = parseInt(buffer.subarray(at, sizeEnd).toString('latin1'), 16);
      if (buffer.length < sizeEnd + 2 + size + 2) return undefined;
      chunks.push(buffer.subarray(sizeEnd + 2, sizeEnd + 2 + size));
      at = sizeEnd + 2 + size + 2;
      if (size === 0) break;
    }
    return { recorded: { line: line!, headers: headers.sort(), body: Buffer.concat(chunks).toString('latin1'), chunked: true }, end: at };
  }
  const length = Number(find('content-length') ?? 0);
  if (buffer.length < at + length) return undefined;
  return { recorded: { line: line!, headers: headers.sort(), body: buffer.subarray(at, at + length).toString('latin1'), chunked: false }, end: at + length };
}

/** Answers every request `200 ok` (a HEAD without the body); `HEAD /bare` with no Content-Length at all (a server may leave it out). */
async function startWireServer(): Promise<WireServer> {
  const sockets = new Set<Socket>();
  const state = { requests: [] as Recorded[], connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (let parsed = parseRequest(buffer); parsed !== undefined; parsed = parseRequest(buffer)) {
        buffer = buffer.subarray(parsed.end);
        state.requests.push(parsed.recorded);
        const { line } = parsed.recorded;
        socket.write(
          line.startsWith('HEAD /bare ')
            ? 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n'
            : `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\n${line.startsWith('HEAD ') ? '' : 'ok'}`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

/** A multipart boundary, wherever it appears. */
const BOUNDARY = /boundary=([^\s;]+)/;

function normalised(recorded: Recorded): Recorded {
  const boundary = BOUNDARY.exec(recorded.headers.join('\n'))?.[1];
  if (boundary === undefined) return recorded;
  const swap = (text: string): string => text.split(boundary).join('BOUNDARY');
  const headers = recorded.headers.map(swap);
  // The boundaries differ in length, and so does the body's.
  return { ...recorded, headers: headers.map((h) => (h.startsWith('content-length: ') ? 'content-length: (body)' : h)), body: swap(recorded.body) };
}

function form(): FormData {
  const data = new FormData();
  data.append('name', 'value');
  data.append('lines', 'a\nb\rc\r\nd');
  data.append('quo"te\n', 'x');
  data.append('file', new Blob(['file content'], { type: 'text/plain' }), 'a "b".txt');
  data.append('bytes', new Blob([Uint8Array.from([0, 255])]), 'raw.bin');
  return data;
}

/** The table: each request, made fresh for each transport (a stream or a form is used once). */
const REQUESTS: [string, () => RequestOptions][] = [
  ['GET', () => ({ method: 'GET', url: '/get' })],
  [
    'GET with headers, spaces around a value',
    () => ({ method: 'GET', url: '/get?q=1', headers: { 'x-one': '  spaced\t', 'X-Two': 'b', accept: 'text/html' } }),
  ],
  ['POST a JSON object', () => ({ method: 'POST', url: '/post', data: { a: [1, 'é'] } })],
  ['PUT a JSON array', () => ({ method: 'PUT', url: '/put', data: [1, 2] })],
  ['PATCH a string', () => ({ method: 'PATCH', url: '/patch', data: 'plain' })],
  ['POST a string with its own content type', () => ({ method: 'POST', url: '/post', data: 'plain', headers: { 'content-type': 'text/plain' } })],
  ['DELETE a string', () => ({ method: 'DELETE', url: '/delete', data: 'gone' })],
  ['GET with a Buffer body', () => ({ method: 'GET', url: '/get', data: Buffer.from('bytes') })],
  ['POST a Uint8Array', () => ({ method: 'POST', url: '/post', data: new TextEncoder().encode('typed') })],
  ['POST an ArrayBuffer', () => ({ method: 'POST', url: '/post', data: Uint8Array.from([1, 2, 3]).buffer })],
  ['POST URLSearchParams', () => ({ method: 'POST', url: '/post', data: new URLSearchParams({ q: 'a b', r: 'é' }) })],
  ['POST a Blob', () => ({ method: 'POST', url: '/post', data: new Blob(['blob'], { type: 'text/csv' }) })],
  ['POST a FormData with text and files', () => ({ method: 'POST', url: '/post', data: form() })],
  ['POST a stream', () => ({ method: 'POST', url: '/post', data: Readable.from([Buffer.from('str'), Buffer.from('eam')]) })],
  ['POST without a body', () => ({ method: 'POST', url: '/post' })],
  ['HEAD', () => ({ method: 'HEAD', url: '/head' })],
  ['OPTIONS', () => ({ method: 'OPTIONS', url: '/options' })],
];

const TRANSPORTS: [string, () => PoolTransport][] = [
  ['axios', () => axiosTransport()],
  ['undici', () => undiciTransport()],
];

describe('the bytes on the wire', () => {
  let server: WireServer;
  beforeEach(async () => {
    server = await startWireServer();
  });
  afterEach(() => server.close());

  /** What the server recorded for `config` sent through each transport, in one connection each. */
  async function sentBy(config: () => RequestOptions): Promise<Record<string, Recorded>> {
    const out: Record<string, Recorded> = {};
    for (const [name, transport] of TRANSPORTS) {
      const session = createSession({ baseURL: server.url, transport: transport() });
      try {
        const res = await firstValueFrom(session.request(config()));
        expect(res.status).toBe(200);
      } finally {
        await session.close();
      }
      out[name] = normalised(server.requests.at(-1)!);
    }
    return out;
  }

  it.each(REQUESTS)('%s: the same request from both transports', async (_name, config) => {
    const { axios, undici } = await sentBy(config);
    expect(undici).toEqual(axios);
  });

  it('sends the same User-Agent from both, the caller’s when set', async () => {
    const sent = await sentBy(() => ({ method: 'GET', url: '/get' }));
    expect(sent.axios!.headers).toContain('user-agent: rxjs-asyncio');
    const own = await sentBy(() => ({ method: 'GET', url: '/get', headers: { 'user-agent': 'crawler/2' } }));
    expect(own.axios!.headers).toContain('user-agent: crawler/2');
    expect(own.undici!.headers).toContain('user-agent: crawler/2');
  });

  it('sends a FormData with its length, its text line breaks as CRLF and names escaped', async () => {
    const { undici } = await sentBy(() => ({ method: 'POST', url: '/post', data: form() }));
    expect(undici!.chunked).toBe(false);
    expect(undici!.body).toContain('name="lines"\r\n\r\na\r\nb\r\nc\r\nd\r\n');
    expect(undici!.body).toContain('name="quo%22te%0A"');
    expect(undici!.body).toContain('name="file"; filename="a %22b%22.txt"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n');
    expect(undici!.body).toContain('filename="raw.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\xff\r\n');
    expect(undici!.body.endsWith('--BOUNDARY--\r\n')).toBe(true);
  });

  it.each(TRANSPORTS)('%s: five HEADs and five GETs share one connection', async (_name, transport) => {
    const session = createSession({ baseURL: server.url, transport: transport() });
    try {
      for (let i = 0; i < 5; i++) await firstValueFrom(session.head('/head'));
      for (let i = 0; i < 5; i++) await firstValueFrom(session.get('/get'));
    } finally {
      await session.close();
    }
    expect(server.requests).toHaveLength(10);
    expect(server.connections).toBe(1);
  });

  // node:http and undici both parse with llhttp, which decides whether a connection can be
  // kept before it is told that a HEAD's answer has no body: an answer with neither
  // Content-Length nor chunked framing reads as "ends at close". Both clients close then.
  it('closes the connection after a HEAD answered without Content-Length, alike on both', async () => {
    const opened: Record<string, number> = {};
    for (const [name, transport] of TRANSPORTS) {
      const before = server.connections;
      const session = createSession({ baseURL: server.url, transport: transport() });
      try {
        for (let i = 0; i < 3; i++) await firstValueFrom(session.head('/bare'));
      } finally {
        await session.close();
      }
      opened[name] = server.connections - before;
    }
    expect(opened).toEqual({ axios: 3, undici: 3 });
  });
});
