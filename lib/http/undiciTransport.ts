import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { Observable } from 'rxjs';
import type { Subscriber, Unsubscribable } from 'rxjs';
import type { Client, Dispatcher } from 'undici';
import { checkConcurrency, readOptions } from '../internal/validate';
import { toData, toText } from './body';
import { isEmpty } from './request';
import type { Context } from '../internal/context';
import type { Waiter } from '../internal/gate';
import { Slots } from './slots';
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
 * many requests (3 to 4 times the throughput of the axios transport on a loopback fan-out,
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
  const o = readOptions('undiciTransport', 'options', options, ['maxSockets']);
  const maxSockets = o.maxSockets === undefined ? 100 : checkConcurrency('undiciTransport', 'options.maxSockets', o.maxSockets);
  const pool: Pool = { clients: new Clients(), slots: new Slots(maxSockets), closing: undefined };
  const transport = (request: HttpRequest): Observable<HttpResponse> =>
    new Observable<HttpResponse>((subscriber) => {
      if (pool.closing !== undefined) {
        subscriber.error(closedError());
        return undefined;
      }
      const exchange = new Exchange(pool, request, subscriber);
      pool.slots.enter(exchange);
      return exchange;
    });
  return Object.assign(transport, {
    close(): Promise<void> {
      if (pool.closing === undefined) {
        pool.closing = pool.clients.destroy();
        pool.slots.close();
      }
      return pool.closing;
    },
  });
}

/** What the requests of one transport share. */
interface Pool {
  readonly clients: Clients;
  readonly slots: Slots;
  /** Set by close(). */
  closing: Promise<void> | undefined;
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
  // The clients of each origin that has any: its idle ones (a stack) and how many in all.
  // An origin keeps its entry while it has clients (a Map swinging between holding a key
  // and not costs a rehash each time, on every request's path).
  private readonly origins = new Map<string, Origin>();
  // Clients being destroyed (after a failure, or idle with their socket closed).
  private readonly dying = new Set<Promise<void>>();
  private readonly undici: typeof import('undici');

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.undici = require('undici') as typeof import('undici');
  }

  /** A client of `origin` for one request: an idle one, else a new one. */
  acquire(origin: string): Client {
    let entry = this.origins.get(origin);
    if (entry === undefined) {
      entry = { origin, idle: [], clients: new Set() };
      this.origins.set(origin, entry);
    }
    const idle = entry.idle.pop();
    if (idle !== undefined) return idle;
    const client = new this.undici.Client(origin, {
      pipelining: 1,
      // The session's deadline bounds a request; undici's own timers would only cost time.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    entry.clients.add(client);
    // An idle client whose socket closed (the server's keep-alive timeout) is dropped.
    const owner = entry;
    client.on('disconnect', () => this.dropIdle(owner, client));
    return client;
  }

  /** Gives back the client of a request that got its response: it keeps its socket for the next one. */
  release(origin: string, client: Client): void {
    const entry = this.origins.get(origin);
    if (entry !== undefined && entry.clients.has(client)) entry.idle.push(client);
  }

  /** Drops the client of a request that failed or was aborted (its socket is gone or going). */
  discard(origin: string, client: Client): void {
    const entry = this.origins.get(origin);
    if (entry === undefined || !entry.clients.has(client)) return;
    this.forget(entry, client);
    // After undici has finished the call that failed the request.
    queueMicrotask(() => this.destroyClient(client));
  }

  /** Destroys every client: their requests fail, their sockets close; resolves once all have. */
  destroy(): Promise<void> {
    const clients = [...this.origins.values()].flatMap((entry) => [...entry.clients]);
    this.origins.clear();
    for (const client of clients) this.destroyClient(client);
    return Promise.all(this.dying).then(() => undefined);
  }

  private dropIdle(entry: Origin, client: Client): void {
    const at = entry.idle.indexOf(client);
    if (at < 0) return; // In use: its request fails, and discard() drops it.
    entry.idle.splice(at, 1);
    this.forget(entry, client);
    this.destroyClient(client);
  }

  private forget(entry: Origin, client: Client): void {
    entry.clients.delete(client);
    if (entry.clients.size === 0 && this.origins.get(entry.origin) === entry) this.origins.delete(entry.origin);
  }

  private destroyClient(client: Client): void {
    const dying: Promise<void> = client.destroy().then(
      () => void this.dying.delete(dying),
      () => void this.dying.delete(dying),
    );
    this.dying.add(dying);
  }
}

/** The clients of one origin. */
interface Origin {
  readonly origin: string;
  /** Idle clients, the most recently used last. */
  readonly idle: Client[];
  /** Every client of the origin, idle or in use. */
  readonly clients: Set<Client>;
}

function closedError(): Error {
  return Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' });
}

/**
 * One request and the redirects it follows, from its subscription to its end: the
 * waiter of the slot queue, the undici dispatch handler of each hop, and the
 * subscription's teardown (one object per request, no closure). Holds its slot from
 * the first dispatch until undici is done with the last hop.
 */
class Exchange implements Waiter, Dispatcher.DispatchHandler, Unsubscribable {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // Whether it got its slot (then it is started, or failed at once).
  private started = false;
  // Redirects followed so far.
  private redirects = 0;
  // The current hop: its URL, method, headers and body.
  private url: string;
  private method: HttpRequest['method'];
  private headers: HttpHeaders;
  private data: unknown;
  // The client of the current hop, and its origin.
  private client: Client | undefined;
  private origin = '';
  // undici's abort of the current hop, once it is on a socket.
  private abort: ((err?: Error) => void) | undefined;
  // Set by unsubscribe(): the hop is aborted as soon as undici hands it to a socket.
  private cancelled = false;
  // Set once the slot is given back.
  private released = false;
  // The response of the current hop.
  private status = 0;
  private statusText = '';
  private rawHeaders: Buffer[] = NO_HEADERS;
  private chunks: Buffer[] | undefined;
  private chunk: Buffer | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly request: HttpRequest,
    private readonly subscriber: Subscriber<HttpResponse>,
  ) {
    this.url = request.url;
    this.method = request.method;
    this.headers = request.headers;
    this.data = request.data;
  }

  /** The slot is ours: send the request (or fail, if the transport closed meanwhile). */
  admit(): void {
    this.started = true;
    if (this.pool.closing !== undefined) {
      this.subscriber.error(closedError());
      return;
    }
    this.send(this.url, this.method, this.headers, this.data);
  }

  /** The subscriber left: leave the queue, or abort the hop in flight (which destroys its socket). */
  unsubscribe(): void {
    if (!this.started) {
      this.pool.slots.leave(this);
      return;
    }
    if (this.released) return;
    this.cancelled = true;
    if (this.abort !== undefined) this.abort();
  }

  /** Dispatches a hop: the request itself, or a redirect of it. */
  send(url: string, method: HttpRequest['method'], headers: HttpHeaders, data: unknown): void {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.data = data;
    this.abort = undefined;
    this.status = 0;
    this.chunk = this.chunks = undefined;
    let options: Dispatcher.DispatchOptions;
    try {
      options = dispatchOptions(url, method, headers, data);
    } catch (err) {
      this.onError(err as Error);
      return;
    }
    this.origin = options.origin as string;
    this.client = this.pool.clients.acquire(this.origin);
    this.client.dispatch(options, this);
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
    // Most bodies come in one chunk: no array for those.
    if (this.chunk === undefined) this.chunk = chunk;
    else (this.chunks ??= [this.chunk]).push(chunk);
    return true;
  }

  onComplete(): void {
    const headers = parseHeaders(this.rawHeaders);
    this.rawHeaders = NO_HEADERS;
    const location = headers.location;
    if (this.client !== undefined) this.pool.clients.release(this.origin, this.client);
    this.client = undefined;
    if (this.request.maxRedirects > 0 && this.status >= 300 && this.status < 400 && location !== undefined && !this.cancelled) {
      this.redirect(location);
      return;
    }
    this.release();
    const body = this.chunks !== undefined ? Buffer.concat(this.chunks) : (this.chunk ?? EMPTY);
    this.chunk = this.chunks = undefined;
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
    if (this.client !== undefined) this.pool.clients.discard(this.origin, this.client);
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
      this.onError(Object.assign(new Error(`Maximum number of redirects exceeded (${this.request.maxRedirects})`), { code: 'ERR_TOO_MANY_REDIRECTS' }));
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
    this.pool.slots.release();
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
  if ((data === undefined || data === null) && isEmpty(headers) && !origin.includes('@')) {
    // The common GET: undici only reads the headers object, so the defaults are shared.
    return { origin, path, method, headers: DEFAULT_HEADERS };
  }
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
  throw Object.assign(
    new TypeError(`the request body must be a string, bytes, a stream, a Blob, FormData, URLSearchParams or a JSON object, got a ${typeof data}`),
    {
      code: 'ERR_BAD_REQUEST',
    },
  );
}

/** Raw header pairs as `HttpHeaders`: names lower-cased, repeated headers joined with ', '. */
function parseHeaders(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  const { headerNameToString } = undiciUtil();
  for (let i = 0; i < raw.length; i += 2) {
    // undici's lookup of well-known names (interned, lower-cased), else the bytes lower-cased.
    const name = headerNameToString(raw[i]!);
    const value = raw[i + 1]!.toString('latin1');
    const seen = out[name];
    out[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return out;
}

let util: (typeof import('undici'))['util'] | undefined;

function undiciUtil(): (typeof import('undici'))['util'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (util ??= (require('undici') as typeof import('undici')).util);
}

const NO_HEADERS: Buffer[] = [];
const EMPTY = Buffer.alloc(0);

type Decoder = (body: Buffer, callback: (err: Error | null, result: Buffer) => void) => void;

/** Content codings the transport asks for, and how to undo each. */
const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: (body, callback) => zlib.gunzip(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  'x-gzip': (body, callback) => zlib.gunzip(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  // zlib-wrapped (RFC 1950) as the RFC says, or raw deflate as some servers send.
  deflate: (body, callback) => ((body[0]! & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw)(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }, callback),
  br: (body, callback) => zlib.brotliDecompress(body, callback),
};
