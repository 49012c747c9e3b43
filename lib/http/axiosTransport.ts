import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { Observable } from 'rxjs';
import type { Subscription } from 'rxjs';
import { checkConcurrency, checkOptions } from '../internal/validate';
import { toData } from './body';
import { SlotQueue } from './slots';
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
 * and no aborted socket is still closing (see `SlotQueue` in lib/http/slots.ts).
 *
 * `close()` destroys both agents and every socket they opened, idle or in use, and
 * refuses new ones; it resolves once each of those sockets has emitted `'close'`.
 *
 * @param options `maxSockets` (default 100, `Infinity` for no limit).
 * @returns The transport, with `close()`.
 */
export function axiosTransport(options?: PoolTransportOptions): PoolTransport {
  const o = checkOptions('axiosTransport', options, ['maxSockets']);
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
  const slots = new SlotQueue(maxSockets, () => closing.count);

  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets };
  const hooks = { refuse: () => destroyed !== undefined, closed: () => slots.schedule(), closing };
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

  const transport = (request: HttpRequest): Observable<HttpResponse> =>
    new Observable<HttpResponse>((subscriber) => {
      let running: Subscription | undefined;
      const start = (): void => {
        if (destroyed !== undefined) {
          subscriber.error(closedError());
          return;
        }
        running = send(client, request).subscribe(subscriber);
      };
      if (destroyed !== undefined) {
        subscriber.error(closedError());
        return undefined;
      }
      slots.enter(start);
      return () => {
        if (running === undefined) {
          slots.leave(start);
          return;
        }
        running.unsubscribe();
        slots.release();
      };
    });

  return Object.assign(transport, {
    close(): Promise<void> {
      if (destroyed === undefined) {
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
function track<A extends HttpAgent>(
  agent: A,
  sockets: Set<Duplex>,
  hooks: { refuse: () => boolean; closed: () => void; closing: { count: number } },
): A {
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
