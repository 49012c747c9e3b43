import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { Observable } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { HttpHeaders, HttpRequest, HttpResponse, Transport } from './types';

/** The default transport of a session, with the keep-alive pool it owns. */
export interface AxiosPool {
  /** Sends requests through axios and the pool. */
  readonly transport: Transport;
  /**
   * Destroys both agents and every socket they opened, idle or in use, and refuses
   * new ones; resolves once each of those sockets has emitted `'close'`.
   */
  destroy(): Promise<void>;
}

/**
 * Creates the axios transport of one session, over its own keep-alive agents (one
 * for `http:`, one for `https:`), with at most `maxSockets` requests in flight in
 * all, so at most that many sockets open.
 *
 * Each subscription to `transport(request)` waits for one of the `maxSockets` slots
 * (first come, first served), then sends one request with its own `AbortController`,
 * emits the `HttpResponse` once the whole body has arrived and completes; an axios
 * failure is emitted as it is (the session wraps it). Unsubscribing while the request
 * is in flight aborts it, which destroys its socket; while it waits for a slot, it
 * just leaves the queue; after the response it does nothing. Any status is a
 * response: the session decides what fails.
 *
 * Why a queue of our own when the agents already queue requests past `maxSockets`:
 * Node's agent keeps a request aborted while queued in its queue and later opens a
 * socket for it, which the dead request destroys; unsubscribing from a thousand
 * queued requests would open and close a thousand connections. So a request is
 * handed to axios only when the agent can give it a socket at once: a slot is free
 * and no aborted socket is still closing. Waiting requests cost nothing to drop, and
 * the queue moves on a microtask after a slot frees, so a burst of unsubscriptions
 * empties it before anything starts.
 */
export function createAxiosPool(maxSockets: number): AxiosPool {
  // Every socket the agents opened and that has not emitted 'close' yet.
  const sockets = new Set<Duplex>();
  // Set by destroy(): no request starts and no socket opens after it.
  let destroyed = false;
  // Requests handed to axios and not yet ended.
  let active = 0;
  // Starters of the requests waiting for a slot, in arrival order.
  const queue = new Set<() => void>();
  // Whether a drain of the queue is scheduled.
  let draining = false;

  /** Sockets destroyed (by an abort) that still count against the agent's limit until they close. */
  const closing = (): number => {
    let n = 0;
    for (const socket of sockets) if (socket.destroyed) n++;
    return n;
  };
  const hasRoom = (): boolean => !destroyed && active + closing() < maxSockets;
  const drain = (): void => {
    draining = false;
    for (const start of queue) {
      if (!hasRoom()) return;
      queue.delete(start);
      start();
    }
  };
  const scheduleDrain = (): void => {
    if (draining || queue.size === 0) return;
    draining = true;
    queueMicrotask(drain);
  };

  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets };
  const hooks = { refuse: () => destroyed, closed: scheduleDrain };
  const httpAgent = track(new HttpAgent(agentOptions), sockets, hooks);
  const httpsAgent = track(new HttpsAgent(agentOptions), sockets, hooks);
  const client = axios.create({
    httpAgent,
    httpsAgent,
    // aiohttp ignores proxy environment variables unless asked (trust_env); so do we.
    proxy: false,
    validateStatus: null,
    // Bodies arrive as text or bytes; `toData` parses JSON itself.
    transformResponse: [],
  });

  const transport: Transport = (request) =>
    new Observable<HttpResponse>((subscriber) => {
      let running: Subscription | undefined;
      const start = (): void => {
        active++;
        running = send(client, request).subscribe(subscriber);
      };
      if (queue.size === 0 && hasRoom()) start();
      else queue.add(start);
      return () => {
        if (running === undefined) {
          queue.delete(start);
          return;
        }
        running.unsubscribe();
        active--;
        scheduleDrain();
      };
    });

  return {
    transport,
    destroy: () => {
      destroyed = true;
      queue.clear();
      const open = [...sockets];
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const socket of open) socket.destroy();
      return Promise.all(open.map((socket) => (socket.closed ? undefined : new Promise((resolve) => socket.once('close', resolve))))).then(
        () => undefined,
      );
    },
  };
}

/**
 * Records every socket `agent` creates in `sockets` until it closes, then calls
 * `hooks.closed` on a microtask (after the agent has forgotten the socket too). Once
 * `hooks.refuse()` holds, fails the creation instead (the agent then fails the request).
 */
function track<A extends HttpAgent>(agent: A, sockets: Set<Duplex>, hooks: { refuse: () => boolean; closed: () => void }): A {
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
      socket.once('close', () => {
        sockets.delete(socket);
        queueMicrotask(hooks.closed);
      });
    }
    return socket;
  };
  return agent;
}

function send(client: AxiosInstance, request: HttpRequest): Observable<HttpResponse> {
  return new Observable<HttpResponse>((subscriber) => {
    const controller = new AbortController();
    // True from sending until axios settles: only then is there something to abort.
    let inFlight = true;
    client
      .request<string | Buffer>({
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.data,
        responseType: request.responseType === 'arraybuffer' ? 'arraybuffer' : 'text',
        maxRedirects: request.maxRedirects,
        signal: controller.signal,
      })
      .then(
        (res) => {
          inFlight = false;
          subscriber.next(toResponse(request, res));
          subscriber.complete();
        },
        (err: unknown) => {
          inFlight = false;
          subscriber.error(err);
        },
      );
    return () => {
      if (inFlight) controller.abort();
    };
  });
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

/** `'json'`: parsed when the body is JSON, else the text, as axios's default does. */
function toData(request: HttpRequest, body: string | Buffer): unknown {
  if (request.responseType !== 'json' || typeof body !== 'string' || body === '') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
