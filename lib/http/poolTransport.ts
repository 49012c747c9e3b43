import { Observable } from 'rxjs';
import type { Observer, Unsubscribable } from 'rxjs';
import type { Waiter } from '../internal/gate';
import { checkConcurrency, readOptions } from '../internal/validate';
import { closedError } from './response';
import type { Slots } from './slots';
import type { HttpRequest, HttpResponse, PoolTransport, PoolTransportOptions } from './types';

/** One request of a pool transport, from its subscription to its end: a waiter of the slots, and the subscription's teardown. */
export interface PoolCall extends Waiter, Unsubscribable {}

/**
 * Where a pool transport's call reports: the subscriber of its Observable, or, on the
 * session's direct path ({@link SEND}), the session's own call object. A call reports
 * once (a response then `complete`, or an error) and nothing after it is unsubscribed;
 * the receiver ignores anything else, as a Subscriber does.
 */
export type Sink = Pick<Observer<HttpResponse>, 'next' | 'error' | 'complete'>;

/**
 * The key of a pool transport's direct path: `transport[SEND](request, sink)` is
 * `transport(request).subscribe(sink)` without the Observable, its closure and the
 * SafeSubscriber rxjs wraps a plain observer in (what a session pays on every request
 * otherwise). Returns the teardown (`undefined` once it has failed at once); the sink is
 * told as a subscriber would be, and the caller unsubscribes the teardown once it has
 * heard the end, as rxjs would.
 */
export const SEND: unique symbol = Symbol('rxjs-asyncio.send');

/** A transport with the direct path of a pool transport. */
export interface DirectTransport {
  [SEND](request: HttpRequest, sink: Sink): Unsubscribable | undefined;
}

/** What a pool transport's driver (axios in Node, axios over fetch, undici, Angular's HttpClient) gives the skeleton. */
export interface PoolDriver {
  /** The slots its requests wait for: `maxSockets` of them, or `Infinity` where the browser keeps the connections (HttpClient). */
  readonly slots: Slots;
  /** The call of one subscription, which then enters the slot queue (its `admit()` sends the request). */
  call(request: HttpRequest, sink: Sink): PoolCall;
  /**
   * Closes the driver, once: from now on its calls refuse to start (`closedError()`) and
   * requests in flight fail (their connections destroyed, or, for a driver whose
   * connections are the browser's, the requests aborted); resolves once every socket of
   * its own has closed.
   */
  close(): Promise<void>;
}

/** The `maxSockets` of a pool transport's `options` (default 100), checked, errors naming `fn`. */
export function maxSocketsOption(fn: string, options: PoolTransportOptions | undefined): number {
  const o = readOptions(fn, 'options', options, ['maxSockets']);
  return o.maxSockets === undefined ? 100 : checkConcurrency(fn, 'options.maxSockets', o.maxSockets);
}

/**
 * The lifecycle every pool transport shares: each subscription is a call that waits for a
 * slot, first come, first served (one dropped while it waits is never sent); a
 * subscription after `close()` fails at once with `ERR_TRANSPORT_CLOSED`; `close()` closes
 * the driver, then admits every waiter at once, so each sees the driver closed and fails;
 * calling it again returns the same promise.
 */
export function poolTransport(driver: PoolDriver): PoolTransport {
  // Set by the first close().
  let closing: Promise<void> | undefined;
  const send = (request: HttpRequest, sink: Sink): PoolCall | undefined => {
    if (closing !== undefined) {
      sink.error(closedError());
      return undefined;
    }
    const call = driver.call(request, sink);
    driver.slots.enter(call);
    return call;
  };
  const transport = (request: HttpRequest): Observable<HttpResponse> => new Observable<HttpResponse>((subscriber) => send(request, subscriber));
  return Object.assign(transport, {
    [SEND]: send,
    close(): Promise<void> {
      if (closing === undefined) {
        closing = driver.close();
        driver.slots.close();
      }
      return closing;
    },
  });
}

/** The requests a driver whose connections are the browser's has sent, and whether it is closed. */
export interface InFlight {
  readonly inFlight: Set<{ abort(err: Error): void }>;
  closed: boolean;
}

/**
 * The `close()` of a driver whose connections are the browser's (axios over fetch,
 * HttpClient): it has no socket of its own to close, so it aborts what is in flight with
 * `closedError()` and is done at once.
 */
export function abortInFlight(pool: InFlight): Promise<void> {
  pool.closed = true;
  for (const call of [...pool.inFlight]) call.abort(closedError());
  return Promise.resolve();
}
