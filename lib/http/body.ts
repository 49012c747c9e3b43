/**
 * What both transports share about a body: reading it under the request's limits while it
 * arrives, undoing its content codings, and handing it on as `data` (lib/http/bodyData.ts).
 */
import type { Subscriber } from 'rxjs';
import { bodyData } from './bodyData';
import { EMPTY, concatBytes } from './bytes';
import { contentCodings, createDecoder } from './decode';
import type { Coding, DecodeSink, Decoder } from './decode';
import { ResponseTooLargeError } from './errors/ResponseTooLargeError';
import { isRedirect } from './redirect';
import type { Hop } from './redirect';
import { declaredTooLarge, hasNoBody } from './response';
import { statusText } from './statusText';
import type { HttpMethod, HttpRequest, HttpResponse } from './types';

/**
 * Emits the response whose whole body has been read, then completes: the end of a
 * request on the Node transports (axios, undici). `text` is the reason phrase received,
 * `''` for the status's usual one. (The browser's axios transport writes its own: a call
 * here cost its bundle bytes it does not have.)
 */
export function respond(
  subscriber: Subscriber<HttpResponse>,
  request: HttpRequest,
  url: string,
  status: number,
  text: string,
  headers: Record<string, string>,
  body: Uint8Array,
): void {
  subscriber.next({ url, status, statusText: text || statusText(status), headers, data: bodyData(request.responseType, headers['content-type'], body) });
  subscriber.complete();
}

/** Who a {@link BodyReader} reports to: the transport's object for the request. */
export interface BodyOwner {
  /** The whole body arrived and was decoded. */
  bodyRead(body: Uint8Array): void;
  /** The body cannot be read (too large, a corrupt coding): stop the request, then fail with `err`. */
  bodyFailed(err: Error): void;
}

/**
 * Reads one response body as it arrives, chunk by chunk, under `maxContentLength`: the
 * bytes received and, when it has content codings, the bytes they decode to, so neither
 * an endless body nor a gzip bomb holds more than the limit. The chunk that would cross
 * it is never kept: the owner is told at once (`bodyFailed`) and stops reading.
 *
 * With `keep` false (the body of a redirect) it only counts.
 */
export class BodyReader implements DecodeSink {
  // Bytes received so far, and bytes kept (decoded) so far.
  private received = 0;
  private kept = 0;
  // The body so far: most come in one chunk, which needs no array.
  private chunk: Uint8Array | undefined;
  private chunks: Uint8Array[] | undefined;
  private decoder: Decoder | undefined;
  // Set once the owner has been told (either way), or the reader was destroyed.
  private over = false;

  /**
   * @param keep Whether the body is kept (and decoded): `false` for the body of a redirect
   * being followed, which is only counted.
   */
  constructor(
    private readonly method: HttpMethod,
    private readonly url: string,
    private readonly limit: number,
    private readonly codings: readonly Coding[] | undefined,
    readonly keep: boolean,
    private readonly owner: BodyOwner,
  ) {}

  /** A chunk as received. */
  write(chunk: Uint8Array): void {
    if (this.over) return;
    this.received += chunk.length;
    if (this.received > this.limit) return this.fail(new ResponseTooLargeError(this.method, this.url, this.limit));
    if (!this.keep) return;
    if (this.codings === undefined) this.decoded(chunk);
    else (this.decoder ??= createDecoder(this.codings, this)).write(chunk);
  }

  /** The body has ended as its framing says: decode what is left, then tell the owner. */
  end(): void {
    if (this.over) return;
    if (this.decoder === undefined) this.decodeEnded();
    else this.decoder.end();
  }

  /** The request ended otherwise (unsubscribed, failed): drop everything, tell nobody. */
  destroy(): void {
    this.over = true;
    this.decoder?.destroy();
    this.chunk = this.chunks = undefined;
  }

  decoded(chunk: Uint8Array): void {
    if (this.over) return;
    this.kept += chunk.length;
    if (this.kept > this.limit) return this.fail(new ResponseTooLargeError(this.method, this.url, this.limit));
    if (this.chunk === undefined) this.chunk = chunk;
    else (this.chunks ??= [this.chunk]).push(chunk);
  }

  decodeEnded(): void {
    if (this.over) return;
    this.over = true;
    const body = this.chunks !== undefined ? concatBytes(this.chunks, this.kept) : (this.chunk ?? EMPTY);
    this.chunk = this.chunks = undefined;
    this.owner.bodyRead(body);
  }

  decodeFailed(err: Error): void {
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.over) return;
    this.destroy();
    this.owner.bodyFailed(err);
  }
}

/**
 * How to read the body of a hop's response, once its head has come (both transports ask
 * this): a reader that only counts it for a redirect the request follows, else one that
 * keeps and decodes it (its `Content-Encoding` header then dropped from `headers`); or the
 * error that ends the request before a byte of the body is read (a `Content-Length` over
 * `maxContentLength`, codings that cannot be undone in full).
 */
export function readerFor(request: HttpRequest, hop: Hop, status: number, headers: Record<string, string>, owner: BodyOwner): BodyReader | Error {
  if (isRedirect(request, status, headers.location)) {
    // Its body is only counted: the next hop starts once it has been read.
    return new BodyReader(hop.method, hop.url, request.maxContentLength, undefined, false, owner);
  }
  const tooLarge = declaredTooLarge(request, hop.method, hop.url, status, headers);
  if (tooLarge !== undefined) return tooLarge;
  const codings = contentCodings(headers['content-encoding']);
  if (codings instanceof Error) return codings;
  if (codings !== undefined) delete headers['content-encoding'];
  return new BodyReader(hop.method, hop.url, request.maxContentLength, hasNoBody(hop.method, status) ? undefined : codings, true, owner);
}
