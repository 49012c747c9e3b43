import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Unsubscribable } from 'rxjs';
import type { Client, Dispatcher } from 'undici';
import { startSilence } from '../internal/deadline';
import type { Expiring, Silence } from '../internal/deadline';
import { List } from '../internal/list';
import type { Link } from '../internal/list';
import { readerFor } from './body';
import { respond, respondHead } from './respond';
import type { BodyOwner, BodyReader } from './body';
import { hopHeaders, keepCookies, nextHop } from './redirect';
import type { Hop } from './redirect';
import { isEmpty } from './request';
import {
  ACCEPT_ENCODING,
  USER_AGENT,
  closedError,
  hasNoBody,
  headersFrom,
  isTransportError,
  readTimeoutError,
  transportError,
  unexpectedUpgrade,
} from './response';
import type { Context } from '../internal/context';
import type { Waiter } from '../internal/gate';
import { maxSocketsOption, poolTransport } from './poolTransport';
import type { Sink } from './poolTransport';
import { Slots } from './slots';
import type { HttpHeaders, HttpRequest, PoolTransport, PoolTransportOptions } from './types';

/** Headers every request sends unless it sets them itself: the axios transport's. */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/plain, */*',
  'accept-encoding': ACCEPT_ENCODING,
  'user-agent': USER_AGENT,
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
 * - at most `maxSockets` sockets open (default 100), in use or idle, to all origins
 *   together, so at most that many requests in flight: the others wait in a first-come,
 *   first-served queue of the transport's own, and one dropped while it waits never opens
 *   a socket; a request to an origin without an idle socket, when the pool is full,
 *   closes the least recently used idle socket (of any origin) and waits for it to close;
 * - unsubscribing while the request is in flight aborts it and destroys its socket;
 * - the body is read under `maxContentLength` (received and decoded bytes alike:
 *   `ResponseTooLargeError` as soon as it is crossed, or at once for a `Content-Length`
 *   over it) and `readTimeout` (rxjs `TimeoutError` after that long without data);
 * - the body becomes `data` as `responseType` says, as on every transport (`'auto'` by its
 *   `Content-Type`: JSON, text in its charset or bytes, a Buffer; see `ResponseType`);
 *   gzip, deflate and br bodies are decompressed, `gzip, gzip` twice, and a truncated or
 *   corrupt one fails;
 * - interim `1xx` answers are skipped (`100 Continue` included); a `101` fails with
 *   `ERR_UNEXPECTED_UPGRADE` and its socket is destroyed;
 * - the request, headers and body, is the same on the wire as the axios transport's
 *   (spec/http/wire.spec.ts): a plain object or array as JSON, `URLSearchParams` as a
 *   form, a `FormData` as multipart with its length, a string, Buffer, typed array,
 *   `ArrayBuffer`, stream or `Blob` as it is; axios's default headers (`accept`,
 *   `accept-encoding`, a form `content-type` for a string or bytes sent by POST, PUT or
 *   PATCH without one) and the `user-agent` `rxjs-asyncio`;
 * - `maxRedirects` redirects followed by the session's rules (lib/http/redirect.ts), one
 *   more fails with `ERR_TOO_MANY_REDIRECTS`; each hop sends the session's cookies for its
 *   URL and gives the jar what its response sets, before the next hop (`request.cookies`);
 * - failures (connection refused or reset, DNS) are emitted as the error undici or
 *   Node raised (`code` `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, ...): the session
 *   wraps them in a `NetworkError`. It sets none of undici's timeouts: the session's
 *   `timeout` and `readTimeout` bound a request.
 *
 * The transport owns its connection pool: `close()` destroys it (the session that
 * receives a transport with a `close` calls it from its own `close()`, as aiohttp's
 * session closes the connector it owns). To share one pool between sessions, give
 * each a wrapper without `close` (`(request) => shared(request)`) and close the
 * shared transport yourself.
 *
 * undici is loaded when the first such transport is made, not by `rxjs-asyncio/http`.
 *
 * @param options `maxSockets`: sockets open at most, so requests in flight at most (default 100, `Infinity` for no limit).
 * @returns The transport, with `close()`.
 */
export function undiciTransport(options?: PoolTransportOptions): PoolTransport {
  const pool = new Pool(maxSocketsOption('undiciTransport', options));
  return poolTransport({
    slots: pool.slots,
    call: (request, subscriber) => new Exchange(pool, request, subscriber),
    close: () => (pool.closing = pool.destroy()),
  });
}

/**
 * The connections of a transport: one undici `Client` (one socket at a time) per
 * connection. Those of each origin are kept idle between requests (the most recently
 * used is taken first), and all idle ones are in one list, least recently used first,
 * so that a full pool closes the connection that waited longest.
 *
 * Why not undici's `Pool` or `Agent`: a Pool's client stays "busy" until a turn of the
 * event loop after its response (undici waits before reusing a socket), so a request
 * sent right after a response opens a second connection, and sequential requests
 * would not reuse their socket; and an `Agent` keeps every origin's pool, idle sockets
 * included, with no bound across origins. Here a client is free as soon as its response
 * has arrived (undici still waits that turn before it writes the next request on it).
 */
class Pool {
  readonly slots: Slots;
  /** Set by close(). */
  closing: Promise<void> | undefined;
  // The connections of each origin that has any. An origin keeps its entry while it has
  // connections (a Map swinging between holding a key and not costs a rehash each time,
  // on every request's path).
  private readonly origins = new Map<string, Origin>();
  // Every idle connection, least recently used first.
  private readonly idle = new List<Connection>();
  // Every connection not dropped, idle or in use.
  private readonly connections = new Set<Connection>();
  // Connections not destroyed (in use or idle), and those destroyed whose socket has not closed yet.
  private open = 0;
  private dying = 0;
  // Every destruction not finished yet, for close().
  private readonly destructions = new Set<Promise<void>>();
  private readonly undici: typeof import('undici');
  // The socket connector all connections share (it caches TLS sessions).
  private readonly connector: ReturnType<(typeof import('undici'))['buildConnector']>;

  constructor(private readonly limit: number) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.undici = require('undici') as typeof import('undici');
    this.connector = this.undici.buildConnector({});
    // Sockets still closing count against the limit: a request waits for them.
    this.slots = new Slots(limit, () => this.dying);
  }

  /**
   * A connection to `origin` for one request: an idle one, else a new one; when the pool
   * is full, the least recently used idle connection is closed first, and the new one is
   * handed over once its socket has closed (a promise then).
   */
  acquire(origin: string): Connection | Promise<void> {
    let entry = this.origins.get(origin);
    if (entry === undefined) {
      entry = { origin, idle: [], size: 0 };
      this.origins.set(origin, entry);
    }
    const reused = entry.idle.pop();
    if (reused !== undefined) {
      this.idle.remove(reused);
      return reused;
    }
    // Full: the slot room admits a request only while fewer than `limit` are in flight
    // or closing, so some connection is idle here.
    const oldest = this.open + this.dying >= this.limit ? this.idle.first : undefined;
    if (oldest !== undefined) {
      this.drop(oldest);
      return this.destroyClient(oldest.client);
    }
    const connection = new Connection(this, entry);
    this.connections.add(connection);
    entry.size++;
    this.open++;
    return connection;
  }

  /** Opens a socket for a connection: undici's connector, with interim `100` answers skipped. */
  connect(connection: Connection, options: Parameters<Pool['connector']>[0], callback: Parameters<Pool['connector']>[1]): void {
    this.connector(options, (err, socket) => {
      if (err === null) skipContinues(socket as Duplex, connection);
      (callback as (err: Error | null, socket: unknown) => void)(err, socket);
    });
  }

  /** Gives back the connection of a request that got its response: it keeps its socket for the next one. */
  release(connection: Connection): void {
    if (connection.dropped) return;
    connection.entry.idle.push(connection);
    this.idle.push(connection);
  }

  /** Drops the connection of a request that failed or was aborted (its socket is gone or going). */
  discard(connection: Connection): void {
    if (connection.dropped) return;
    this.drop(connection);
    // After undici has finished the call that failed the request.
    queueMicrotask(() => void this.destroyClient(connection.client));
  }

  /** An idle connection's socket closed (the server's keep-alive timeout): dropped. In use: its request fails, and discard() drops it. */
  disconnected(connection: Connection): void {
    if (connection.dropped || connection.list !== this.idle) return;
    this.drop(connection);
    void this.destroyClient(connection.client);
  }

  /** Destroys every connection: their requests fail, their sockets close; resolves once all have. */
  destroy(): Promise<void> {
    for (const connection of [...this.connections]) {
      this.drop(connection);
      void this.destroyClient(connection.client);
    }
    return Promise.all(this.destructions).then(() => undefined);
  }

  /** Takes a connection out of the pool (idle lists included); its client is destroyed by the caller. */
  private drop(connection: Connection): void {
    connection.dropped = true;
    this.connections.delete(connection);
    this.idle.remove(connection);
    const { entry } = connection;
    const at = entry.idle.indexOf(connection);
    if (at >= 0) entry.idle.splice(at, 1);
    entry.size--;
    this.open--;
    this.dying++;
    if (entry.size === 0 && this.origins.get(entry.origin) === entry) this.origins.delete(entry.origin);
  }

  /** Destroys a dropped connection's client; its socket no longer counts once it has closed. */
  private destroyClient(client: Client): Promise<void> {
    const done = (): void => {
      this.destructions.delete(destroyed);
      this.dying--;
      this.slots.schedule();
    };
    const destroyed: Promise<void> = client.destroy().then(done, done);
    this.destructions.add(destroyed);
    return destroyed;
  }

  /** A new undici client for a connection. */
  client(connection: Connection, origin: string): Client {
    const client = new this.undici.Client(origin, {
      pipelining: 1,
      // The session's timeout and readTimeout bound a request; undici's own timers would only cost time.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: (options, callback) => this.connect(connection, options, callback),
    });
    client.on('disconnect', () => this.disconnected(connection));
    return client;
  }
}

/** The connections of one origin. */
interface Origin {
  readonly origin: string;
  /** Idle connections, the most recently used last. */
  readonly idle: Connection[];
  /** Connections of the origin, idle or in use. */
  size: number;
}

/**
 * One connection: its undici client, its place in the pool's list of idle connections,
 * and the state of its socket's filter of `100 Continue` answers.
 */
class Connection implements Link<Connection> {
  list: List<Connection> | undefined = undefined;
  prevItem: Connection | undefined = undefined;
  nextItem: Connection | undefined = undefined;
  readonly client: Client;
  /** Set once the pool has let it go. */
  dropped = false;
  /** The socket's next bytes start a response (a `100 Continue` there is skipped). */
  atResponseStart = true;
  /** Bytes of a response start not yet known to be a `100 Continue` or not. */
  pending: Buffer | undefined = undefined;

  constructor(
    pool: Pool,
    readonly entry: Origin,
  ) {
    this.client = pool.client(this, entry.origin);
  }
}

/** `HTTP/1.1 100` (the `1` after the dot may be a `0`): the start of a `100 Continue`. */
const CONTINUE = Buffer.from('HTTP/1.1 100', 'latin1');
/** The longest `100 Continue` head skipped; a longer one goes to undici's parser as it is. */
const MAX_CONTINUE = 8192;

/**
 * undici refuses a `100 Continue` it did not expect ("bad response": it never sends
 * `Expect`), where Node, aiohttp and browsers skip it as the interim answer it is. So the
 * bytes of each response start are looked at before undici's parser reads them: undici
 * reads a socket with `socket.read()` only (client-h1.js, `readMore`; pinned by the
 * hostile specs), and a `100 Continue` head there is dropped. Past the first bytes of a
 * response nothing is looked at.
 */
function skipContinues(socket: Duplex, connection: Connection): void {
  const read = socket.read;
  socket.read = function (this: Duplex, size?: number): unknown {
    const chunk = read.call(this, size) as Buffer | null;
    if (!connection.atResponseStart || chunk === null) return chunk;
    return continuesSkipped(connection, chunk);
  };
}

/** A chunk at a response start without the `100 Continue` heads it begins with; `null` while that is not known yet. */
function continuesSkipped(connection: Connection, chunk: Buffer): Buffer | null {
  let data = connection.pending === undefined ? chunk : Buffer.concat([connection.pending, chunk]);
  connection.pending = undefined;
  for (;;) {
    const known = Math.min(data.length, CONTINUE.length + 1);
    for (let i = 0; i < known; i++) {
      const byte = data[i]!;
      const expected = i < CONTINUE.length ? CONTINUE[i] : undefined;
      const ok = i === 7 ? byte === 0x30 || byte === 0x31 : expected === undefined ? byte === 0x20 || byte === 0x0d : byte === expected;
      if (!ok) {
        connection.atResponseStart = false;
        return data;
      }
    }
    const end = data.indexOf('\r\n\r\n', 0, 'latin1');
    if (known <= CONTINUE.length || end < 0) {
      if (data.length > MAX_CONTINUE) {
        connection.atResponseStart = false;
        return data;
      }
      connection.pending = data;
      return null;
    }
    data = data.subarray(end + 4);
    if (data.length === 0) return null;
  }
}

/**
 * One request and the redirects it follows, from its subscription to its end: the
 * waiter of the slot queue, the undici dispatch handler of each hop, the owner of its
 * body's reader, the target of its read deadline, and the subscription's teardown (one
 * object per request, no closure). Holds its slot from the first dispatch until undici
 * is done with the last hop.
 */
class Exchange implements Waiter, Dispatcher.DispatchHandler, BodyOwner, Expiring, Unsubscribable {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // Whether it got its slot (then it is started, or failed at once).
  private started = false;
  // Redirects followed so far.
  private redirects = 0;
  // The current hop.
  private hop: Hop;
  // The connection of the current hop.
  private connection: Connection | undefined;
  // undici's abort of the current hop, once it is on a socket.
  private abort: ((err?: Error) => void) | undefined;
  // Set by unsubscribe() (or an error of its own): the hop is aborted as soon as undici hands it to a socket.
  private cancelled = false;
  // Set once the slot is given back.
  private released = false;
  // The response of the current hop, and the reader of its body.
  private status = 0;
  private statusText = '';
  private headers: Record<string, string> | undefined;
  private body: BodyReader | undefined;
  // The request's readTimeout, from its start.
  private silence: Silence | undefined;
  // The error this exchange ends the request with itself (a limit, a deadline, a 101).
  private failure: Error | undefined;
  // Inside undici's abort() of the hop, called by failWith(): it fails the request once that returns.
  private aborting = false;

  constructor(
    private readonly pool: Pool,
    private readonly request: HttpRequest,
    private readonly subscriber: Sink,
  ) {
    this.hop = request;
  }

  /** The slot is ours: send the request (or fail, if the transport closed meanwhile). */
  admit(): void {
    this.started = true;
    if (this.pool.closing !== undefined) {
      this.subscriber.error(closedError());
      return;
    }
    this.silence = startSilence(this.request.readTimeout, this);
    this.send(this.request);
  }

  /** The subscriber left: leave the queue, or abort the hop in flight (which destroys its socket). */
  unsubscribe(): void {
    if (!this.started) {
      this.pool.slots.leave(this);
      return;
    }
    this.stopTimer();
    this.body?.destroy();
    if (this.released) return;
    this.cancelled = true;
    if (this.abort !== undefined) this.abort();
  }

  /** Dispatches a hop: the request itself, or a redirect of it. */
  private send(hop: Hop): void {
    this.hop = hop;
    this.abort = undefined;
    this.status = 0;
    this.headers = undefined;
    this.body = undefined;
    let options: Dispatcher.DispatchOptions;
    try {
      options = dispatchOptions(hop, hopHeaders(this.request, hop));
    } catch (err) {
      this.onError(err as Error);
      return;
    }
    const acquired = this.pool.acquire(options.origin as string);
    if (acquired instanceof Connection) this.dispatch(acquired, options);
    // The pool was full: a socket of another origin is closing for this one.
    else void acquired.then(() => this.connected(hop));
  }

  /** The socket closed for this hop has closed: send it, or give the slot back if it was dropped meanwhile. */
  private connected(hop: Hop): void {
    if (this.cancelled) this.release();
    else if (!this.released) this.send(hop);
  }

  private dispatch(connection: Connection, options: Dispatcher.DispatchOptions): void {
    this.connection = connection;
    connection.atResponseStart = true;
    connection.pending = undefined;
    connection.client.dispatch(options, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.cancelled) abort();
    else this.abort = abort;
  }

  onHeaders(statusCode: number, raw: Buffer[], _resume: () => void, statusText: string): boolean {
    this.silence?.touch();
    if (statusCode === 101) return this.failWith(unexpectedUpgrade());
    // Interim 1xx answers precede the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.statusText = statusText;
    const headers = parseHeaders(raw);
    this.headers = headers;
    keepCookies(this.request, this.hop.url, headers);
    const body = readerFor(this.request, this.hop, statusCode, headers, this);
    if (body instanceof Error) return this.failWith(body);
    this.body = body;
    respondHead(this.subscriber, this.request, body, this.hop.url, statusCode, statusText, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.silence?.touch();
    this.body?.write(chunk);
    return true;
  }

  onComplete(): void {
    const { connection } = this;
    this.connection = undefined;
    if (connection !== undefined) this.pool.release(connection);
    if (this.cancelled) return;
    // The whole answer has come: no silence of the server's can fail it now (its decoding is ours).
    if (this.body?.keep !== false) this.stopTimer();
    // The body is complete as framed: its reader decodes it, then calls bodyRead().
    this.body?.end();
  }

  onError(err: Error): void {
    const { connection } = this;
    this.connection = undefined;
    if (connection !== undefined) this.pool.discard(connection);
    // undici checks a declared Content-Length against the body of every answer but a
    // HEAD's, and so fails a 204 or 304 that declares one (RFC 9110 lets a 304 give the
    // length it would have had): that answer is whole as it is, and taken (its socket is gone).
    if (
      this.body !== undefined &&
      this.failure === undefined &&
      hasNoBody(this.hop.method, this.status) &&
      (err as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
    ) {
      this.body.end();
      return;
    }
    this.body?.destroy();
    this.stopTimer();
    if (this.aborting) return;
    this.end(this.failure ?? undiciError(err));
  }

  onUpgrade(): void {
    // Never asked for: a request with an Upgrade header is refused at call time.
    this.failWith(unexpectedUpgrade());
  }

  bodyRead(body: Buffer): void {
    const { headers, hop, request } = this;
    if (headers === undefined) return;
    // A body only counted is a redirect's, to follow.
    if (this.body?.keep === false) {
      const next = nextHop(request, hop, this.redirects, this.status, headers.location!);
      if (next instanceof Error) {
        this.end(next);
        return;
      }
      this.redirects++;
      this.send(next);
      return;
    }
    this.release();
    this.stopTimer();
    respond(this.subscriber, request, hop.url, this.status, this.statusText, headers, body);
  }

  bodyFailed(err: Error): void {
    this.failWith(err);
  }

  /** The read deadline passed: the hop is aborted, then the request fails. */
  expire(): void {
    const { method, url } = this.hop;
    this.failWith(readTimeoutError(method, url, this.request.readTimeout));
  }

  /**
   * Ends the request with its own error, its work stopped first: the hop on a socket is
   * aborted (undici calls onError(), then destroys the socket), one still connecting
   * loses its connection; between hops, or decoding after the last, there is none.
   */
  private failWith(err: Error): false {
    if (this.failure !== undefined || this.released) return false;
    this.failure = err;
    this.cancelled = true;
    this.stopTimer();
    this.body?.destroy();
    const { abort, connection } = this;
    this.abort = undefined;
    if (connection !== undefined && abort !== undefined) {
      this.aborting = true;
      try {
        abort(err);
      } finally {
        this.aborting = false;
      }
    } else if (connection !== undefined) {
      this.connection = undefined;
      this.pool.discard(connection);
    }
    this.end(err);
    return false;
  }

  /** Gives the slot back and fails the request (once). */
  private end(err: Error): void {
    this.release();
    this.stopTimer();
    this.subscriber.error(err);
  }

  private stopTimer(): void {
    this.silence?.unsubscribe();
    this.silence = undefined;
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.slots.release();
  }
}

/**
 * undici's error as the request's, in the axios transport's words where they differ:
 * "bad upgrade" is undici's for a 101 with an Upgrade header; `UND_ERR_SOCKET` ("other
 * side closed") its code for a connection the server closed before the answer was
 * whole, where node:http says `ECONNRESET` (undici's error is kept as the `cause`).
 */
function undiciError(err: Error): Error {
  if (isTransportError(err)) return err;
  if (err.message === 'bad upgrade') return unexpectedUpgrade();
  if ((err as { code?: unknown }).code === 'UND_ERR_SOCKET') return Object.assign(transportError('ECONNRESET', err.message), { cause: err });
  return err;
}

/** What undici needs for a hop sent with `headers`: origin, path and headers apart, the body encoded. */
function dispatchOptions(hop: Hop, headers: HttpHeaders): Dispatcher.DispatchOptions {
  const { url, method, data } = hop;
  // The session gives a WHATWG-serialised absolute URL without credentials: its path
  // starts at the first '/' after '//'.
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const origin = pathStart < 0 ? url : url.slice(0, pathStart);
  let path = pathStart < 0 ? '/' : url.slice(pathStart);
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  if ((data === undefined || data === null) && isEmpty(headers)) {
    // The common GET: undici only reads the headers object, so the defaults are shared.
    return { origin, path, method, headers: DEFAULT_HEADERS, reset: keepAfter(method) };
  }
  const out: Record<string, string> = { ...DEFAULT_HEADERS, ...headers };
  const body = encodeBody(data, method, out);
  return { origin, path, method, headers: out, body, reset: keepAfter(method) };
}

/**
 * undici's `reset` for a method: `false` after a HEAD, which undici otherwise closes the
 * connection after (in case a server sends a body anyway) where node:http, and so the
 * axios transport, keeps it; the API promises both transports reuse connections for every
 * method. Otherwise undici decides (from the response's keep-alive). Both close after a
 * HEAD answered with neither Content-Length nor chunked framing: their parser (llhttp)
 * decides on keep-alive before it is told such an answer has no body
 * (spec/http/wire.spec.ts).
 */
function keepAfter(method: string): false | undefined {
  return method === 'HEAD' ? false : undefined;
}

type Body = Dispatcher.DispatchOptions['body'];

/**
 * A request body as undici takes it, with the content type the axios transport sends
 * set in `headers`: a form type for raw bytes and text only on POST, PUT and PATCH (axios's
 * per-method defaults), the body's own type for the others.
 */
function encodeBody(data: unknown, method: string, headers: Record<string, string>): Body {
  if (data === undefined || data === null) return null;
  const contentType = (type: string): void => {
    if (headers['content-type'] === undefined) headers['content-type'] = type;
  };
  const raw = (body: Body): Body => {
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') contentType('application/x-www-form-urlencoded');
    return body;
  };
  if (typeof data === 'string' || Buffer.isBuffer(data) || data instanceof Readable) return raw(data);
  if (ArrayBuffer.isView(data)) return raw(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  if (data instanceof ArrayBuffer) return raw(Buffer.from(data));
  if (data instanceof URLSearchParams) {
    contentType('application/x-www-form-urlencoded;charset=utf-8');
    return data.toString();
  }
  if (data instanceof Blob) {
    if (data.type !== '') contentType(data.type);
    return data as unknown as Body;
  }
  if (data instanceof FormData) {
    const boundary = `rxjs-asyncio-${randomBytes(12).toString('hex')}`;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    return multipart(data, boundary) as unknown as Body;
  }
  if (typeof data === 'object') {
    contentType('application/json');
    return JSON.stringify(data);
  }
  throw transportError(
    'ERR_BAD_REQUEST',
    `the request body must be a string, bytes, a stream, a Blob, FormData, URLSearchParams or a JSON object, got a ${typeof data}`,
  );
}

/**
 * A FormData as a multipart/form-data body, encoded as the WHATWG algorithm (and axios)
 * encode it: names and file names with CR, LF and `"` percent-escaped, line breaks in
 * text values made CRLF, a file's type or `application/octet-stream`. A Blob of the
 * parts, so its size, and the `content-length` the axios transport sends, is known at
 * once, and files are read as they are sent. (undici cannot send Node's global FormData
 * itself: its own FormData class is another one; a fetch `Response` of it is sent chunked.)
 */
function multipart(form: FormData, boundary: string): Blob {
  const escape = (name: string): string => name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  const parts: (string | Blob)[] = [];
  for (const [name, value] of form) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"`;
    if (typeof value === 'string') parts.push(`${head}\r\n\r\n`, value.replace(/\r\n|\r|\n/g, '\r\n'), '\r\n');
    else {
      head += `; filename="${escape(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}`;
      parts.push(`${head}\r\n\r\n`, value, '\r\n');
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return new Blob(parts);
}

/** Raw header pairs as `HttpHeaders` (see `headersFrom`). */
function parseHeaders(raw: Buffer[]): Record<string, string> {
  // undici's lookup of well-known names (interned, lower-cased), else the bytes lower-cased.
  return headersFrom(raw, undiciUtil().headerNameToString, latin1);
}

function latin1(bytes: Buffer): string {
  // What `toString('latin1')` calls once it has looked at its arguments (undici reads
  // bodies with `utf8Slice` the same way): a tenth of a µs a response, on every one.
  return (bytes as LatinSlice).latin1Slice(0, bytes.length);
}

/** Node's `Buffer#latin1Slice`, behind `toString('latin1')`, which @types/node does not declare. */
type LatinSlice = Buffer & { latin1Slice(start: number, end: number): string };

let util: (typeof import('undici'))['util'] | undefined;

function undiciUtil(): (typeof import('undici'))['util'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (util ??= (require('undici') as typeof import('undici')).util);
}

export type { HttpHeaders };
