/**
 * The browser build's lib/http/axiosTransport.ts: the default transport over axios's
 * `fetch` adapter, without Node's agents, `node:` modules or `Buffer`. axios is loaded by
 * a dynamic `import()` when the first request starts (lib/http/loadAxios.ts), so a bundler
 * puts it in a chunk of its own, fetched only by an app that uses this transport.
 */
import type { Unsubscribable } from 'rxjs';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { startSilence } from '../internal/deadline';
import type { Expiring, Silence } from '../internal/deadline';
import type { Context } from '../internal/context';
import type { Waiter } from '../internal/gate';
import { BodyReader } from './body';
import type { BodyOwner } from './body';
import { bodyData } from './bodyData';
import { EMPTY } from './bytes';
import { loadAxios } from './loadAxios';
import { isEmpty } from './request';
import { closedError, declaredTooLarge, headersFromStrings, readTimeoutError } from './response';
import { abortInFlight, maxSocketsOption, poolTransport } from './poolTransport';
import type { Sink } from './poolTransport';
import { Slots } from './slots';
import type { HttpRequest, PoolTransport, PoolTransportOptions } from './types';

/**
 * The default transport of a session in a browser: axios over `fetch`, at most
 * `maxSockets` requests in flight (the others wait, first come, first served, and one
 * dropped while it waits is never sent). The browser keeps the connections, decodes
 * content codings and follows redirects itself (`maxRedirects: 0` asks fetch not to:
 * the browser then gives an opaque response, status 0); `statusText` is fetch's (the
 * server's reason phrase over HTTP/1.1, `''` over HTTP/2 and 3). The body is read as a stream
 * under `maxContentLength` and `readTimeout`, as in Node; unsubscribing aborts the
 * fetch; `close()` aborts every request in flight and refuses new ones.
 *
 * @param options `maxSockets` (default 100, `Infinity` for no limit): requests in flight at most.
 * @returns The transport, with `close()`.
 */
export function axiosTransport(options?: PoolTransportOptions): PoolTransport {
  return createAxiosTransport(maxSocketsOption('axiosTransport', options));
}

/** {@link axiosTransport} with its argument checked. */
export function createAxiosTransport(maxSockets: number): PoolTransport {
  const pool: FetchPool = { slots: new Slots(maxSockets), inFlight: new Set(), closed: false, client: undefined };
  return poolTransport({
    slots: pool.slots,
    call: (request, subscriber) => new FetchCall(pool, request, subscriber),
    close: () => abortInFlight(pool),
  });
}

/** What the requests of one transport share. */
interface FetchPool {
  readonly slots: Slots;
  /** Requests sent and not ended. */
  readonly inFlight: Set<FetchCall>;
  /** Set by close(). */
  closed: boolean;
  /** The axios instance, once axios has loaded. */
  client: Promise<AxiosInstance> | undefined;
}

/** Loads axios and makes the transport's instance: fetch, every status a response, the body as a stream. */
function client(pool: FetchPool): Promise<AxiosInstance> {
  return (pool.client ??= loadAxios().then((axios) =>
    axios.create({
      adapter: 'fetch',
      validateStatus: null,
      responseType: 'stream',
      transformResponse: [],
      // The body's limit is applied here, as it is read.
      maxContentLength: -1,
      allowAbsoluteUrls: true,
    }),
  ));
}

/** One request from its subscription to its end: the slot queue's waiter, the body's owner, the read deadline's target. */
class FetchCall implements Waiter, Unsubscribable, BodyOwner, Expiring {
  // Links of the slot queue, while it waits.
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Context | undefined = undefined;
  // From sending until the request ends.
  private inFlight = false;
  private readonly controller = new AbortController();
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private response: { status: number; statusText: string; headers: Record<string, string> } | undefined;
  private body: BodyReader | undefined;
  private silence: Silence | undefined;

  constructor(
    private readonly pool: FetchPool,
    private readonly request: HttpRequest,
    private readonly subscriber: Sink,
  ) {}

  admit(): void {
    if (this.pool.closed) {
      this.subscriber.error(closedError());
      return;
    }
    this.inFlight = true;
    this.pool.inFlight.add(this);
    this.silence = startSilence(this.request.readTimeout, this);
    const { method, url, headers, data, maxRedirects } = this.request;
    client(this.pool)
      .then((axios) => {
        if (!this.inFlight) return undefined;
        return axios.request<ReadableStream<Uint8Array>>({
          method,
          url,
          headers: isEmpty(headers) ? undefined : { ...headers },
          data,
          signal: this.controller.signal,
          maxRedirects: maxRedirects === 0 ? 0 : undefined,
        });
      })
      .then(
        (res) => {
          if (res !== undefined) this.received(res);
        },
        (err: unknown) => this.fail(err),
      );
  }

  private received(res: AxiosResponse<ReadableStream<Uint8Array>>): void {
    const stream = res.data;
    if (!this.inFlight) {
      void stream?.cancel().catch(noop);
      return;
    }
    this.silence?.touch();
    const pairs: string[] = [];
    for (const [name, value] of Object.entries(res.headers as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number') pairs.push(name, String(value));
      else if (Array.isArray(value)) for (const v of value as unknown[]) pairs.push(name, String(v));
    }
    const headers = headersFromStrings(pairs);
    // fetch has undone the content codings already: the length, if any, is not of what it gives.
    const length = headers['content-encoding'] === undefined ? headers['content-length'] : undefined;
    delete headers['content-encoding'];
    // The browser's reason phrase, as fetch gives it ('' over HTTP/2 and 3): a table of them would cost this bundle 0.5 kB.
    this.response = { status: res.status, statusText: res.statusText, headers };
    // Nothing to decode, no redirect to follow: the body is read as it comes, under its limit.
    const { method, url } = this.request;
    const tooLarge = declaredTooLarge(this.request, method, url, res.status, headers);
    if (tooLarge !== undefined) return this.abort(tooLarge);
    const body = new BodyReader(this.request, this.request, undefined, true, this, length);
    this.body = body;
    // A streamed body's head goes first (its chunks follow); the subscriber may leave at once.
    if (this.request.onChunk !== undefined) this.subscriber.next({ url, status: res.status, statusText: res.statusText, headers, data: EMPTY });
    if (!this.inFlight) return;
    if (stream === null || stream === undefined) {
      body.end();
      return;
    }
    const reader = stream.getReader();
    this.reader = reader;
    const pump = (): void => {
      reader.read().then((chunk) => {
        if (!this.inFlight) return;
        this.silence?.touch();
        if (chunk.done) {
          this.silence?.unsubscribe();
          this.silence = undefined;
          this.body?.end();
          return;
        }
        this.body?.write(chunk.value);
        if (this.inFlight) pump();
      }, this.fail);
    };
    pump();
  }

  bodyRead(body: Uint8Array): void {
    const { response, request } = this;
    if (!this.settle() || response === undefined) return;
    if (request.onChunk === undefined)
      this.subscriber.next({
        url: request.url,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        data: bodyData(request.responseType, response.headers['content-type'], body),
      });
    this.subscriber.complete();
  }

  bodyFailed(err: Error): void {
    this.abort(err);
  }

  /** The read deadline passed: the request is aborted, then fails. */
  expire(): void {
    const { method, url, readTimeout } = this.request;
    this.abort(readTimeoutError(method, url, readTimeout));
  }

  /** Leaves the queue (if it still waits), or aborts the request in flight. */
  unsubscribe(): void {
    this.pool.slots.leave(this);
    if (this.settle()) this.stop();
  }

  /** Stops the request in flight, then fails it with `err`. */
  abort(err: Error): void {
    if (!this.settle()) return;
    this.stop();
    this.subscriber.error(err);
  }

  /** A failure of axios or fetch: the request ends with it. */
  private readonly fail = (err: unknown): void => {
    if (!this.settle()) return;
    this.body?.destroy();
    this.subscriber.error(err);
  };

  private stop(): void {
    this.body?.destroy();
    this.controller.abort();
    void this.reader?.cancel().catch(noop);
  }

  /** The request ends: gives the slot back and stops the deadline; whether it was still in flight. */
  private settle(): boolean {
    if (!this.inFlight) return false;
    this.inFlight = false;
    this.pool.inFlight.delete(this);
    this.silence?.unsubscribe();
    this.silence = undefined;
    this.pool.slots.release();
    return true;
  }
}

function noop(): void {}
