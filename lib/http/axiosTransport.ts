import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import axios, { AxiosHeaders } from 'axios';
import type { AxiosAdapter, AxiosRequestConfig, AxiosRequestTransformer, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Observable } from 'rxjs';
import type { Subscriber, Unsubscribable } from 'rxjs';
import { checkConcurrency, readOptions } from '../internal/validate';
import { toData } from './body';
import { isEmpty } from './request';
import type { Context } from '../internal/context';
import type { Waiter } from '../internal/gate';
import { Slots } from './slots';
import type { HttpHeaders, HttpRequest, HttpResponse, PoolTransport, PoolTransportOptions } from './types';

/**
 * The default transport of a session: axios over its own keep-alive agents (one for
 * `http:`, one for `https:`), with at most `maxSockets` requests in flight in all,
 * so at most that many sockets open.
 *
 * ```ts
 * const session = createSession({ transport: axiosTransport({ maxSockets: 10 }) }); // as createSession({ maxSockets: 10 })
 * ```
 *
 * Each subscription to `transport(request)` waits for one of the `maxSockets` slots
 * (first come, first served), then sends one request with its own `AbortController`,
 * emits the `HttpResponse` once the whole body has arrived and completes; an axios
 * failure is emitted as it is (the session wraps it). Unsubscribing while the request
 * is in flight aborts it, which destroys its socket; while it waits for a slot, it
 * just leaves the queue; after the response it does nothing. Any status is a
 * response: the session decides what fails.
 *
 * ```text
 * transport(request):   ----r|     one HttpResponse once the whole body has arrived
 * request failed:       --#        the axios error as it is (the session wraps it)
 * unsubscribed:         --!        the request aborted, its socket destroyed
 * ```
 *
 * Why a queue of our own when the agents already queue requests past `maxSockets`:
 * Node's agent keeps a request aborted while queued in its queue and later opens a
 * socket for it, which the dead request destroys; unsubscribing from a thousand
 * queued requests would open and close a thousand connections. So a request is
 * handed to axios only when the agent can give it a socket at once: a slot is free
 * and no aborted socket is still closing (see `Slots` in lib/http/slots.ts).
 *
 * `close()` destroys both agents and every socket they opened, idle or in use, and
 * refuses new ones; it resolves once each of those sockets has emitted `'close'`.
 *
 * @param options `maxSockets` (default 100, `Infinity` for no limit).
 * @returns The transport, with `close()`.
 */
export function axiosTransport(options?: PoolTransportOptions): PoolTransport {
  const o = readOptions('axiosTransport', 'options', options, ['maxSockets']);
  const maxSockets = o.maxSockets === undefined ? 100 : checkConcurrency('axiosTransport', 'options.maxSockets', o.maxSockets);
  return createAxiosTransport(maxSockets);
}

/** {@link axiosTransport} with its argument checked. */
export function createAxiosTransport(maxSockets: number): PoolTransport {
  // Every socket the agents opened and that has not emitted 'close' yet.
  const sockets = new Set<Duplex>();
  // How many of those were destroyed (by an abort) and still count against the agent's limit until they close.
  const closing = { count: 0 };
  // Set by close(): no request starts and no socket opens after it.
  let destroyed: Promise<void> | undefined;
  const slots = new Slots(maxSockets, () => closing.count);

  // keepAliveMsecs: the TCP keep-alive delay axios sets on each request's socket, so
  // that the agent's own call (made each time it takes a socket back) sets the same.
  const agentOptions = { keepAlive: true, keepAliveMsecs: 60_000, maxSockets, maxTotalSockets: maxSockets };
  const hooks = { refuse: () => destroyed !== undefined, closed: () => slots.schedule(), closing };
  const httpAgent = track(new HttpAgent(agentOptions), sockets, hooks);
  const httpsAgent = track(new HttpsAgent(agentOptions), sockets, hooks);
  const pool: AxiosPool = { ...axiosPipeline(httpAgent, httpsAgent), slots, destroyed: false };
  const transport = (request: HttpRequest): Observable<HttpResponse> =>
    new Observable<HttpResponse>((subscriber) => {
      if (pool.destroyed) {
        subscriber.error(closedError());
        return undefined;
      }
      const call = new AxiosCall(pool, request, subscriber);
      slots.enter(call);
      return call;
    });

  return Object.assign(transport, {
    close(): Promise<void> {
      if (destroyed === undefined) {
        pool.destroyed = true;
        const open = [...sockets];
        destroyed = Promise.all(open.map((socket) => (socket.closed ? undefined : new Promise((resolve) => socket.once('close', resolve))))).then(
          () => undefined,
        );
        slots.close();
        httpAgent.destroy();
        httpsAgent.destroy();
        for (const socket of open) socket.destroy();
      }
      return destroyed;
    },
  });
}

function closedError(): Error {
  return Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' });
}

/**
 * Records every socket `agent` creates in `sockets` until it closes, then calls
 * `hooks.closed` on a microtask (after the agent has forgotten the socket too); counts
 * in `hooks.closing` those destroyed and not yet closed (O(1), where scanning `sockets`
 * on every check cost O(maxSockets) per request). Once
 * `hooks.refuse()` holds, fails the creation instead (the agent then fails the request).
 */
function track<A extends HttpAgent>(agent: A, sockets: Set<Duplex>, hooks: { refuse: () => boolean; closed: () => void; closing: { count: number } }): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    if (hooks.refuse()) {
      const err = Object.assign(new Error('the session is closed'), { code: 'ERR_SESSION_CLOSED' });
      process.nextTick(() => callback?.(err, undefined as never));
      return undefined;
    }
    const socket = create(options, callback);
    if (socket) {
      sockets.add(socket);
      // Count the socket as closing from its destroy() (however it is called) to its 'close'.
      let counted = false;
      const destroy = socket.destroy;
      socket.destroy = function (this: Duplex, ...args: Parameters<Duplex['destroy']>) {
        if (!counted && !this.closed) {
          counted = true;
          hooks.closing.count++;
        }
        return destroy.apply(this, args);
      };
      // axios turns TCP keep-alive on for each request, and the agent again each time it
      // takes the socket back: two setsockopt() per request, a sixth of the time of a
      // loopback fan-out. The option stays set, so a call that changes nothing is skipped.
      let keepAlive: string | undefined;
      const tcp = socket as Duplex & { setKeepAlive?: (enable?: boolean, delay?: number) => Duplex };
      const setKeepAlive = tcp.setKeepAlive;
      if (setKeepAlive !== undefined)
        tcp.setKeepAlive = function (this: Duplex, enable?: boolean, delay?: number) {
          const wanted = `${enable}:${delay}`;
          if (wanted === keepAlive) return this;
          keepAlive = wanted;
          return setKeepAlive.call(this, enable, delay);
        };
      socket.once('close', () => {
        sockets.delete(socket);
        if (counted) hooks.closing.count--;
        queueMicrotask(hooks.closed);
      });
    }
    return socket;
  };
  return agent;
}

/**
 * axios's request pipeline, done once where axios does it for every request.
 *
 * `axios.request()` merges the instance defaults into each request's config (a deep
 * merge of some thirty keys), checks them, flattens twelve groups of default headers,
 * runs the interceptor chain and the request and response transforms, and only then
 * calls the http adapter, which does the I/O. For a transport that sets no interceptor
 * and no response transform, all of that gives the same config for every request
 * but its own few keys: so the defaults are merged here, once, and each request calls
 * the adapter with them plus its method, URL, headers, body and signal, its body run
 * through axios's own request transforms (JSON, forms, streams: the same code), so the
 * bytes on the wire are the same (spec/http/axiosPipeline.spec.ts). On a loopback
 * fan-out this cut the session's CPU time per request by a fifth (about 245 to 188 µs)
 * and raised its rate from 1.1x to 1.4x aiohttp's (bench/RESULTS.md, `http-fanout`).
 */
function axiosPipeline(httpAgent: HttpAgent, httpsAgent: HttpsAgent): Pick<AxiosPool, 'base' | 'commonHeaders' | 'transformRequest' | 'adapter'> {
  // The default headers every request sends (axios's `common` group: `Accept`); the per-method groups are empty.
  const { headers: defaultHeaders, ...defaults } = axios.defaults;
  const commonHeaders = { ...(defaultHeaders.common as Record<string, string>) };
  const base = axios.mergeConfig(defaults as AxiosRequestConfig, {
    httpAgent,
    httpsAgent,
    // aiohttp ignores proxy environment variables unless asked (trust_env); so do we.
    proxy: false,
    validateStatus: null,
    // Bodies arrive as text or bytes; `toData` parses JSON itself.
    transformResponse: [],
    allowAbsoluteUrls: true,
  });
  const transforms = base.transformRequest;
  const transformRequest = transforms === undefined ? [] : Array.isArray(transforms) ? transforms : [transforms];
  delete base.transformRequest;
  return { base, commonHeaders, transformRequest, adapter: axios.getAdapter('http') };
}

/** What the requests of one axios transport share. */
interface AxiosPool {
  /** The merged defaults of every request (see {@link axiosPipeline}). */
  readonly base: AxiosRequestConfig;
  readonly commonHeaders: Readonly<Record<string, string>>;
  readonly transformRequest: readonly AxiosRequestTransformer[];
  /** axios's Node http adapter. */
  readonly adapter: AxiosAdapter;
  readonly slots: Slots;
  /** Set by close(). */
  destroyed: boolean;
}

/**
 * One request, from its subscription to its end: the waiter of the slot queue, the
 * axios call, the subscription's teardown, and the request's abort signal (axios takes
 * any object with `aborted` and `addEventListener`/`removeEventListener`, its
 * `GenericAbortSignal`: an `AbortController` and an `EventTarget` listener per request
 * cost more than the rest of this object). The slot is given back when axios settles:
 * by then the socket is back in the agent's free list (Node frees it on a tick after
 * the body's end).
 */
class AxiosCall implements Waiter, Unsubscribable {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // Set once it got its slot.
  private started = false;
  // From sending until axios settles: only then is there something to abort.
  private inFlight = false;
  // The signal axios reads.
  aborted = false;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly pool: AxiosPool,
    private readonly request: HttpRequest,
    private readonly subscriber: Subscriber<HttpResponse>,
  ) {}

  admit(): void {
    this.started = true;
    if (this.pool.destroyed) {
      this.subscriber.error(closedError());
      return;
    }
    this.inFlight = true;
    let sent: Promise<AxiosResponse<string | Buffer>>;
    try {
      sent = this.pool.adapter(this.config()) as Promise<AxiosResponse<string | Buffer>>;
    } catch (err) {
      sent = Promise.reject(err);
    }
    const { request } = this;
    sent.then(
      (res) => {
        if (this.settle()) {
          this.subscriber.next(toResponse(request, res));
          this.subscriber.complete();
        }
      },
      (err: unknown) => {
        if (this.settle()) this.subscriber.error(err);
      },
    );
  }

  /**
   * The config axios's `request()` would hand its adapter: the transport's defaults,
   * this request's keys, its headers over the default ones, its body transformed.
   */
  private config(): InternalAxiosRequestConfig {
    const { request, pool } = this;
    const method = request.method.toLowerCase();
    const headers = AxiosHeaders.concat(pool.commonHeaders, isEmpty(request.headers) ? undefined : request.headers);
    const config: InternalAxiosRequestConfig = {
      ...pool.base,
      method,
      url: request.url,
      headers,
      responseType: request.responseType === 'arraybuffer' ? 'arraybuffer' : 'text',
      maxRedirects: request.maxRedirects,
      signal: this,
    };
    if (request.data !== undefined) {
      let data: unknown = request.data;
      for (const transform of pool.transformRequest) data = transform.call(config, data, headers.normalize(false));
      config.data = data;
    }
    // As axios does for these methods, body or not: a form content type unless one is set.
    if (method === 'post' || method === 'put' || method === 'patch') headers.setContentType('application/x-www-form-urlencoded', false);
    return config;
  }

  /** Leaves the queue, or aborts the request in flight (which destroys its socket). */
  unsubscribe(): void {
    if (!this.started) {
      this.pool.slots.leave(this);
      return;
    }
    if (!this.inFlight) return;
    this.inFlight = false;
    this.aborted = true;
    this.onAbort?.();
    this.pool.slots.release();
  }

  // The abort signal axios listens to (one listener: axios's own).
  addEventListener(_type: 'abort', listener: () => void): void {
    this.onAbort = listener;
  }

  removeEventListener(): void {
    this.onAbort = undefined;
  }

  /** axios settled: gives the slot back; whether the request was still wanted. */
  private settle(): boolean {
    if (!this.inFlight) return false;
    this.inFlight = false;
    this.pool.slots.release();
    return true;
  }
}

function toResponse(request: HttpRequest, res: AxiosResponse<string | Buffer>): HttpResponse {
  const redirectedTo = (res.request as { res?: { responseUrl?: unknown } } | undefined)?.res?.responseUrl;
  return {
    url: typeof redirectedTo === 'string' ? redirectedTo : request.url,
    status: res.status,
    statusText: res.statusText || STATUS_CODES[res.status] || '',
    headers: toHeaders(res.headers),
    data: toData(request, res.data),
  };
}

function toHeaders(headers: AxiosResponse['headers']): HttpHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null || typeof value === 'function') continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
