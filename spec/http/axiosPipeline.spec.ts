/**
 * The axios transport calls axios's http adapter itself, with defaults merged once,
 * instead of going through `axios.request()` for every request (lib/http/axiosTransport.ts,
 * `axiosPipeline`). This proves the shortcut sends exactly what `axios.request()` sends:
 * the same request line, the same headers in the same order, the same body bytes, for
 * every method and every kind of body axios knows. One difference is deliberate: a POST, PUT
 * or PATCH without a body goes without axios's form `Content-Type`, as aiohttp and the
 * undici transport send it.
 */
import { Agent, createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { axiosTransport } from '../../lib/http';
import type { HttpRequest, PoolTransport } from '../../lib/http';

/** What the server received, byte for byte. */
interface Received {
  readonly line: string;
  readonly headers: readonly string[];
  readonly body: string;
}

let server: Server;
let base: string;
let transport: PoolTransport;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // The Host header carries the port, the same for both: kept, as every other one.
      const received: Received = { line: `${req.method} ${req.url}`, headers: req.rawHeaders, body: Buffer.concat(chunks).toString('base64') };
      // In a header, so that a HEAD request gets it too.
      res.writeHead(200, { 'x-received': Buffer.from(JSON.stringify(received)).toString('base64'), 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  transport = axiosTransport({ maxSockets: 4 });
});

afterAll(async () => {
  await transport.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function decode(header: unknown): Received {
  if (typeof header !== 'string') throw new Error(`no x-received header: ${String(header)}`);
  return JSON.parse(Buffer.from(header, 'base64').toString()) as Received;
}

/** Through `axios.request()`, configured as the transport configures axios. */
async function viaAxios(request: HttpRequest): Promise<Received> {
  const agent = new Agent({ keepAlive: false });
  try {
    const res = await axios.request<string>({
      method: request.method,
      url: request.url,
      // The transport asks for the codings it undoes itself (axios's default adds `compress`),
      // and names itself as the undici transport does (axios would say `axios/<version>`).
      headers: { 'Accept-Encoding': 'gzip, deflate, br', 'User-Agent': 'rxjs-asyncio', ...request.headers },
      data: request.data,
      httpAgent: agent,
      proxy: false,
      validateStatus: null,
      transformResponse: [],
      responseType: 'text',
      maxRedirects: 0,
    });
    return decode(res.headers['x-received']);
  } finally {
    agent.destroy();
  }
}

async function viaTransport(request: HttpRequest): Promise<Received> {
  const res = await firstValueFrom(transport(request));
  return decode(res.headers['x-received']);
}

/** Header names and values, except the connection handling that the two agents choose differently (keep-alive or not). */
function comparable(received: Received): Received {
  const headers: string[] = [];
  for (let i = 0; i < received.headers.length; i += 2) {
    if (received.headers[i]!.toLowerCase() !== 'connection') headers.push(received.headers[i]!, received.headers[i + 1]!);
  }
  return { ...received, headers };
}

/** The `Content-Type` the server received, if any. */
function contentType(received: Received): string | undefined {
  const at = received.headers.findIndex((h) => h.toLowerCase() === 'content-type');
  return at < 0 ? undefined : received.headers[at + 1];
}

function request(method: string, path: string, data?: unknown, headers: Record<string, string> = {}): () => HttpRequest {
  // A factory: a stream or FormData body can be sent once only.
  return () =>
    ({ method, url: `${base}${path}`, headers, data, responseType: 'text', maxRedirects: 0, maxContentLength: Infinity, readTimeout: Infinity }) as HttpRequest;
}

const cases: ReadonlyArray<readonly [string, () => HttpRequest, () => HttpRequest]> = [
  ['GET', request('GET', '/a?x=1'), request('GET', '/a?x=1')],
  [
    'GET with headers',
    request('GET', '/h', undefined, { 'X-One': '1', accept: 'text/plain' }),
    request('GET', '/h', undefined, { 'X-One': '1', accept: 'text/plain' }),
  ],
  ['HEAD', request('HEAD', '/head'), request('HEAD', '/head')],
  ['DELETE', request('DELETE', '/d'), request('DELETE', '/d')],
  ['OPTIONS', request('OPTIONS', '/o'), request('OPTIONS', '/o')],
  ['PUT a JSON object', request('PUT', '/j', { a: [1, 'two'] }), request('PUT', '/j', { a: [1, 'two'] })],
  ['PATCH a JSON array', request('PATCH', '/j', [1, 2]), request('PATCH', '/j', [1, 2])],
  ['POST a string', request('POST', '/s', 'plain'), request('POST', '/s', 'plain')],
  [
    'POST a string with its type',
    request('POST', '/s', 'plain', { 'Content-Type': 'text/plain' }),
    request('POST', '/s', 'plain', { 'Content-Type': 'text/plain' }),
  ],
  ['POST URLSearchParams', request('POST', '/f', new URLSearchParams({ q: 'a b' })), request('POST', '/f', new URLSearchParams({ q: 'a b' }))],
  ['POST a Buffer', request('POST', '/b', Buffer.from([0, 1, 2, 255])), request('POST', '/b', Buffer.from([0, 1, 2, 255]))],
  ['POST a Uint8Array', request('POST', '/u', new Uint8Array([7, 8])), request('POST', '/u', new Uint8Array([7, 8]))],
  ['POST an ArrayBuffer', request('POST', '/ab', new Uint8Array([9]).buffer), request('POST', '/ab', new Uint8Array([9]).buffer)],
  [
    'POST a stream',
    () => request('POST', '/st', Readable.from([Buffer.from('st'), Buffer.from('ream')]))(),
    () => request('POST', '/st', Readable.from([Buffer.from('st'), Buffer.from('ream')]))(),
  ],
  ['POST a Blob', request('POST', '/bl', new Blob(['blob'])), request('POST', '/bl', new Blob(['blob']))],
  ['DELETE with a JSON body', request('DELETE', '/dj', { id: 3 }), request('DELETE', '/dj', { id: 3 })],
];

describe('axiosTransport sends what axios.request() sends', () => {
  it.each(cases)('%s', async (_name, forAxios, forTransport) => {
    const [expected, actual] = [await viaAxios(forAxios()), await viaTransport(forTransport())];
    expect(comparable(actual)).toEqual(comparable(expected));
  });

  it.each(['POST', 'PUT', 'PATCH'])('%s without body: the same, less the form Content-Type axios adds', async (method) => {
    const [expected, actual] = [await viaAxios(request(method, '/p')()), await viaTransport(request(method, '/p')())];
    expect(contentType(expected)).toBe('application/x-www-form-urlencoded');
    const at = expected.headers.findIndex((h) => h.toLowerCase() === 'content-type');
    const withoutType = { ...expected, headers: expected.headers.filter((_h, i) => i !== at && i !== at + 1) };
    expect(comparable(actual)).toEqual(comparable(withoutType));
  });

  it('FormData: the same fields and the same multipart type (the boundary is random)', async () => {
    const form = (): FormData => {
      const f = new FormData();
      f.append('name', 'value');
      f.append('file', new Blob(['content']), 'a.txt');
      return f;
    };
    const [expected, actual] = [await viaAxios(request('POST', '/form', form())()), await viaTransport(request('POST', '/form', form())())];
    expect(contentType(actual)).toMatch(/^multipart\/form-data; boundary=/);
    expect(contentType(actual)?.split(';')[0]).toBe(contentType(expected)?.split(';')[0]);
    const fields = (r: Received): string => {
      const text = Buffer.from(r.body, 'base64').toString();
      const boundary = /boundary=(.*)$/.exec(contentType(r) ?? '')?.[1] ?? '';
      return text.split(boundary).join('BOUNDARY');
    };
    expect(fields(actual)).toBe(fields(expected));
  });
});
