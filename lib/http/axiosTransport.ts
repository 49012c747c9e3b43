import { Agent as HttpAgent } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import axios, { AxiosHeaders } from 'axios';
import type { AxiosAdapter, AxiosRequestConfig, AxiosRequestTransformer, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Unsubscribable } from 'rxjs';
import { startSilence } from '../internal/deadline';
import type { Expiring, Silence } from '../internal/deadline';
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
  headersFromStrings,
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
import type { HttpRequest, PoolTransport, PoolTransportOptions } from './types';

/**
 * The default transport of a session: axios over its own keep-alive agents (one for
 * `http:`, one for `https:`), with at most `maxSockets` sockets open in all, in use or
 * idle, so at most that many requests in flight.
 *
 * ```ts
 * const session = createSession({ transport: axiosTransport({ maxSockets: 10 }) }); // as createSession({ maxSockets: 10 })
 * ```
 *
 * Each subscription to `transport(request)` waits for one of the `maxSockets` slots
 * (first come, first served), then sends one request with its own abort signal, reads
 * the body as it arrives under `maxContentLength` and `readTimeout`, decodes it, emits
 * the `HttpResponse` once the whole body has arrived and completes; a failure is emitted
 * as axios or Node raised it (the session wraps it). Unsubscribing while the request is
 * in flight aborts it, which destroys its socket; while it waits for a slot, it just
 * leaves the queue; after the response it does nothing. Any status is a response: the
 * session decides what fails.
 *
 * ```text
 * transport(request):   ----r|     one HttpResponse once the whole body has arrived
 * request failed:       --#        the axios error as it is (the session wraps it)
 * unsubscribed:         --!        the request aborted, its socket destroyed
 * ```
 *
 * What axios is asked to do is only the exchange of one request and its response head:
 * the body comes as a stream (`responseType: 'stream'`, `decompress: false`), read here
 * as the undici transport reads its own (`BodyReader` in lib/http/body.ts), and redirects
 * are followed here by the same rules (`maxRedirects: 0` for axios; lib/http/redirect.ts).
 * So both transports enforce the same limits the same way, and decode strictly: axios's
 * own decompression returns a truncated gzip body as if it were whole.
 *
 * Why a queue of our own when the agents already queue requests past `maxSockets`:
 * Node's agent keeps a request aborted while queued in its queue and later opens a
 * socket for it, which the dead request destroys; unsubscribing from a thousand
 * queued requests would open and close a thousand connections. So a request is
 * handed to axios only when the agent can give it a socket at once: a slot is free
 * and no aborted socket is still closing (see `Slots` in lib/http/slots.ts). And when
 * every socket is idle on other origins, the agent would hold a request until one of
 * them is closed by its server: the least recently freed one is closed for it instead.
 *
 * `close()` destroys both agents and every socket they opened, idle or in use, and
 * refuses new ones; it resolves once each of those sockets has emitted `'close'`.
 *
 * @param options `maxSockets` (default 100, `Infinity` for no limit).
 * @returns The transport, with `close()`.
 */
export function axiosTransport(options?: PoolTransportOptions): PoolTransport {
  return createAxiosTransport(maxSocketsOption('axiosTransport', options));
}

/** {@link axiosTransport} with its argument checked. */
export function createAxiosTransport(maxSockets: number): PoolTransport {
  // Every socket the agents opened and that has not emitted 'close' yet.
  const sockets = new Set<Duplex>();
  // Set by close(): no request starts and no socket opens after it.
  let destroyed: Promise<void> | undefined;
  const hooks: AgentHooks = { refuse: () => destroyed !== undefined, closed: () => slots.schedule(), closing: { count: 0 }, unfreed: 0, freed: 0, agents: [] };
  // Sockets closing, and sockets whose response has ended but that the agent has not taken
  // back yet, count against the limit: a request admitted then would make the agent open
  // one more (for a request of another origin, it does not check maxTotalSockets).
  const slots = new Slots(maxSockets, () => hooks.closing.count + hooks.unfreed);

  // keepAliveMsecs: the TCP keep-alive delay axios sets on each request's socket, so
  // that the agent's own call (made each time it takes a socket back) sets the same.
  const agentOptions = { keepAlive: true, keepAliveMsecs: 60_000, maxSockets, maxTotalSockets: maxSockets };
  const httpAgent = track(new HttpAgent(agentOptions), sockets, hooks);
  const httpsAgent = track(new HttpsAgent(agentOptions), sockets, hooks);
  const pool: AxiosPool = { ...axiosPipeline(httpAgent, httpsAgent), slots, hooks, destroyed: false };
  return poolTransport({
    slots,
    call: (request, subscriber) => new AxiosCall(pool, request, subscriber),
    close(): Promise<void> {
      pool.destroyed = true;
      const open = [...sockets];
      destroyed = Promise.all(open.map((socket) => (socket.closed ? undefined : new Promise((resolve) => socket.once('close', resolve))))).then(
        () => undefined,
      );
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const socket of open) socket.destroy();
      return destroyed;
    },
  });
}

/** What the agents of one transport share with its bookkeeping. */
interface AgentHooks {
  /** Whether no socket may open (the transport is closed). */
  readonly refuse: () => boolean;
  /** A socket closed (called on a microtask, after the agent has forgotten it too). */
  readonly closed: () => void;
  /** Sockets destroyed and not closed yet: they still count against `maxSockets`. */
  readonly closing: { count: number };
  /** Sockets whose response has ended, not yet taken back by their agent (`'free'`) nor closed. */
  unfreed: number;
  /** A clock of frees: each socket the agents take back notes the next tick of it. */
  freed: number;
  /** The agents, for a search of their idle sockets. */
  readonly agents: HttpAgent[];
}

/** When a socket was last taken back by its agent, in ticks of `AgentHooks.freed`. */
const FREED_AT = Symbol('freedAt');
/** Set on a socket from the end of its response until its agent takes it back (or it closes). */
const UNFREED = Symbol('unfreed');

type TrackedSocket = Duplex & { [FREED_AT]?: number; [UNFREED]?: boolean };

/** A response has ended on `socket`: it counts as busy until its agent takes it back. */
function responseEnded(hooks: AgentHooks, socket: TrackedSocket | null | undefined): void {
  if (socket === null || socket === undefined || socket.destroyed || socket[UNFREED] === true) return;
  socket[UNFREED] = true;
  hooks.unfreed++;
}

/** The agent took `socket` back, or it closed. */
function socketFreed(hooks: AgentHooks, socket: TrackedSocket): void {
  if (socket[UNFREED] !== true) return;
  socket[UNFREED] = false;
  hooks.unfreed--;
  hooks.closed();
}

/**
 * What the transport needs from Node's agents, in one place:
 *
 * - every socket `agent` creates is recorded in `sockets` until it closes, then
 *   `hooks.closed` is called on a microtask (after the agent has forgotten the socket
 *   too); those destroyed and not yet closed are counted in `hooks.closing` (O(1), where
 *   scanning `sockets` on every check cost O(maxSockets) per request). Once
 *   `hooks.refuse()` holds, a creation fails instead (the agent then fails the request);
 * - each request is given a listener of `'upgrade'`: a `101` the request did not ask for
 *   (Node, without a listener, destroys the socket and leaves the request pending
 *   forever) fails it, its socket destroyed;
 * - a request the agent had to queue while every socket is idle on other origins (its
 *   `maxTotalSockets` reached) would wait for one of them to be closed by its server: the
 *   least recently freed idle socket is closed for it (the agent then opens one for it).
 */
function track<A extends HttpAgent>(agent: A, sockets: Set<Duplex>, hooks: AgentHooks): A {
  hooks.agents.push(agent);
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
        if ((socket as TrackedSocket)[UNFREED] === true) {
          (socket as TrackedSocket)[UNFREED] = false;
          hooks.unfreed--;
        }
        queueMicrotask(hooks.closed);
      });
    }
    return socket;
  };
  // After the agent's own listener: the socket is in its free list, or given to a request it had queued.
  agent.on('free', (socket: TrackedSocket) => {
    socket[FREED_AT] = ++hooks.freed;
    socketFreed(hooks, socket);
  });
  // Node calls addRequest() for each request given to the agent (agent-base and proxy agents override it the same way).
  const withAddRequest = agent as unknown as { addRequest: (this: HttpAgent, req: ClientRequest, options: unknown) => void };
  const addRequest = withAddRequest.addRequest;
  withAddRequest.addRequest = function (req, options) {
    req.on('upgrade', refuseUpgrade);
    addRequest.call(this, req, options);
    if (!isEmpty(this.requests)) closeLeastRecentlyFreed(hooks.agents);
  };
  return agent;
}

/** A request's `'upgrade'` listener: the switch was not asked for. */
function refuseUpgrade(this: ClientRequest, _res: IncomingMessage, socket: Duplex): void {
  socket.destroy();
  this.emit('error', unexpectedUpgrade());
}

/** Destroys the idle socket of `agents` freed longest ago, if there is one. */
function closeLeastRecentlyFreed(agents: readonly HttpAgent[]): void {
  let oldest: TrackedSocket | undefined;
  for (const agent of agents) {
    for (const name in agent.freeSockets) {
      for (const socket of agent.freeSockets[name] ?? []) {
        const at = (socket as TrackedSocket)[FREED_AT] ?? 0;
        if (oldest === undefined || at < (oldest[FREED_AT] ?? 0)) oldest = socket;
      }
    }
  }
  oldest?.destroy();
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
  const commonHeaders = { ...(defaultHeaders.common as Record<string, string>), 'Accept-Encoding': ACCEPT_ENCODING, 'User-Agent': USER_AGENT };
  const base = axios.mergeConfig(defaults as AxiosRequestConfig, {
    httpAgent,
    httpsAgent,
    // aiohttp ignores proxy environment variables unless asked (trust_env); so do we.
    proxy: false,
    validateStatus: null,
    // The body is read (limits, decoding) and parsed here.
    responseType: 'stream',
    decompress: false,
    transformResponse: [],
    // Redirects are followed here, by the session's rules.
    maxRedirects: 0,
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
  readonly hooks: AgentHooks;
  /** Set by close(). */
  destroyed: boolean;
}

/** The request a response stream belongs to (a property, so that the stream's listeners are shared functions). */
const CALL = Symbol('call');

type BodyStream = IncomingMessage & { [CALL]?: AxiosCall };

/**
 * One request and the redirects it follows, from its subscription to its end: the waiter
 * of the slot queue, the axios call of each hop, the owner of its body's reader, the
 * target of its read deadline, the subscription's teardown, and the request's abort
 * signal (axios takes any object with `aborted` and `addEventListener`/
 * `removeEventListener`, its `GenericAbortSignal`: an `AbortController` and an
 * `EventTarget` listener per request cost more than the rest of this object). The slot
 * is given back when the request ends: its last body read, or a failure.
 */
class AxiosCall implements Waiter, Unsubscribable, BodyOwner, Expiring {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // Set once it got its slot.
  private started = false;
  // From sending until the request ends: only then is there something to abort.
  private inFlight = false;
  // The signal axios reads (for the current hop).
  aborted = false;
  private onAbort: (() => void) | undefined;
  // Redirects followed so far, and the current hop.
  private redirects = 0;
  private hop: Hop;
  // The response of the current hop: its body stream (and the socket under it: Node detaches it
  // from the stream at the end of a kept-alive response), head and reader.
  private stream: BodyStream | undefined;
  private socket: Duplex | null = null;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string> | undefined;
  private body: BodyReader | undefined;
  // The request's readTimeout, from its start.
  private silence: Silence | undefined;

  constructor(
    private readonly pool: AxiosPool,
    private readonly request: HttpRequest,
    private readonly subscriber: Sink,
  ) {
    this.hop = request;
  }

  admit(): void {
    this.started = true;
    if (this.pool.destroyed) {
      this.subscriber.error(closedError());
      return;
    }
    this.inFlight = true;
    this.silence = startSilence(this.request.readTimeout, this);
    this.send(this.request);
  }

  /** Sends a hop: the request itself, or a redirect of it. */
  private send(hop: Hop): void {
    this.hop = hop;
    this.aborted = false;
    this.onAbort = undefined;
    this.stream = undefined;
    this.headers = undefined;
    this.body = undefined;
    let sent: Promise<AxiosResponse<IncomingMessage>>;
    try {
      sent = this.pool.adapter(this.config(hop)) as Promise<AxiosResponse<IncomingMessage>>;
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (res) => this.received(res),
      (err: unknown) => {
        // axios wraps what it is given: a failure of ours (an upgrade refused) is the cause.
        const cause = (err as { cause?: unknown } | undefined)?.cause;
        this.fail(isTransportError(cause) ? cause : err);
      },
    );
  }

  /**
   * The config axios's `request()` would hand its adapter: the transport's defaults,
   * this hop's keys, its headers over the default ones, its body transformed.
   */
  private config(hop: Hop): InternalAxiosRequestConfig {
    const { pool } = this;
    const method = hop.method.toLowerCase();
    const own = hopHeaders(this.request, hop);
    const headers = AxiosHeaders.concat(pool.commonHeaders, isEmpty(own) ? undefined : own);
    const config: InternalAxiosRequestConfig = { ...pool.base, method, url: hop.url, headers, signal: this };
    if (hop.data !== undefined && hop.data !== null) {
      let data: unknown = hop.data;
      for (const transform of pool.transformRequest) data = transform.call(config, data, headers.normalize(false));
      config.data = data;
      // As axios does for these methods: a form content type unless one is set. Not without a
      // body, where axios sets it too: aiohttp and undici send no Content-Type then.
      if (method === 'post' || method === 'put' || method === 'patch') headers.setContentType('application/x-www-form-urlencoded', false);
    }
    return config;
  }

  /** The head of a hop's response arrived: its body is read as it comes. */
  private received(res: AxiosResponse<IncomingMessage>): void {
    const stream = res.data as BodyStream;
    if (!this.inFlight) {
      stream.destroy();
      return;
    }
    this.silence?.touch();
    this.stream = stream;
    this.socket = stream.socket;
    const { request, hop } = this;
    const status = res.status;
    if (status === 101) {
      // A 101 without an Upgrade header: Node takes it for an answer.
      this.failWith(unexpectedUpgrade());
      return;
    }
    this.status = status;
    this.statusText = res.statusText;
    const headers = responseHeaders(stream, res);
    this.headers = headers;
    keepCookies(request, hop.url, headers);
    const body = readerFor(request, hop, status, headers, this);
    if (body instanceof Error) return this.failWith(body);
    this.body = body;
    stream[CALL] = this;
    stream.on('data', onStreamData);
    stream.on('end', onStreamEnd);
    stream.on('error', onStreamError);
    stream.on('close', onStreamClose);
    respondHead(this.subscriber, request, body, hop.url, status, this.statusText, headers);
  }

  /** A chunk of the body (a listener of its stream). */
  data(chunk: Buffer): void {
    this.silence?.touch();
    this.body?.write(chunk);
  }

  /** The body ended as its framing says. */
  ended(): void {
    responseEnded(this.pool.hooks, this.socket);
    this.socket = null;
    this.stream = undefined;
    // The whole answer has come: no silence of the server's can fail it now (its decoding is ours).
    if (this.body?.keep !== false) {
      this.silence?.unsubscribe();
      this.silence = undefined;
    }
    this.body?.end();
  }

  /** The body stream failed or closed before its end. */
  broken(err: unknown): void {
    if (this.stream === undefined) return;
    this.stream = undefined;
    this.fail(err);
  }

  bodyRead(body: Buffer): void {
    const { headers, hop, request } = this;
    if (!this.inFlight || headers === undefined) return;
    // A body only counted is a redirect's, to follow.
    if (this.body?.keep === false) {
      const next = nextHop(request, hop, this.redirects, this.status, headers.location!);
      if (next instanceof Error) return this.fail(next);
      this.redirects++;
      this.send(next);
      return;
    }
    this.settle();
    respond(this.subscriber, request, hop.url, this.status, this.statusText, headers, body);
  }

  bodyFailed(err: Error): void {
    this.failWith(err);
  }

  /** The read deadline passed: the request is aborted, then fails. */
  expire(): void {
    const { method, url } = this.hop;
    this.failWith(readTimeoutError(method, url, this.request.readTimeout));
  }

  /** Leaves the queue, or aborts the request in flight (which destroys its socket). */
  unsubscribe(): void {
    if (!this.started) {
      this.pool.slots.leave(this);
      return;
    }
    if (!this.inFlight) return;
    this.stop();
  }

  // The abort signal axios listens to (one listener: axios's own).
  addEventListener(_type: 'abort', listener: () => void): void {
    this.onAbort = listener;
  }

  removeEventListener(): void {
    this.onAbort = undefined;
  }

  /** Ends the request with its own error, once its work is stopped (its socket destroyed). */
  private failWith(err: Error): void {
    if (!this.inFlight) return;
    this.stop();
    this.subscriber.error(err);
  }

  /** A failure of axios, Node or a hop: the request ends with it. */
  private fail(err: unknown): void {
    if (!this.settle()) return;
    this.body?.destroy();
    this.subscriber.error(err);
  }

  /** Aborts the hop in flight: axios destroys the request, the body stream and its socket. */
  private stop(): void {
    const { stream } = this;
    this.settle();
    this.body?.destroy();
    this.aborted = true;
    this.onAbort?.();
    stream?.destroy();
  }

  /** The request ends: gives the slot back and stops the deadline; whether it was still in flight. */
  private settle(): boolean {
    if (!this.inFlight) return false;
    this.inFlight = false;
    this.stream = undefined;
    this.socket = null;
    this.silence?.unsubscribe();
    this.silence = undefined;
    this.pool.slots.release();
    return true;
  }
}

function onStreamData(this: BodyStream, chunk: Buffer): void {
  this[CALL]?.data(chunk);
}

function onStreamEnd(this: BodyStream): void {
  const call = this[CALL];
  this[CALL] = undefined;
  call?.ended();
}

function onStreamError(this: BodyStream, err: Error): void {
  const call = this[CALL];
  this[CALL] = undefined;
  call?.broken(err);
}

function onStreamClose(this: BodyStream): void {
  // Closed before its end: the connection went away with the body unfinished.
  const call = this[CALL];
  this[CALL] = undefined;
  call?.broken(transportError('ECONNRESET', 'the connection closed before the body ended'));
}

/** A response's headers from its raw pairs, as the undici transport makes them (see `headersFrom`). */
function responseHeaders(stream: IncomingMessage, res: AxiosResponse): Record<string, string> {
  const raw = stream.rawHeaders;
  if (Array.isArray(raw)) return headersFromStrings(raw);
  // Not Node's message (a stream of another kind): axios's parsed headers, as pairs.
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(res.headers as Record<string, unknown>)) {
    if (value === undefined || value === null || typeof value === 'function') continue;
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) pairs.push(name, String(v));
  }
  return headersFromStrings(pairs);
}
