/**
 * How the Node transports (axios, undici) end a request: its response emitted once its
 * whole body has been read, or its head at once when the body streams. The browser's
 * axios transport writes its own (without this module's table of reason phrases).
 */
import type { Sink } from './poolTransport';
import type { BodyReader } from './body';
import { bodyData } from './bodyData';
import { EMPTY } from './bytes';
import { statusText } from './statusText';
import type { HttpRequest } from './types';

/**
 * Emits the response whose whole body has been read, then completes: the end of a
 * request on the Node transports (axios, undici). `text` is the reason phrase received,
 * `''` for the status's usual one. (The browser's axios transport writes its own.)
 */
export function respond(
  subscriber: Sink,
  request: HttpRequest,
  url: string,
  status: number,
  text: string,
  headers: Record<string, string>,
  body: Uint8Array,
): void {
  // A streamed body went to onChunk, after its head (respondHead).
  if (request.onChunk === undefined) {
    subscriber.next({ url, status, statusText: text || statusText(status), headers, data: bodyData(request.responseType, headers['content-type'], body) });
  }
  subscriber.complete();
}

/**
 * For a request that streams (`onChunk`), emits the final response as soon as its head
 * has come, `data` an empty body: its chunks follow, and `respond()` then only
 * completes. The Node transports call it once the reader of that body is in place, last,
 * since the subscriber may unsubscribe at once (a status `raiseForStatus` refuses).
 */
export function respondHead(
  subscriber: Sink,
  request: HttpRequest,
  body: BodyReader,
  url: string,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  if (request.onChunk !== undefined && body.keep) subscriber.next({ url, status, statusText: text || statusText(status), headers, data: EMPTY });
}
