import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { checkBoolean, checkInterval, checkNonNegativeInteger, checkOneOf, fail, readOptions } from '../internal/validate';

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
    this.server = createServer((req, res) => this.handle(req, res));
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
    const [, route = '', param, ...rest] = path.split('/');
    const method = req.method ?? 'GET';

    if (route === 'anything') {
      void readBody(req).then((body) => sendJson(res, 200, { ...echo(req, url), ...describeBody(req, body), method }));
      return;
    }
    // Every other route ignores the request body, but reads it so the connection can be reused.
    req.resume();
    if (route === 'get' && param === undefined) {
      if (method === 'OPTIONS') return sendText(res, 200, '', { allow: 'GET, HEAD, OPTIONS' });
      if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed\n', { allow: 'GET, HEAD, OPTIONS' });
      return sendJson(res, 200, echo(req, url));
    }
    if (route === 'json' && param === undefined) return sendJson(res, 200, SLIDESHOW);
    if (route === 'hang' && param === undefined) return; // Never answered: the socket stays open until the client or close() ends it.
    if (route === 'reset' && param === undefined) return reset(req);
    if (route === 'truncated-json' && param === undefined) return sendTruncatedJson(req, res);
    if (route === 'malformed-json' && param === undefined) return sendMalformedJson(res);
    if (route === 'links' && param !== undefined && rest.length === 1) return sendLinks(res, param, rest[0]!);
    if (param === undefined || rest.length > 0) return sendText(res, 404, 'Not Found\n');
    if (route === 'status') {
      const code = Number(param);
      if (!/^\d{3}$/.test(param) || code < 200 || code > 599) return sendText(res, 400, `invalid status code ${param}\n`);
      const headers: Record<string, string> = code >= 300 && code < 400 ? { location: '/get' } : {};
      return sendText(res, code, '', headers);
    }
    if (route === 'delay') {
      const seconds = parseSeconds(param);
      if (seconds === undefined) return sendText(res, 400, `invalid delay ${param}\n`);
      this.later(res, seconds * 1000, () => sendJson(res, 200, echo(req, url)));
      return;
    }
    if (route === 'bytes') {
      const n = Number(param);
      if (!/^\d+$/.test(param) || n > MAX_BYTES) return sendText(res, 400, `invalid byte count ${param}\n`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
      res.end(randomBytes(n));
      return;
    }
    if (route === 'slow-body') {
      const seconds = parseSeconds(param);
      if (seconds === undefined) return sendText(res, 400, `invalid duration ${param}\n`);
      this.trickle(res, seconds * 1000);
      return;
    }
    if (route === 'chaos') return this.chaosAnswer(req, res, param);
    sendText(res, 404, 'Not Found\n');
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

  /** Sends the headers now, then chunk i of n at (i + 1) * ms / n, the last one at `ms`. */
  private trickle(res: ServerResponse, ms: number): void {
    const n = Math.max(1, Math.ceil(ms / SLOW_BODY_CHUNK_MS));
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.flushHeaders();
    const send = (i: number): void => {
      res.write(`chunk ${i + 1} of ${n}\n`);
      if (i + 1 === n) res.end();
      else this.later(res, ms / n, () => send(i + 1));
    };
    this.later(res, ms / n, () => send(0));
  }
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
  const next = (): number => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return [next(), next(), next()];
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

/** Seconds as in httpbin's `/delay/:seconds`: a non-negative decimal, at most `MAX_SECONDS`. */
function parseSeconds(text: string): number | undefined {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const seconds = Number(text);
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
  let data = text;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    form = args(new URL(`http://x/?${text}`));
    data = '';
  }
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { data, files: {}, form, json };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
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
 * | `/get` | GET/HEAD: JSON `{ args, headers, origin, url }`; OPTIONS: 200 with `Allow` (other methods: 405) |
 * | `/anything[/...]` | any method: JSON `{ args, data, files, form, headers, json, method, origin, url }` |
 * | `/status/:code` | any method: that status (200-599), empty body; 3xx with `Location: /get` |
 * | `/delay/:seconds` | a `/get` body after that many seconds (fractional, at most 10) |
 * | `/bytes/:n` | `n` random bytes (at most 16 MiB) |
 * | `/json` | httpbin's slideshow JSON |
 * | `/links/:n/:offset` | an HTML page linking to `/links/n/0` ... `/links/n/(n-1)` but itself (n at most 200) |
 * | `/hang` | never answers |
 * | `/reset` | destroys the socket without answering |
 * | `/slow-body/:seconds` | headers at once, then a text body in chunks (one per 100 ms) until that time |
 * | `/truncated-json` | a JSON 200 with a `Content-Length` larger than what is sent, then the socket is destroyed |
 * | `/malformed-json` | a complete JSON 200 whose body does not parse |
 * | `/chaos/:key` | with `chaos`: the key's seeded fault (see `chaos`), or JSON `{ key }`; else a 404 |
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
