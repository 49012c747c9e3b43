import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import type { Client, Dispatcher } from 'undici';
import { checkConcurrency, checkOptions } from '../internal/validate';
import { toData, toText } from './body';
import { SlotQueue } from './slots';
import type { HttpHeaders, HttpRequest, HttpResponse, PoolTransport, PoolTransportOptions } from './types';

/** Headers every request sends unless it sets them itself (as axios does, `compress` aside). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/plain, */*',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'undici',
};

/**
 * A transport on [undici](https://undici.nodejs.org), Node's own HTTP/1.1 client:
 * the fast alternative to the default axios transport, for a session that sends
 * many requests (about 5 to 10 times the throughput of axios on a loopback fan-out:
 * see bench/RESULTS.md, `http-fanout`).
 *
 * ```ts
 * const session = createSession({ baseURL, transport: undiciTransport({ maxSockets: 50 }) });
 * ```
 *
 * ```text
 * transport(request):   ----r|     one HttpResponse once the whole body has arrived
 * request failed:       --#        the error of undici or Node (the session wraps it)
 * unsubscribed:         --!        the request aborted, its socket destroyed
 * ```
 *
 * It behaves as the axios transport does:
 *
 * - one request per subscription; the response is emitted once its whole body has
 *   arrived, then the Observable completes; any status is a response;
 * - at most `maxSockets` requests in flight (default 100), so at most that many
 *   sockets open to an origin; the others wait in a first-come, first-served queue of
 *   the transport's own, and one dropped while it waits never opens a socket;
 * - unsubscribing while the request is in flight aborts it and destroys its socket;
 * - `responseType` `'json'` (parsed if it is JSON, else text), `'text'`, `'arraybuffer'`
 *   (a Buffer); gzip, deflate and br bodies are decompressed;
 * - the request body: a plain object or array as JSON, `URLSearchParams` as a form,
 *   a string, Buffer, typed array, `ArrayBuffer`, stream, `Blob` or `FormData` as it is;
 *   the default headers are axios's (`accept`, `accept-encoding`, and a form
 *   `content-type` for a string or bytes without one), the `user-agent` is `undici`;
 * - `maxRedirects` redirects followed (a 301, 302 or 303 becomes a GET without body
 *   when the method was POST, or for 303 anything but GET and HEAD; credentials are
 *   dropped when the origin changes); one more fails with `ERR_TOO_MANY_REDIRECTS`;
 * - failures (connection refused or reset, DNS) are emitted as the error undici or
 *   Node raised (`code` `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, ...): the session
 *   wraps them in a `NetworkError`. It sets no timeout of its own: the session's
 *   deadline aborts the request.
 *
 * The transport owns its connection pool: `close()` destroys it (the session that
 * receives a transport with a `close` calls it from its own `close()`, as aiohttp's
 * session closes the connector it owns). To share one pool between sessions, give
 * each a wrapper without `close` (`(request) => shared(request)`) and close the
 * shared transport yourself.
 *
 * undici is loaded when the first such transport is made, not by `rxjs-asyncio/http`.
 *
 * @param options `maxSockets`: requests in flight at most (default 100, `Infinity` for no limit).
 * @returns The transport, with `close()`.
 */
export function undiciTransport(options?: PoolTransportOptions): PoolTransport {
  const o = checkOptions('undiciTransport', options, ['maxSockets']);
  const maxSockets = o.maxSockets === undefined ? 100 : checkConcurrency('undiciTransport', 'options.maxSockets', o.maxSockets);
  const clients = new Clients();
  const slots = new SlotQueue(maxSockets);
  let closing: Promise<void> | undefined;

  const transport = (request: HttpRequest): Observable<HttpResponse> =>
    new Observable<HttpResponse>((subscriber) => {
      let exchange: Exchange | undefined;
      const start = (): void => {
        if (closing !== undefined) {
          subscriber.error(closedError());
          return;
        }
        exchange = new Exchange(clients, request, subscriber, slots);
        exchange.send(request.url, request.method, request.headers, request.data);
      };
      if (closing !== undefined) {
        subscriber.error(closedError());
        return undefined;
      }
      slots.enter(start);
      return () => {
        if (exchange === undefined) slots.leave(start);
        else exchange.cancel();
      };
    });

  return Object.assign(transport, {
    close(): Promise<void> {
      if (closing === undefined) {
        closing = clients.destroy();
        slots.close();
      }
      return closing;
    },
  });
}

/**
 * The connections of a transport: one undici `Client` (one socket at a time) per
 * connection, those of each origin kept idle between requests, most recently used
 * first, and dropped once their socket closes.
 *
 * Why not undici's `Pool` or `Agent`: a Pool's client stays "busy" until a turn of the
 * event loop after its response (undici waits before reusing a socket), so a request
 * sent right after a response opens a second connection, and sequential requests
 * would not reuse their socket. Here a client is free as soon as its response has
 * arrived (undici still waits that turn before it writes the next request on it).
 */
class Clients {
  // Idle clients by origin; only origins with idle clients have an entry.
  private readonly idle = new Map<string, Client[]>();
  // Every client in use or idle.
  private readonly all = new Set<Client>();
  // Clients being destroyed (after a failure, or idle with their socket closed).
  private readonly dying = new Set<Promise<void>>();
  private readonly undici: typeof import('undici');

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.undici = require('undici') as typeof import('undici');
  }

  /** A client of `origin` for one request: an idle one, else a new one. */
  acquire(origin: string): Client {
    const idle = this.idle.get(origin);
    if (idle !== undefined) {
      const client = idle.pop()!;
      if (idle.length === 0) this.idle.delete(origin);
      return client;
    }
    const client = new this.undici.Client(origin, {
      pipelining: 1,
      // The session's deadline bounds a request; undici's own timers would only cost time.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.all.add(client);
    // An idle client whose socket closed (the server's keep-alive timeout) is dropped.
    client.on('disconnect', () => this.dropIdle(origin, client));
    return client;
  }

  /** Gives back the client of a request that got its response: it keeps its socket for the next one. */
  release(origin: string, client: Client): void {
    if (!this.all.has(client)) return;
    const idle = this.idle.get(origin);
    if (idle === undefined) this.idle.set(origin, [client]);
    else idle.push(client);
  }

  /** Drops the client of a request that failed or was aborted (its socket is gone or going). */
  discard(client: Client): void {
    if (!this.all.delete(client)) return;
    // After undici has finished the call that failed the request.
    queueMicrotask(() => this.destroyClient(client));
  }

  /** Destroys every client: their requests fail, their sockets close; resolves once all have. */
  destroy(): Promise<void> {
    const clients = [...this.all];
    this.all.clear();
    this.idle.clear();
    for (const client of clients) this.destroyClient(client);
    return Promise.all(this.dying).then(() => undefined);
  }

  private dropIdle(origin: string, client: Client): void {
    const idle = this.idle.get(origin);
    const at = idle === undefined ? -1 : idle.indexOf(client);
    if (at < 0) return; // In use: its request fails, and discard() drops it.
    idle!.splice(at, 1);
    if (idle!.length === 0) this.idle.delete(origin);
    this.all.delete(client);
    this.destroyClient(client);
  }

  private destroyClient(client: Client): void {
    const dying: Promise<void> = client.destroy().then(
      () => void this.dying.delete(dying),
      () => void this.dying.delete(dying),
    );
    this.dying.add(dying);
  }
}

function closedError(): Error {
  return Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' });
}

/**
 * One request and the redirects it follows: an undici dispatch handler. Holds its
 * slot from the first dispatch until undici is done with the last one.
 */
class Exchange implements Dispatcher.DispatchHandler {
  // Redirects followed so far.
  private redirects = 0;
  // The URL of the current hop.
  private url = '';
  private method: HttpRequest['method'] = 'GET';
  private headers: HttpHeaders = {};
  private data: unknown;
  // undici's abort of the current hop, once it is on a socket.
  private abort: ((err?: Error) => void) | undefined;
  // Set by cancel(): the hop is aborted as soon as undici hands it to a socket.
  private cancelled = false;
  // Set once the slot is given back.
  private released = false;
  // The response of the current hop.
  private status = 0;
  private statusText = '';
  private rawHeaders: Buffer[] = [];
  private chunks: Buffer[] = [];

  // The client of the current hop, and its origin.
  private client: Client | undefined;
  private origin = '';

  constructor(
    private readonly clients: Clients,
    private readonly request: HttpRequest,
    private readonly subscriber: Subscriber<HttpResponse>,
    private readonly slots: SlotQueue,
  ) {}

  /** Dispatches a hop: the request itself, or a redirect of it. */
  send(url: string, method: HttpRequest['method'], headers: HttpHeaders, data: unknown): void {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.data = data;
    this.abort = undefined;
    this.status = 0;
    this.chunks = [];
    let options: Dispatcher.DispatchOptions;
    try {
      options = dispatchOptions(url, method, headers, data);
    } catch (err) {
      this.onError(err as Error);
      return;
    }
    this.origin = options.origin as string;
    this.client = this.clients.acquire(this.origin);
    this.client.dispatch(options, this);
  }

  /** The subscriber left: abort the hop in flight (which destroys its socket). */
  cancel(): void {
    if (this.released) return;
    this.cancelled = true;
    if (this.abort !== undefined) this.abort();
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.cancelled) abort();
    else this.abort = abort;
  }

  onHeaders(statusCode: number, headers: Buffer[], _resume: () => void, statusText: string): boolean {
    // 1xx informational responses precede the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.statusText = statusText;
    this.rawHeaders = headers;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const headers = parseHeaders(this.rawHeaders);
    const location = headers.location;
    if (this.client !== undefined) this.clients.release(this.origin, this.client);
    this.client = undefined;
    if (this.request.maxRedirects > 0 && this.status >= 300 && this.status < 400 && location !== undefined && !this.cancelled) {
      this.redirect(location);
      return;
    }
    this.release();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && body.length > 0 && DECODERS[encoding.trim().toLowerCase()] !== undefined) {
      delete headers['content-encoding'];
      DECODERS[encoding.trim().toLowerCase()]!(body, (err, decoded) => {
        if (err) this.subscriber.error(err);
        else this.respond(headers, decoded);
      });
      return;
    }
    this.respond(headers, body);
  }

  onError(err: Error): void {
    if (this.client !== undefined) this.clients.discard(this.client);
    this.client = undefined;
    this.release();
    this.subscriber.error(err);
  }

  onUpgrade(): void {
    // Never asked for: a request with an Upgrade header fails instead.
    this.onError(Object.assign(new Error('unexpected protocol upgrade'), { code: 'ERR_UNEXPECTED_UPGRADE' }));
  }

  private respond(headers: Record<string, string>, body: Buffer): void {
    const { request } = this;
    const response: HttpResponse = {
      url: this.url,
      status: this.status,
      statusText: this.statusText || STATUS_CODES[this.status] || '',
      headers,
      data: request.responseType === 'arraybuffer' ? body : toData(request, toText(body)),
    };
    this.subscriber.next(response);
    this.subscriber.complete();
  }

  /** Follows a redirect as follow-redirects (axios's) does. */
  private redirect(location: string): void {
    if (++this.redirects > this.request.maxRedirects) {
      this.onError(
        Object.assign(new Error(`Maximum number of redirects exceeded (${this.request.maxRedirects})`), { code: 'ERR_TOO_MANY_REDIRECTS' }),
      );
      return;
    }
    let next: URL;
    try {
      next = new URL(location, this.url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new TypeError(`unsupported protocol ${next.protocol}`);
    } catch (err) {
      this.onError(err as Error);
      return;
    }
    const { status, method } = this;
    const toGet = ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD');
    const headers: Record<string, string> = { ...this.headers };
    if (toGet) {
      for (const name of Object.keys(headers)) if (name.startsWith('content-')) delete headers[name];
    }
    if (next.origin !== new URL(this.url).origin) {
      delete headers.authorization;
      delete headers['proxy-authorization'];
      delete headers.cookie;
    }
    if (!toGet && this.data instanceof Readable) {
      this.onError(Object.assign(new Error(`cannot resend a stream body to follow a ${status} redirect`), { code: 'ERR_STREAM_REDIRECT' }));
      return;
    }
    this.send(next.href, toGet ? 'GET' : method, headers, toGet ? undefined : this.data);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.slots.release();
  }
}

/** What undici needs for a hop: origin, path and headers apart, the body encoded. */
function dispatchOptions(url: string, method: HttpRequest['method'], headers: HttpHeaders, data: unknown): Dispatcher.DispatchOptions {
  // The session gives a WHATWG-serialised absolute URL: its path starts at the first
  // '/' after '//'; user info (rare) needs the parser.
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  let origin = pathStart < 0 ? url : url.slice(0, pathStart);
  let path = pathStart < 0 ? '/' : url.slice(pathStart);
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  const out: Record<string, string> = { ...DEFAULT_HEADERS, ...headers };
  if (origin.includes('@')) {
    const parsed = new URL(url);
    origin = parsed.origin;
    path = parsed.pathname + parsed.search;
    if (out.authorization === undefined) {
      const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
      out.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
  }
  const body = encodeBody(data, out);
  return { origin, path, method, headers: out, body };
}

type Body = Dispatcher.DispatchOptions['body'];

/** A request body as undici takes it, with axios's default content type set in `headers`. */
function encodeBody(data: unknown, headers: Record<string, string>): Body {
  if (data === undefined || data === null) return null;
  const contentType = (type: string): void => {
    if (headers['content-type'] === undefined) headers['content-type'] = type;
  };
  if (typeof data === 'string' || Buffer.isBuffer(data) || data instanceof Readable) {
    contentType('application/x-www-form-urlencoded');
    return data;
  }
  if (ArrayBuffer.isView(data)) {
    contentType('application/x-www-form-urlencoded');
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) {
    contentType('application/x-www-form-urlencoded');
    return Buffer.from(data);
  }
  if (data instanceof URLSearchParams) {
    contentType('application/x-www-form-urlencoded;charset=utf-8');
    return data.toString();
  }
  if (data instanceof Blob) {
    if (data.type !== '') contentType(data.type);
    return data as unknown as Body;
  }
  if (data instanceof FormData) {
    // undici writes the multipart content type with its boundary.
    return data as unknown as Body;
  }
  if (typeof data === 'object') {
    contentType('application/json');
    return JSON.stringify(data);
  }
  throw Object.assign(new TypeError(`the request body must be a string, bytes, a stream, a Blob, FormData, URLSearchParams or a JSON object, got a ${typeof data}`), {
    code: 'ERR_BAD_REQUEST',
  });
}

/** Raw header pairs as `HttpHeaders`: names lower-cased, repeated headers joined with ', '. */
function parseHeaders(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = out[name];
    out[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return out;
}

type Decoder = (body: Buffer, callback: (err: Error | null, result: Buffer) => void) => void;

/** Content codings the transport asks for, and how to undo each. */
const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: (body, callback) => zlib.gunzip(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  'x-gzip': (body, callback) => zlib.gunzip(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  // zlib-wrapped (RFC 1950) as the RFC says, or raw deflate as some servers send.
  deflate: (body, callback) => ((body[0]! & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw)(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  br: (body, callback) => zlib.brotliDecompress(body, callback),
};
