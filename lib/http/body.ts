/**
 * What the transports share about a body: reading it under the request's limits while it
 * arrives, undoing its content codings, and handing it on, kept or streamed (the Node
 * transports then respond with lib/http/respond.ts).
 */
import { EMPTY, concatBytes } from './bytes';
import { contentCodings, createDecoder } from './decode';
import type { Coding, DecodeSink, Decoder } from './decode';
import { ResponseTooLargeError } from './errors/ResponseTooLargeError';
import { isRedirect } from './redirect';
import type { Hop } from './redirect';
import { callerError, declaredLength, declaredTooLarge, hasNoBody } from './response';
import type { HttpRequest } from './types';

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
 * With `keep` false (the body of a redirect) it only counts. A kept body is reported to
 * the request's `onDownloadProgress` as it comes, and, when the request streams, handed
 * to its `onChunk` chunk by chunk instead of being kept.
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
  private readonly limit: number;
  // Of a kept body only: where a streamed body goes, and who hears of its progress (of `total` bytes).
  private readonly sink: ((chunk: Uint8Array) => void) | undefined;
  private readonly progress: HttpRequest['onDownloadProgress'];
  private readonly total: number | undefined;

  /**
   * @param hop The method and URL its errors name.
   * @param request Its limit, and its `onChunk` and `onDownloadProgress` for a kept body.
   * @param codings The content codings to undo, if any.
   * @param keep Whether the body is kept (and decoded): `false` for the body of a redirect
   * being followed, which is only counted.
   * @param length Its `Content-Length`, for the progress reported.
   */
  constructor(
    private readonly hop: Pick<Hop, 'method' | 'url'>,
    request: HttpRequest,
    private readonly codings: readonly Coding[] | undefined,
    readonly keep: boolean,
    private readonly owner: BodyOwner,
    length: string | undefined,
  ) {
    this.sink = keep ? request.onChunk : undefined;
    // A streamed body is never held: maxContentLength bounds what is kept (and a redirect's body).
    this.limit = this.sink === undefined ? request.maxContentLength : Infinity;
    this.progress = keep ? request.onDownloadProgress : undefined;
    this.total = this.progress === undefined ? undefined : declaredLength(length);
  }

  /** A chunk as received. */
  write(chunk: Uint8Array): void {
    if (this.over) return;
    this.received += chunk.length;
    if (this.received > this.limit) return this.fail(new ResponseTooLargeError(this.hop.method, this.hop.url, this.limit));
    if (!this.keep) return;
    if (this.progress !== undefined && !this.report()) return;
    if (this.codings === undefined) this.decoded(chunk);
    else (this.decoder ??= createDecoder(this.codings, this)).write(chunk);
  }

  /** Tells `onDownloadProgress`; whether the body is still read (a throw of it fails the request). */
  private report(): boolean {
    try {
      this.progress!({ loaded: this.received, total: this.total });
    } catch (err) {
      this.fail(callerError(err));
    }
    return !this.over;
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
    if (this.sink !== undefined) {
      if (chunk.length > 0) this.sink(chunk);
      return;
    }
    this.kept += chunk.length;
    if (this.kept > this.limit) return this.fail(new ResponseTooLargeError(this.hop.method, this.hop.url, this.limit));
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
    return new BodyReader(hop, request, undefined, false, owner, undefined);
  }
  const tooLarge = declaredTooLarge(request, hop.method, hop.url, status, headers);
  if (tooLarge !== undefined) return tooLarge;
  const codings = contentCodings(headers['content-encoding']);
  if (codings instanceof Error) return codings;
  if (codings !== undefined) delete headers['content-encoding'];
  return new BodyReader(hop, request, hasNoBody(hop.method, status) ? undefined : codings, true, owner, headers['content-length']);
}
