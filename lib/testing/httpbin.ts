import { isUtf8 } from 'node:buffer';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { checkBoolean, checkInterval, checkNonNegativeInteger, checkOneOf, fail, readOptions } from '../internal/validate';
import { HTML_SAMPLE, TEAPOT, UTF8_SAMPLE, XML_SAMPLE, samplePng } from './httpbinSamples';

/**
 * A fault that `/chaos/:key` can answer with (see {@link ChaosOptions}):
 *
 * - `'reset'`: destroys the socket without answering (as `/reset`);
 * - `'hang'`: never answers (as `/hang`);
 * - `'slow-body'`: a 200 whose body trickles in over `slowBodyMs` (as `/slow-body`);
 * - `'status-5xx'`: a 500, 502, 503 or 504 with an empty body;
 * - `'truncated-json'`: a JSON 200 whose `Content-Length` is larger than what is sent,
 *   then the socket is destroyed (as `/truncated-json`);
 * - `'malformed-json'`: a complete 200 with `Content-Type: application/json` whose body
 *   is not JSON (as `/malformed-json`).
 */
export type ChaosKind = 'reset' | 'hang' | 'slow-body' | 'status-5xx' | 'truncated-json' | 'malformed-json';

/** Every {@link ChaosKind}, in a fixed order. */
export const CHAOS_KINDS: readonly ChaosKind[] = ['reset', 'hang', 'slow-body', 'status-5xx', 'truncated-json', 'malformed-json'];

/**
 * Seeded faults for `/chaos/:key`. Whether a key fails, and how, is a pure function of
 * `seed` and the key, not of arrival order or timing: the same
 * seed gives the same faults on every run, however the requests interleave, and a test
 * can compute what each request must end with.
 */
export interface ChaosOptions {
  /** Any safe integer; the same seed, the same faults. */
  readonly seed: number;
  /** The share of keys that fail, from 0 to 1. */
  readonly rate: number;
  /** The faults to draw from, each as likely. Default: every {@link ChaosKind}. */
  readonly kinds?: readonly ChaosKind[];
  /** How long a `'slow-body'` takes to send its body, in ms. Default 2000; at most 10,000. */
  readonly slowBodyMs?: number;
}

/** Options of {@link startHttpbin}. */
export interface HttpbinOptions {
  /** Port to listen on. Default `0`: a free port chosen by the system. */
  readonly port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Turns on `/chaos/:key` (a 404 without it): seeded faults, see {@link ChaosOptions}. */
  readonly chaos?: ChaosOptions;
  /**
   * Lets pages of other origins call the server, as httpbin.org does (default `false`):
   * a request with an `Origin` gets it back in `Access-Control-Allow-Origin`, with
   * credentials allowed and every response header exposed; a CORS preflight (`OPTIONS`
   * with `Access-Control-Request-Method`) is answered 204, allowing the method and the
   * headers it asks for.
   */
  readonly cors?: boolean;
}

/** A running httpbin-style server, from {@link startHttpbin}. */
export interface Httpbin {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Requests received so far (counted when their headers arrive, whatever the route). */
  readonly requests: number;
  /** Connections open right now. */
  readonly openConnections: number;
  /** The most connections that were open at the same time since the server started. */
  readonly maxOpenConnections: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Requests received and not yet answered in full (nor abandoned by their client). */
  readonly activeRequests: number;
  /** The most requests that were active at the same time since the server started. */
  readonly maxActiveRequests: number;
  /** Timers of delayed and trickling responses still pending (0 once their clients are gone). */
  readonly pendingTimers: number;
  /**
   * The fault `/chaos/:key` answers `key` with, or `undefined` for a normal answer
   * (always `undefined` when the server was started without `chaos`).
   */
  chaosFault(key: string): ChaosKind | undefined;
  /**
   * Resolves as soon as at most `n` connections are open (at once if that holds
   * already); rejects if that has not happened within `timeoutMs` (default 5000).
   * Lets a test await "the server saw the client close its socket" without sleeping.
   */
  waitForOpenConnections(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves as soon as at least `n` requests have been received; rejects if that
   * has not happened within `timeoutMs` (default 5000) or the server closes first.
   * Lets a test await "the request reached the server" before it unsubscribes.
   */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves as soon as at most `n` requests are active (received, and neither
   * answered in full nor abandoned by their client); rejects if that has not happened
   * within `timeoutMs` (default 5000). Lets a test await "every request the client
   * cancelled was aborted" while its keep-alive sockets stay open.
   */
  waitForActiveRequests(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Stops listening, destroys every open socket and clears every timer of the
   * server (delayed and trickling responses included). Resolves once the server
   * and all of its sockets are closed. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Largest body `/bytes/:n` serves (16 MiB); larger `n` is a 400. */
const MAX_BYTES = 16 * 1024 * 1024;
/** Longest `/delay/:seconds` and `/slow-body/:seconds` (httpbin caps delays at 10 s). */
const MAX_SECONDS = 10;
/** `/slow-body` sends one chunk per this many ms (at least one chunk). */
const SLOW_BODY_CHUNK_MS = 100;
/** The statuses a `'status-5xx'` fault draws from. */
const CHAOS_STATUSES = [500, 502, 503, 504] as const;
/** Default {@link ChaosOptions.slowBodyMs}. */
const CHAOS_SLOW_BODY_MS = 2000;

/** httpbin's `/json` sample document. */
const SLIDESHOW = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      {
        items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'],
        title: 'Overview',
        type: 'all',
      },
    ],
    title: 'Sample Slide Show',
  },
};

/** A pending `waitFor*` promise: settled when `ready()` holds, or rejected at its timer. */
interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

class HttpbinServer implements Httpbin {
  url = '';
  // Requests received so far.
  private requestCount = 0;
  // Connections accepted so far.
  private connectionCount = 0;
  // Requests whose response has not closed yet, and the most there have been at once.
  private active = 0;
  private activePeak = 0;
  // The largest size `sockets` has had.
  private peak = 0;
  // Sockets open right now; destroyed on close.
  private readonly sockets = new Set<Socket>();
  // Timers of delayed and trickling responses; each is removed when it fires or its response closes.
  private readonly timers = new Set<NodeJS.Timeout>();
  // Pending waitForOpenConnections / waitForRequests promises.
  private readonly waiters = new Set<Waiter>();
  // Set by the first close(); later calls return it.
  private closing: Promise<void> | undefined;
  // While closing: resolves `closing` once the last socket has closed.
  private drained: (() => void) | undefined;
  private readonly server: Server;

  constructor(
    private readonly chaos: Required<ChaosOptions> | undefined,
    private readonly cors: boolean,
  ) {
    this.server = createServer((req, res) => {
      try {
        this.handle(req, res);
      } catch (err) {
        // What the request asked for cannot be sent (a header value it chose, say): a 500,
        // as httpbin's own server answers, never a crash of the process that hosts it.
        failed(res, err);
      }
    });
    this.server.on('connection', (socket: Socket) => {
      this.connectionCount++;
      this.sockets.add(socket);
      this.peak = Math.max(this.peak, this.sockets.size);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.check();
        if (this.sockets.size === 0) this.drained?.();
      });
    });
  }

  get requests(): number {
    return this.requestCount;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  get maxOpenConnections(): number {
    return this.peak;
  }

  get connections(): number {
    return this.connectionCount;
  }

  get activeRequests(): number {
    return this.active;
  }

  get maxActiveRequests(): number {
    return this.activePeak;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  chaosFault(key: string): ChaosKind | undefined {
    if (typeof key !== 'string') fail('type', 'httpbin.chaosFault', 'key', 'a string', key);
    return this.chaos === undefined ? undefined : chaosFault(this.chaos, key);
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.url = `http://${shownHost}:${address.port}`;
        resolve();
      });
    });
  }

  waitForOpenConnections(n: number, timeoutMs = 5000): Promise<void> {
    checkNonNegativeInteger('httpbin.waitForOpenConnections', 'n', n);
    checkInterval('httpbin.waitForOpenConnections', 'timeoutMs', timeoutMs);
    return this.waitUntil(
      () => this.sockets.size <= n,
      () => `httpbin: ${this.sockets.size} connections still open after ${timeoutMs} ms, waited for at most ${n}`,
      timeoutMs,
    );
  }

  waitForRequests(n: number, timeoutMs = 5000): Promise<void> {
    checkNonNegativeInteger('httpbin.waitForRequests', 'n', n);
    checkInterval('httpbin.waitForRequests', 'timeoutMs', timeoutMs);
    return this.waitUntil(
      () => this.requestCount >= n,
      () => `httpbin: ${this.requestCount} requests received after ${timeoutMs} ms, waited for ${n}`,
      timeoutMs,
    );
  }

  waitForActiveRequests(n: number, timeoutMs = 5000): Promise<void> {
    checkNonNegativeInteger('httpbin.waitForActiveRequests', 'n', n);
    checkInterval('httpbin.waitForActiveRequests', 'timeoutMs', timeoutMs);
    return this.waitUntil(
      () => this.active <= n,
      () => `httpbin: ${this.active} requests still active after ${timeoutMs} ms, waited for at most ${n}`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      // The server's callback comes when its connection count drops to 0, which is
      // before the sockets emit 'close': wait for those too.
      this.server.close(() => {
        if (this.sockets.size === 0) resolve();
        else this.drained = resolve;
      });
      for (const socket of this.sockets) socket.destroy();
    }).then(() => {
      // Sockets are all closed now, so connection waiters have resolved; the rest never will.
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('httpbin: the server closed while a test was waiting on it'));
      }
      this.waiters.clear();
    });
    return this.closing;
  }

  private waitUntil(ready: () => boolean, message: () => string, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(message()));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Settles every waiter whose condition now holds. */
  private check(): void {
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /** Runs `fn` after `ms` unless the response closes first (client gone, or server closing). */
  private later(res: ServerResponse, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      res.off('close', cancel);
      fn();
    }, ms);
    const cancel = (): void => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
    this.timers.add(timer);
    res.once('close', cancel);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requestCount++;
    this.active++;
    this.activePeak = Math.max(this.activePeak, this.active);
    res.once('close', () => {
      this.active--;
      this.check();
    });
    this.check();
    if (this.cors && allowOrigin(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://httpbin.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const [, route = '', ...segments] = path.split('/');
    // Each segment as the client meant it (`/basic-auth/a%20b/p` is user `a b`), as httpbin reads them.
    const params = segments.map(decodeSegment);
    const method = req.method ?? 'GET';
    const call: Call = { req, res, url, method, params };
    // As Flask answers for every route: OPTIONS with its Allow, a method it does not take with 405.
    const answeredMethod = (allowed: readonly string[]): boolean => {
      if (method !== 'OPTIONS' && allowed.includes(method)) return false;
      req.resume();
      if (method === 'OPTIONS') sendText(res, 200, '', { allow: allowHeader(allowed) });
      else refuseMethod(call, allowed);
      return true;
    };

    // Routes that echo the request body.
    if (route === 'anything') {
      if (answeredMethod(ANY_METHOD)) return;
      void readBody(req).then((body) => sendJson(res, 200, { ...echo(req, url), ...describeBody(req, body), method }));
      return;
    }
    if (BODY_METHODS.has(route) && params.length === 0) {
      if (answeredMethod([route.toUpperCase()])) return;
      void readBody(req).then((body) => sendJson(res, 200, { ...echo(req, url), ...describeBody(req, body) }));
      return;
    }
    if (route === 'delay' && params.length === 1) {
      if (answeredMethod(DELAY_METHODS)) return;
      const seconds = parseSeconds(params[0]!);
      if (seconds === undefined) {
        req.resume();
        return sendText(res, 400, `invalid delay ${params[0]}\n`);
      }
      // The timer starts with the request; the body is read meanwhile.
      const body = readBody(req);
      this.later(
        res,
        seconds * 1000,
        () =>
          void body.then((bytes) => {
            const { data, files, form } = describeBody(req, bytes);
            sendJson(res, 200, { ...echo(req, url), data, files, form });
          }),
      );
      return;
    }
    // Every other route ignores the request body, but reads it so the connection can be reused.
    req.resume();
    if (route === 'hang' && params.length === 0) return; // Never answered: the socket stays open until the client or close() ends it.
    if (route === 'reset' && params.length === 0) return reset(req);
    if (route === 'slow-body' && params.length === 1) return this.slowBody(res, params[0]!);
    if (route === 'chaos' && params.length === 1) return this.chaosAnswer(req, res, params[0]!);
    const paced = (route === 'drip' || route === 'sse') && params.length === 0 ? route : route === 'range' && params.length === 1 ? route : undefined;
    if (paced !== undefined) {
      if (answeredMethod(GET_METHODS)) return;
      if (paced === 'drip') return this.drip(call);
      if (paced === 'sse') return this.sse(call);
      return this.range(call, params[0]!);
    }
    const answer = ROUTES[route]?.[params.length];
    if (answer === undefined) return sendText(res, 404, 'Not Found\n');
    if (answeredMethod(answer.methods ?? GET_METHODS)) return;
    answer.run(call);
  }

  /** `/chaos/:key`: the key's fault, if it draws one, else a JSON `{ key }`. */
  private chaosAnswer(req: IncomingMessage, res: ServerResponse, key: string): void {
    if (this.chaos === undefined) return sendText(res, 404, 'Not Found (chaos mode is off: startHttpbin({ chaos }))\n');
    const fault = chaosFault(this.chaos, key);
    switch (fault) {
      case undefined:
        return sendJson(res, 200, { key });
      case 'reset':
        return reset(req);
      case 'hang':
        return;
      case 'slow-body':
        return this.trickle(res, this.chaos.slowBodyMs);
      case 'status-5xx':
        return sendText(res, CHAOS_STATUSES[draws(this.chaos.seed, key)[2] % CHAOS_STATUSES.length]!, '');
      case 'truncated-json':
        return sendTruncatedJson(req, res);
      case 'malformed-json':
        return sendMalformedJson(res);
    }
  }

  /** `/slow-body/:seconds`. */
  private slowBody(res: ServerResponse, param: string): void {
    const seconds = parseSeconds(param);
    if (seconds === undefined) return sendText(res, 400, `invalid duration ${param}\n`);
    this.trickle(res, seconds * 1000);
  }

  /** Sends the headers now, then chunk i of n at (i + 1) * ms / n, the last one at `ms`. */
  private trickle(res: ServerResponse, ms: number): void {
    const n = Math.max(1, Math.ceil(ms / SLOW_BODY_CHUNK_MS));
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.flushHeaders();
    this.spaced(res, n, (i) => `chunk ${i + 1} of ${n}\n`, ms / n, 1);
  }

  /**
   * Writes `chunk(i)` for i from 0 to n - 1 at `(i + lead) * gapMs` from now and ends the
   * response at `n * gapMs` (with the last chunk when `lead` is 1). With no gap, all at once.
   */
  private spaced(res: ServerResponse, n: number, chunk: (i: number) => string | Buffer, gapMs: number, lead: 0 | 1): void {
    if (!(gapMs > 0)) {
      for (let i = 0; i < n; i++) res.write(chunk(i));
      res.end();
      return;
    }
    const tick = (k: number): void => {
      if (k - lead >= 0 && k - lead < n) res.write(chunk(k - lead));
      if (k >= n) res.end();
      else this.later(res, gapMs, () => tick(k + 1));
    };
    tick(0);
  }

  /**
   * `/drip?duration=&numbytes=&code=&delay=`: after `delay` seconds the headers (with a
   * `Content-Length`), then `numbytes` asterisks, one every `duration / numbytes` seconds.
   */
  private drip({ res, url }: Call): void {
    const query = caseInsensitiveQuery(url);
    const duration = parseSeconds(query.get('duration') ?? '2');
    const delay = parseSeconds(query.get('delay') ?? '0');
    const numbytes = parseInteger(query.get('numbytes') ?? '10');
    const code = parseInteger(query.get('code') ?? '200');
    if (duration === undefined || delay === undefined || numbytes === undefined || code === undefined || code < 200 || code > 599) {
      return sendText(res, 400, `invalid drip ${url.search}\n`);
    }
    if (numbytes <= 0) return sendText(res, 400, 'number of bytes must be positive');
    const n = Math.min(numbytes, MAX_DRIP_BYTES);
    this.later(res, delay * 1000, () => {
      res.writeHead(code, STATUS_CODES[code] ?? 'Unknown', { 'content-type': 'application/octet-stream', 'content-length': n });
      res.flushHeaders();
      this.spaced(res, n, () => '*', (duration * 1000) / n, 0);
    });
  }

  /**
   * `/range/:numbytes?chunk_size=&duration=`: `numbytes` bytes of `abc...z` repeated,
   * honouring a `Range: bytes=first-last` header (206, or 416 outside the body), in
   * chunks of `chunk_size` spread over `duration` seconds.
   */
  private range({ req, res, url }: Call, param: string): void {
    const size = parseInteger(param);
    if (size === undefined) return sendText(res, 404, 'Not Found\n');
    const etag = `range${size}`;
    if (size <= 0 || size > MAX_STREAM_BYTES) {
      return sendText(res, 404, `number of bytes must be in the range (0, ${MAX_STREAM_BYTES}]`, { etag, 'accept-ranges': 'bytes' });
    }
    const query = caseInsensitiveQuery(url);
    const chunkSize = Math.max(1, parseInteger(query.get('chunk_size') ?? '') ?? 10 * 1024);
    const duration = parseSeconds(query.get('duration') ?? '0');
    if (duration === undefined) return sendText(res, 400, `invalid duration ${query.get('duration')}\n`);
    const span = byteRange(req.headers.range, size);
    if (span === undefined) {
      res.writeHead(416, { etag, 'accept-ranges': 'bytes', 'content-range': `bytes */${size}`, 'content-length': 0 });
      res.end();
      return;
    }
    const [first, last] = span;
    const body = Buffer.alloc(last + 1 - first);
    for (let i = first; i <= last; i++) body[i - first] = 0x61 + (i % 26);
    res.writeHead(first === 0 && last === size - 1 ? 200 : 206, {
      'content-type': 'application/octet-stream',
      etag,
      'accept-ranges': 'bytes',
      'content-length': body.length,
      'content-range': `bytes ${first}-${last}/${size}`,
    });
    res.flushHeaders();
    const n = Math.ceil(body.length / chunkSize);
    this.spaced(res, n, (i) => body.subarray(i * chunkSize, (i + 1) * chunkSize), (duration * 1000) / n, 1);
  }

  /**
   * `/sse?count=&duration=&delay=` (go-httpbin's route; httpbin 0.7 has none): after
   * `delay` seconds, `count` Server-Sent Events `ping`, with ids 0 to count - 1, spread
   * over `duration` seconds.
   */
  private sse({ res, url }: Call): void {
    const query = caseInsensitiveQuery(url);
    const count = parseInteger(query.get('count') ?? '10');
    const duration = parseSeconds(query.get('duration') ?? '5', true);
    const delay = parseSeconds(query.get('delay') ?? '0', true);
    if (count === undefined || count < 1 || count > MAX_SSE_EVENTS || duration === undefined || delay === undefined) {
      return sendText(res, 400, `invalid sse ${url.search}\n`);
    }
    this.later(res, delay * 1000, () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const event = (id: number): string => `id: ${id}\nevent: ping\ndata: {"id":${id},"timestamp":${Date.now()}}\n\n`;
      this.spaced(res, count, event, (duration * 1000) / count, 0);
    });
  }
}

/** One request as a route sees it: `params` are the path segments after the route's name. */
interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly params: readonly string[];
}

/** A route of {@link ROUTES}: what it answers, and to which methods (GET and HEAD by default). */
interface Route {
  readonly methods?: readonly string[];
  readonly run: (call: Call) => void;
}

const GET_METHODS: readonly string[] = ['GET', 'HEAD'];
/** The methods httpbin's `/status`, `/redirect-to` and `/anything` accept: any (OPTIONS answered as for every route). */
const ANY_METHOD: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE'];
/** httpbin.org's `/delay/:n` echoes these, body included. */
const DELAY_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** `/post`, `/put`, `/patch` and `/delete` echo a request of their own method only. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Largest body `/drip` sends (10 MiB, as httpbin). */
const MAX_DRIP_BYTES = 10 * 1024 * 1024;
/** Largest body of `/stream-bytes` and `/range` (100 KiB, as httpbin). */
const MAX_STREAM_BYTES = 100 * 1024;
/** Most lines `/stream/:n` sends (100, as httpbin). */
const MAX_STREAM_LINES = 100;
/** Most events `/sse` sends. */
const MAX_SSE_EVENTS = 1000;
/** Where httpbin's `/status/3xx` points (httpbin itself says `/redirect/1`; ours goes straight to `/get`). */
const STATUS_LOCATION = '/get';

/**
 * The routes without timers, by name and then by the number of path segments after it
 * (`/redirect/3` is `ROUTES.redirect[1]`). The timed ones (`/delay`, `/drip`, `/range`,
 * `/sse`, `/slow-body`) and the body echoes are methods of the server.
 */
const ROUTES: Readonly<Record<string, Readonly<Record<number, Route>>>> = {
  get: { 0: { run: ({ req, res, url }) => sendJson(res, 200, echo(req, url)) } },
  headers: { 0: { run: ({ req, res }) => sendJson(res, 200, { headers: titleCaseHeaders(req) }) } },
  ip: { 0: { run: ({ req, res }) => sendJson(res, 200, { origin: req.socket.remoteAddress ?? '' }) } },
  'user-agent': { 0: { run: ({ req, res }) => sendJson(res, 200, { 'user-agent': req.headers['user-agent'] ?? null }) } },
  uuid: { 0: { run: ({ res }) => sendJson(res, 200, { uuid: randomUUID() }) } },
  json: { 0: { run: ({ res }) => sendJson(res, 200, SLIDESHOW) } },
  'truncated-json': { 0: { run: ({ req, res }) => sendTruncatedJson(req, res) } },
  'malformed-json': { 0: { run: ({ res }) => sendMalformedJson(res) } },
  status: { 1: { methods: ANY_METHOD, run: ({ res, params }) => sendStatus(res, params[0]!) } },
  bytes: { 1: { run: ({ res, url, params }) => sendBytes(res, url, params[0]!, false) } },
  'stream-bytes': { 1: { run: ({ res, url, params }) => sendBytes(res, url, params[0]!, true) } },
  stream: { 1: { run: ({ req, res, url, params }) => sendStream(req, res, url, params[0]!) } },
  links: {
    1: { run: ({ res, params }) => (isInteger(params[0]!) ? sendRedirect(res, 302, `/links/${params[0]}/0`) : sendNotFound(res)) },
    2: { run: ({ res, params }) => sendLinks(res, params[0]!, params[1]!) },
  },
  redirect: { 1: { run: (call) => redirectTimes(call, call.url.searchParams.get('absolute')?.toLowerCase() === 'true' ? 'absolute' : 'relative', true) } },
  'relative-redirect': { 1: { run: (call) => redirectTimes(call, 'relative', false) } },
  'absolute-redirect': { 1: { run: (call) => redirectTimes(call, 'absolute', true) } },
  'redirect-to': { 0: { methods: ANY_METHOD, run: redirectTo } },
  cookies: {
    0: { run: ({ req, res }) => sendJson(res, 200, { cookies: requestCookies(req) }) },
    1: { run: cookiesByQuery },
    3: { run: ({ res, params }) => (params[0] === 'set' ? setCookies(res, [[params[1]!, params[2]!]]) : sendNotFound(res)) },
  },
  'basic-auth': { 2: { run: (call) => basicAuth(call, 401) } },
  'hidden-basic-auth': { 2: { run: (call) => basicAuth(call, 404) } },
  bearer: { 0: { run: bearerAuth } },
  'response-headers': { 0: { methods: ['GET', 'HEAD', 'POST'], run: responseHeaders } },
  gzip: { 0: { run: (call) => sendCompressed(call, 'gzip') } },
  deflate: { 0: { run: (call) => sendCompressed(call, 'deflate') } },
  brotli: { 0: { run: (call) => sendCompressed(call, 'br') } },
  encoding: { 1: { run: ({ res, params }) => (params[0] === 'utf8' ? sendText(res, 200, UTF8_SAMPLE, { 'content-type': HTML }) : sendNotFound(res)) } },
  html: { 0: { run: ({ res }) => sendText(res, 200, HTML_SAMPLE, { 'content-type': HTML }) } },
  xml: { 0: { run: ({ res }) => sendText(res, 200, XML_SAMPLE, { 'content-type': 'application/xml' }) } },
  image: {
    0: { run: sendImage },
    1: { run: ({ res, params }) => (params[0] === 'png' ? sendPng(res) : sendNotFound(res)) },
  },
  base64: { 1: { run: ({ res, params }) => sendBase64(res, params[0]!) } },
  cache: {
    0: { run: cache },
    1: {
      run: ({ req, res, url, params }) =>
        isInteger(params[0]!) ? sendJson(res, 200, echo(req, url), { 'cache-control': `public, max-age=${params[0]}` }) : sendNotFound(res),
    },
  },
  etag: { 1: { run: etag } },
};

const HTML = 'text/html; charset=utf-8';
/** The value `/cookies/delete` sets: expired at once. */
const DELETED = Symbol('deleted');

/** A query whose names are matched in any case, as httpbin reads `/drip` and `/range` arguments. */
function caseInsensitiveQuery(url: URL): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (!query.has(name.toLowerCase())) query.set(name.toLowerCase(), value);
  }
  return query;
}

function isInteger(text: string): boolean {
  return /^\d+$/.test(text);
}

/** A non-negative decimal integer, or `undefined`. */
function parseInteger(text: string): number | undefined {
  return isInteger(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
}

function sendNotFound(res: ServerResponse): void {
  sendText(res, 404, 'Not Found\n');
}

/** 405 with the route's `Allow`, as httpbin answers a method a route does not take. */
function refuseMethod({ res }: Call, allowed: readonly string[]): void {
  sendText(res, 405, 'Method Not Allowed\n', { allow: allowHeader(allowed) });
}

/** The `Allow` of a route that takes `allowed`: OPTIONS always works. */
function allowHeader(allowed: readonly string[]): string {
  return (allowed.includes('OPTIONS') ? allowed : [...allowed, 'OPTIONS']).join(', ');
}

/**
 * `/status/:codes`: that status, or one drawn from `200,201:3,...` (weights after a
 * colon), with httpbin's extras: a `Location` on 301, 302, 303, 305 and 307, the
 * challenges of 401 and 407, the bodies of 402, 406 and 418.
 */
function sendStatus(res: ServerResponse, codes: string): void {
  const choices: [number, number][] = [];
  for (const choice of codes.split(',')) {
    const [code = '', weight = '1'] = choice.split(':');
    const status = Number(code);
    if (!/^\d{3}$/.test(code) || status < 200 || status > 599 || !(Number(weight) >= 0)) return sendText(res, 400, `invalid status code ${codes}\n`);
    choices.push([status, Number(weight)]);
  }
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = Math.random() * total;
  const [status] = choices.find(([, weight]) => (draw -= weight) < 0) ?? choices[choices.length - 1]!;
  switch (status) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 307:
      return sendText(res, status, '', { location: STATUS_LOCATION });
    case 401:
      return sendText(res, status, '', { 'www-authenticate': 'Basic realm="Fake Realm"' });
    case 402:
      return sendText(res, status, 'Fuck you, pay me!', { 'x-more-info': 'http://vimeo.com/22053820' });
    case 406:
      return sendJson(res, status, {
        message: 'Client did not request a supported media type.',
        accept: ['image/webp', 'image/svg+xml', 'image/jpeg', 'image/png', 'image/*'],
      });
    case 407:
      return sendText(res, status, '', { 'proxy-authenticate': 'Basic realm="Fake Realm"' });
    case 418:
      return sendText(res, status, TEAPOT, { 'x-more-info': 'http://tools.ietf.org/html/rfc2324' });
    default:
      return sendText(res, status, '');
  }
}

/**
 * `/bytes/:n` (at most 16 MiB, with a `Content-Length`) and `/stream-bytes/:n` (at most
 * 100 KiB, chunked in `chunk_size` pieces): random bytes, the same ones for the same
 * `?seed=` (httpbin's seeded bytes come from Python's generator, so not the same ones).
 */
function sendBytes(res: ServerResponse, url: URL, param: string, streamed: boolean): void {
  const query = caseInsensitiveQuery(url);
  const n = parseInteger(param);
  const seed = query.has('seed') ? parseInteger(query.get('seed')!) : undefined;
  if (n === undefined || (!streamed && n > MAX_BYTES) || (query.has('seed') && seed === undefined)) return sendText(res, 400, `invalid byte count ${param}\n`);
  const size = streamed ? Math.min(n, MAX_STREAM_BYTES) : n;
  const body = seed === undefined ? randomBytes(size) : seededBytes(seed, size);
  if (!streamed) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    res.end(body);
    return;
  }
  const chunkSize = Math.max(1, parseInteger(query.get('chunk_size') ?? '') ?? 10 * 1024);
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  for (let at = 0; at < size; at += chunkSize) res.write(body.subarray(at, at + chunkSize));
  res.end();
}

/** `n` bytes from mulberry32 seeded with `seed`. */
function seededBytes(seed: number, n: number): Buffer {
  const next = mulberry32(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) {
    const word = next();
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
  }
  return out;
}

/** `/stream/:n`: `n` lines (at most 100) of JSON, each a `/get` echo with its `id`, chunked. */
function sendStream(req: IncomingMessage, res: ServerResponse, url: URL, param: string): void {
  const n = parseInteger(param);
  if (n === undefined) return sendNotFound(res);
  const line = echo(req, url);
  res.writeHead(200, { 'content-type': 'application/json' });
  for (let id = 0; id < Math.min(n, MAX_STREAM_LINES); id++) res.write(`${JSON.stringify({ ...line, id })}\n`);
  res.end();
}

/** A 3xx to `location`, with the small HTML page httpbin's framework writes. */
function sendRedirect(res: ServerResponse, status: number, location: string, headers: Record<string, string | string[]> = {}): void {
  const href = location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const html = `<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${href}">${href}</a>. If not, click the link.\n`;
  res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', { 'content-type': HTML, 'content-length': Buffer.byteLength(html), location, ...headers });
  res.end(html);
}

/**
 * `/redirect/:n`, `/relative-redirect/:n`, `/absolute-redirect/:n`: a 302 to the same
 * route with n - 1 (to `/get` when n is 1); `absolute` gives `http://host/...`.
 * `/relative-redirect` sends no body, as httpbin.
 */
function redirectTimes({ req, res, params }: Call, kind: 'relative' | 'absolute', withBody: boolean): void {
  const n = parseInteger(params[0]!);
  if (n === undefined) return sendNotFound(res);
  if (n === 0) return sendText(res, 400, 'the number of redirects must be at least 1\n');
  const origin = kind === 'absolute' ? `http://${req.headers.host ?? 'localhost'}` : '';
  const location = `${origin}${n === 1 ? '/get' : `/${kind}-redirect/${n - 1}`}`;
  if (withBody) return sendRedirect(res, 302, location);
  sendText(res, 302, '', { 'content-type': HTML, location });
}

/** `/redirect-to?url=&status_code=`: that `Location` exactly, with a 302 or the 3xx asked for. */
function redirectTo({ res, url }: Call): void {
  const query = caseInsensitiveQuery(url);
  const target = query.get('url');
  if (target === undefined) return sendText(res, 400, 'the url argument is required\n');
  const code = parseInteger(query.get('status_code') ?? '');
  const status = code !== undefined && code >= 300 && code < 400 ? code : 302;
  sendText(res, status, '', { 'content-type': HTML, location: target });
}

/** The request's cookies, by name (the first of a repeated name wins, as httpbin). */
function requestCookies(req: IncomingMessage): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    // A cookie without `=` is a name with an empty value, as werkzeug reads it.
    const at = part.indexOf('=');
    const name = (at < 0 ? part : part.slice(0, at)).trim();
    let value = at < 0 ? '' : part.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = cookieUnquote(value.slice(1, -1));
    if (name !== '' && !Object.hasOwn(cookies, name)) cookies[name] = value;
  }
  return cookies;
}

/** `/cookies/set?name=value...` and `/cookies/delete?name...`. */
function cookiesByQuery({ res, url, params }: Call): void {
  const names = [...new Set(url.searchParams.keys())];
  if (params[0] === 'set')
    return setCookies(
      res,
      names.map((name) => [name, url.searchParams.get(name)!]),
    );
  if (params[0] === 'delete')
    return setCookies(
      res,
      names.map((name) => [name, DELETED]),
    );
  sendNotFound(res);
}

/** A 302 to `/cookies` that sets (or deletes) each cookie, for the whole site (`Path=/`). */
function setCookies(res: ServerResponse, cookies: readonly (readonly [string, string | typeof DELETED])[]): void {
  const header = cookies.map(([name, value]) =>
    value === DELETED ? `${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/` : `${name}=${cookieValue(value)}; Path=/`,
  );
  sendRedirect(res, 302, '/cookies', header.length === 0 ? {} : { 'set-cookie': header });
}

/** A cookie value as it goes on the wire: as it is when it may, else quoted (RFC 6265 `cookie-octet`s). */
function cookieValue(value: string): string {
  if (/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(value)) return value;
  return `"${[...Buffer.from(value, 'utf8')].map(quotedCookieByte).join('')}"`;
}

/** A byte of a quoted cookie value as werkzeug writes it: `,` and `;` (which would end the cookie) and bytes outside ASCII's printable ones in octal, `"` and `\` after a backslash. */
function quotedCookieByte(byte: number): string {
  if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`;
  if (byte < 0x20 || byte >= 0x7f || byte === 0x2c || byte === 0x3b) return `\\${byte.toString(8).padStart(3, '0')}`;
  return String.fromCharCode(byte);
}

/** The inside of a quoted cookie value, its escapes undone (`\073` is `;`, `\"` is `"`), as UTF-8. */
function cookieUnquote(quoted: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < quoted.length; i++) {
    const octal = quoted[i] === '\\' ? /^[0-3][0-7]{2}/.exec(quoted.slice(i + 1, i + 4)) : null;
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      if (quoted[i] === '\\' && i + 1 < quoted.length) i++;
      bytes.push(...Buffer.from(quoted[i]!, 'latin1'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `/basic-auth/:user/:passwd` (401 with a challenge when they do not match) and `/hidden-basic-auth` (404). */
function basicAuth({ req, res, params }: Call, refusal: 401 | 404): void {
  const [user, password] = params as [string, string];
  const header = req.headers.authorization ?? '';
  const match = /^basic\s+(\S+)$/i.exec(header);
  const given = match === null ? undefined : Buffer.from(match[1]!, 'base64').toString('utf8');
  if (given === `${user}:${password}`) return sendJson(res, 200, { authenticated: true, user });
  if (refusal === 404) return sendNotFound(res);
  sendText(res, 401, '', { 'www-authenticate': 'Basic realm="Fake Realm"' });
}

/** `/bearer`: 200 with the token of `Authorization: Bearer <token>`, else 401 with a `Bearer` challenge. */
function bearerAuth({ req, res }: Call): void {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (match === null) return sendText(res, 401, '', { 'www-authenticate': 'Bearer' });
  sendJson(res, 200, { authenticated: true, token: match[1] });
}

/**
 * `/response-headers?name=value...`: those headers on the response (a repeated name
 * repeated), and as the body a JSON object of every header the response has, its own
 * `Content-Length` included.
 */
function responseHeaders({ res, url }: Call): void {
  const given = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) given.set(name, [...(given.get(name) ?? []), value]);
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json' };
  for (const [name, values] of given) headers[name] = values.length === 1 ? values[0]! : values;
  // The body names its own length: grow the guess until it holds.
  let text = '';
  for (let length = 0; ;) {
    text = `${JSON.stringify({ ...headers, 'Content-Length': String(length) }, null, 2)}\n`;
    if (Buffer.byteLength(text) === length) break;
    length = Buffer.byteLength(text);
  }
  res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `/gzip`, `/deflate`, `/brotli`: a JSON echo compressed with that coding, saying so. */
function sendCompressed({ req, res, method }: Call, coding: 'gzip' | 'deflate' | 'br'): void {
  const flag = { gzip: 'gzipped', deflate: 'deflated', br: 'brotli' }[coding];
  const text = `${JSON.stringify({ [flag]: true, headers: titleCaseHeaders(req), method, origin: req.socket.remoteAddress ?? '' }, null, 2)}\n`;
  const body = coding === 'gzip' ? gzipSync(text) : coding === 'deflate' ? deflateSync(text) : brotliCompressSync(text);
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': body.length });
  res.end(body);
}

function sendPng(res: ServerResponse): void {
  const png = samplePng();
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
  res.end(png);
}

/** `/image`: the PNG when `Accept` allows it (or is absent), else 406 as httpbin (which has other formats too). */
function sendImage({ req, res }: Call): void {
  const accept = req.headers.accept?.toLowerCase();
  if (accept === undefined || accept.includes('image/png') || accept.includes('image/*')) return sendPng(res);
  sendStatus(res, '406');
}

/** `/base64/:value`: the URL-safe base64 value decoded, as UTF-8 text. */
function sendBase64(res: ServerResponse, value: string): void {
  if (!/^[A-Za-z0-9_=-]*$/.test(value)) return sendText(res, 400, 'Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l');
  sendText(res, 200, Buffer.from(value, 'base64url').toString('utf8'), { 'content-type': HTML });
}

/** `/cache`: 304 to a conditional request, else a `/get` echo with `Last-Modified` and `ETag`. */
function cache({ req, res, url }: Call): void {
  if (req.headers['if-modified-since'] !== undefined || req.headers['if-none-match'] !== undefined) return sendText(res, 304, '');
  sendJson(res, 200, echo(req, url), { 'last-modified': new Date().toUTCString(), etag: randomUUID().replace(/-/g, '') });
}

/** `/etag/:etag`: 304 when `If-None-Match` names it (or `*`), 412 when `If-Match` does not, else a `/get` echo. */
function etag({ req, res, url, params }: Call): void {
  const tag = params[0]!;
  const tags = (header: string | undefined): string[] => (header ?? '').split(',').flatMap((part) => /^\s*(W\/)?"?([^"]*)"?\s*$/.exec(part)?.[2] || []);
  const noneMatch = tags(req.headers['if-none-match']);
  const match = tags(req.headers['if-match']);
  if (noneMatch.length > 0 && (noneMatch.includes(tag) || noneMatch.includes('*'))) return sendText(res, 304, '', { etag: tag });
  if (noneMatch.length === 0 && match.length > 0 && !match.includes(tag) && !match.includes('*')) return sendText(res, 412, '');
  sendJson(res, 200, echo(req, url), { etag: tag });
}

/** A `Range: bytes=first-last` (either end may be left out) against `size` bytes: the span, or `undefined` to refuse (416). */
function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (match === null) return [0, size - 1];
  const [, from = '', to = ''] = match;
  let first: number;
  let last: number;
  if (from === '' && to === '') return [0, size - 1];
  if (from === '') {
    first = Math.max(0, size - Number(to));
    last = size - 1;
  } else {
    first = Number(from);
    last = to === '' ? size - 1 : Number(to);
  }
  return first <= last && first < size && last < size ? [first, last] : undefined;
}

/**
 * CORS for a request with an `Origin` (with `cors` on): a preflight is answered here
 * (returns `true`); any other request gets the headers that let the page read its
 * response, every header of it exposed, and goes on to its route.
 */
function allowOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  const { origin } = req.headers;
  if (origin === undefined) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  const requestedMethod = req.headers['access-control-request-method'];
  if (req.method === 'OPTIONS' && requestedMethod !== undefined) {
    req.resume();
    const requestedHeaders = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      'access-control-allow-methods': requestedMethod,
      ...(requestedHeaders === undefined ? {} : { 'access-control-allow-headers': requestedHeaders }),
      'access-control-max-age': '3600',
      'content-length': 0,
    });
    res.end();
    return true;
  }
  // The names of the headers the route sends are known when it writes them.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]): ServerResponse => {
    const given = args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null);
    const names = new Set([...res.getHeaderNames(), ...Object.keys(given ?? {}).map((name) => name.toLowerCase())]);
    // Node adds `date` itself, later; the framing headers are not a page's to read.
    if (res.sendDate) names.add('date');
    res.setHeader('access-control-expose-headers', [...names].join(', '));
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  return false;
}

/** A TCP RST where the runtime can send one, else a plain close. */
function reset(req: IncomingMessage): void {
  if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
  else req.socket.destroy();
}

/** A JSON 200 that promises more bytes than it sends: half the document, then the socket is destroyed. */
function sendTruncatedJson(req: IncomingMessage, res: ServerResponse): void {
  const text = `${JSON.stringify(SLIDESHOW, null, 2)}\n`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.write(text.slice(0, text.length >> 1), () => req.socket.destroy());
}

/** A complete JSON 200 whose body is not JSON. */
function sendMalformedJson(res: ServerResponse): void {
  const text = '{"slideshow": {"title": "Sample Slide Show", "slides": [1, 2,}\n';
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Three 32-bit draws from `seed` and `key`: FNV-1a over `seed:key`, then mulberry32.
 * Pure and cheap, so a server and its tests (or another process) agree on every key.
 */
function draws(seed: number, key: string): [number, number, number] {
  let h = 0x811c9dc5;
  const text = `${seed}:${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  const next = mulberry32(h);
  return [next(), next(), next()];
}

/** mulberry32: a small, fast 32-bit generator; the same `seed`, the same sequence. */
function mulberry32(seed: number): () => number {
  let h = seed | 0;
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * The fault `/chaos/:key` answers with under `chaos`, or `undefined` for a normal
 * answer: a pure function of `chaos.seed`, `chaos.rate`, `chaos.kinds` and the key,
 * so a client (in this process or another) knows what each of its requests must end
 * with. About `rate` of all keys draw a fault, each kind as likely.
 */
export function chaosFault(chaos: Pick<ChaosOptions, 'seed' | 'rate' | 'kinds'>, key: string): ChaosKind | undefined {
  const [a, b] = draws(chaos.seed, key);
  if (a / 2 ** 32 >= chaos.rate) return undefined;
  const kinds = chaos.kinds ?? CHAOS_KINDS;
  return kinds[b % kinds.length];
}

/** Checks `options.chaos` of startHttpbin, and fills in its defaults. */
function checkChaos(chaos: unknown): Required<ChaosOptions> {
  const fn = 'startHttpbin';
  const options = readOptions(fn, 'options.chaos', chaos as ChaosOptions, ['seed', 'rate', 'kinds', 'slowBodyMs']);
  const { seed, rate, kinds = CHAOS_KINDS, slowBodyMs = CHAOS_SLOW_BODY_MS } = options;
  if (typeof seed !== 'number') fail('type', fn, 'options.chaos.seed', 'a safe integer', seed);
  if (!Number.isSafeInteger(seed)) fail('range', fn, 'options.chaos.seed', 'a safe integer', seed);
  if (typeof rate !== 'number') fail('type', fn, 'options.chaos.rate', 'a number from 0 to 1', rate);
  if (!(rate >= 0 && rate <= 1)) fail('range', fn, 'options.chaos.rate', 'a number from 0 to 1', rate);
  const expectedKinds = `a non-empty array of ${CHAOS_KINDS.map((k) => `'${k}'`).join(', ')}`;
  if (!Array.isArray(kinds)) fail('type', fn, 'options.chaos.kinds', expectedKinds, kinds);
  if (kinds.length === 0) fail('range', fn, 'options.chaos.kinds', expectedKinds, kinds);
  kinds.forEach((kind: unknown, i) => checkOneOf(fn, `options.chaos.kinds[${i}]`, kind, CHAOS_KINDS));
  const expectedMs = `a positive number of milliseconds, at most ${MAX_SECONDS * 1000}`;
  if (typeof slowBodyMs !== 'number') fail('type', fn, 'options.chaos.slowBodyMs', expectedMs, slowBodyMs);
  if (!(slowBodyMs > 0 && slowBodyMs <= MAX_SECONDS * 1000)) fail('range', fn, 'options.chaos.slowBodyMs', expectedMs, slowBodyMs);
  return { seed, rate, kinds: [...kinds], slowBodyMs };
}

/**
 * Seconds as in httpbin's `/delay/:seconds`: a non-negative decimal, at most
 * `MAX_SECONDS`. With `units` (go-httpbin's `/sse`), `1.5s` and `300ms` too.
 */
function parseSeconds(text: string, units = false): number | undefined {
  const match = /^(\d+(?:\.\d*)?|\.\d+)(s|ms)?$/.exec(text);
  if (match === null || (match[2] !== undefined && !units)) return undefined;
  const seconds = Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
  return seconds <= MAX_SECONDS ? seconds : undefined;
}

/** Header names in httpbin's Title-Case (`user-agent` → `User-Agent`); repeated headers joined with `,`. */
function titleCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const title = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    headers[title] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** Query arguments as httpbin shows them: a string, or an array for a repeated name. */
function args(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** The part of httpbin's echo that `/get`, `/delay` and `/anything` share. */
function echo(req: IncomingMessage, url: URL): Record<string, unknown> {
  return {
    args: args(url),
    headers: titleCaseHeaders(req),
    origin: req.socket.remoteAddress ?? '',
    url: `http://${req.headers.host ?? 'localhost'}${url.pathname}${url.search}`,
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // An aborted upload: the response goes nowhere anyway.
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

/** httpbin's `data`, `form`, `files` and `json` fields for a request body. */
function describeBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  let form: Record<string, string | string[]> = {};
  let files: Record<string, string | string[]> = {};
  let data = jsonSafe(body, 'application/octet-stream');
  const boundary = /^multipart\/form-data;.*\bboundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith('application/x-www-form-urlencoded')) {
    form = args(new URL(`http://x/?${text}`));
    data = '';
  } else if (boundary !== undefined) {
    ({ form, files } = multipartFields(body, boundary));
    data = '';
  }
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { data, files, form, json };
}

/** Bytes as httpbin's `json_safe` gives them: UTF-8 text as it is, anything else as a base64 data URL of `type`. */
function jsonSafe(bytes: Buffer, type: string): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : `data:${type};base64,${bytes.toString('base64')}`;
}

/** The fields and files of a multipart/form-data body, as httpbin echoes them (a name given twice: a list). */
function multipartFields(body: Buffer, boundary: string): { form: Record<string, string | string[]>; files: Record<string, string | string[]> } {
  const form: Record<string, string | string[]> = {};
  const files: Record<string, string | string[]> = {};
  const add = (into: Record<string, string | string[]>, name: string, value: string): void => {
    const had = into[name];
    into[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  };
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // The part: CRLF, its headers, a blank line, its content, CRLF.
    const part = body.subarray(start + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString('utf8');
      const content = part.subarray(headEnd + 4);
      const name = /\bname="([^"]*)"/i.exec(head)?.[1];
      const isFile = /\bfilename="/i.test(head);
      const partType = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
      if (name !== undefined) add(isFile ? files : form, name, isFile ? jsonSafe(content, partType) : content.toString('utf8'));
    }
    at = next;
  }
  return { form, files };
}

/** A path segment percent-decoded; one that is not valid percent-encoding, as it is. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The answer to a request whose handling threw: a 500 if nothing was sent yet, else the connection cut. */
function failed(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  sendText(res, 500, `Internal Server Error: ${err instanceof Error ? err.message : String(err)}\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The most links `/links/:n/:offset` puts on a page, as httpbin.org. */
const MAX_LINKS = 200;

/**
 * `/links/:n/:offset`: an HTML page numbered `offset` with links to pages 0 to n - 1 of
 * the same set (the page itself as plain text), as httpbin.org serves it: a small site
 * for crawlers to walk.
 */
function sendLinks(res: ServerResponse, n: string, offset: string): void {
  if (!/^\d+$/.test(n) || !/^\d+$/.test(offset)) return sendText(res, 400, `invalid links ${n}/${offset}\n`);
  const count = Math.min(Number(n), MAX_LINKS);
  const at = Number(offset);
  const links = Array.from({ length: count }, (_, i) => (i === at ? `${i} ` : `<a href='/links/${count}/${i}'>${i}</a> `));
  const html = `<html><head><title>Links</title></head><body>${links.join('')}</body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts an httpbin-style HTTP server on 127.0.0.1 for tests and demos.
 *
 * A real `node:http` server (no framework) on a free port, serving the routes of
 * httpbin.org that a client needs to be tested against, plus fault routes:
 *
 * | route | answer |
 * | --- | --- |
 * | `/get`, `/headers`, `/ip`, `/user-agent`, `/uuid` | JSON: the echo `{ args, headers, origin, url }`, or that part of it; a fresh UUID |
 * | `/post`, `/put`, `/patch`, `/delete` | that method: the echo with `{ data, files, form, json }` of the body (others: 405 with `Allow`) |
 * | `/anything[/...]` | any method: the echo with the body and `method` |
 * | `/status/:codes` | any method: that status (200-599), or one of `200,201:3` (weights); 3xx with `Location: /get`, httpbin's 401/407 challenges and 402/406/418 bodies |
 * | `/delay/:seconds` | the echo after that many seconds (fractional, at most 10) |
 * | `/drip?duration=&numbytes=&code=&delay=` | after `delay`, the headers, then `numbytes` asterisks spread over `duration` s (defaults 2 s, 10) |
 * | `/bytes/:n`, `/stream-bytes/:n` | `n` random bytes (at most 16 MiB; 100 KiB chunked by `chunk_size`); `?seed=` repeats them |
 * | `/stream/:n` | `n` lines of JSON echo with their `id` (at most 100), chunked |
 * | `/range/:n` | `n` bytes of `abc...`, honouring `Range` (206, 416), chunked by `chunk_size` over `duration` s |
 * | `/redirect/:n`, `/relative-redirect/:n`, `/absolute-redirect/:n` | 302 n times, then `/get` (`?absolute=true` for absolute URLs) |
 * | `/redirect-to?url=&status_code=` | any method: that `Location`, 302 or the 3xx asked for |
 * | `/cookies`, `/cookies/set?name=value`, `/cookies/set/:name/:value`, `/cookies/delete?name` | the cookies sent; 302 to `/cookies` setting or expiring them |
 * | `/basic-auth/:user/:passwd`, `/hidden-basic-auth/...`, `/bearer` | 200 `{ authenticated, user }` or `{ authenticated, token }`; else 401 with a challenge (404 when hidden) |
 * | `/response-headers?name=value` | those headers, and every header of the response as JSON |
 * | `/gzip`, `/deflate`, `/brotli` | a JSON echo in that content coding |
 * | `/encoding/utf8`, `/base64/:value`, `/image/png`, `/image` | UTF-8 text in many scripts; the value decoded; a 100 × 100 PNG (by `Accept`, else 406) |
 * | `/cache`, `/cache/:n`, `/etag/:etag` | 304 to a conditional request, `Cache-Control`, `ETag` with 304/412 |
 * | `/json`, `/xml` | httpbin's slideshow as JSON (`application/json`), as XML (`application/xml`) |
 * | `/html` | httpbin's HTML page (`text/html; charset=utf-8`) |
 * | `/links/:n/:offset`, `/links/:n` | an HTML page linking to `/links/n/0` ... `/links/n/(n-1)` but itself (n at most 200); a 302 to page 0 |
 * | `/sse?count=&duration=&delay=` | `count` Server-Sent Events `ping` (ids from 0) over `duration` (go-httpbin's route; default 10 over 5 s) |
 * | `/hang` | never answers |
 * | `/reset` | destroys the socket without answering |
 * | `/slow-body/:seconds` | headers at once, then a text body in chunks (one per 100 ms) until that time |
 * | `/truncated-json` | a JSON 200 with a `Content-Length` larger than what is sent, then the socket is destroyed |
 * | `/malformed-json` | a complete JSON 200 whose body does not parse |
 * | `/chaos/:key` | with `chaos`: the key's seeded fault (see `chaos`), or JSON `{ key }`; else a 404 |
 *
 * Every route answers as httpbin 0.7 does (status, headers, body shape; spec/parity
 * holds the facts checked on both), except where ours is stricter: past 10 s, a 400
 * rather than 10 s; invalid numbers, a 400 rather than a 500.
 *
 * Anything else is a 404. Timers of delayed and trickling responses are cleared as
 * soon as the client goes away, and `close()` destroys every socket and timer, so
 * nothing lingers after a test. The counters (`requests`, `activeRequests`,
 * `openConnections`, their peaks, `connections`, `pendingTimers`) and the `waitFor*`
 * promises let a test prove that a client closed its sockets, without sleeping.
 *
 * Bad options throw at once; the promise rejects if the server cannot listen (e.g.
 * the port is taken).
 *
 * @example
 * const httpbin = await startHttpbin();
 * const res = await fetch(`${httpbin.url}/get?x=1`);
 * console.log(res.status, (await res.json()).args);
 * await httpbin.close();
 * // Logs:
 * // 200 { x: '1' }
 *
 * With `cors: true`, pages of other origins may call it (see {@link HttpbinOptions.cors}).
 *
 * @param options `port` (default 0), `host` (default `'127.0.0.1'`), `chaos` (default none)
 *   and `cors` (default `false`).
 * @returns A promise of the running server.
 */
export function startHttpbin(options?: HttpbinOptions): Promise<Httpbin> {
  const { port = 0, host = '127.0.0.1', chaos, cors = false } = readOptions('startHttpbin', 'options', options, ['port', 'host', 'chaos', 'cors']);
  if (typeof port !== 'number') fail('type', 'startHttpbin', 'options.port', 'an integer from 0 to 65535', port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    fail('range', 'startHttpbin', 'options.port', 'an integer from 0 to 65535', port);
  }
  if (typeof host !== 'string' || host === '') fail('type', 'startHttpbin', 'options.host', 'a non-empty string', host);
  checkBoolean('startHttpbin', 'options.cors', cors);
  const server = new HttpbinServer(chaos === undefined ? undefined : checkChaos(chaos), cors);
  return server.listen(port, host).then(() => server);
}
