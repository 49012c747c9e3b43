/**
 * Which content codings a response has, and undoing them as the body arrives (Node:
 * `node:zlib`; the browser build has lib/http/decode.browser.ts, since a browser decodes
 * bodies itself), for {@link BodyReader}:
 * each coding is a zlib stream whose output goes on, chunk by chunk, to the next one or to
 * the reader, which counts it against `maxContentLength` and stops everything once it is
 * crossed. So a small gzip bomb is never inflated past the limit.
 *
 * Strict where zlib's convenience settings are lenient: the end of the input is a
 * `Z_FINISH`, so a truncated stream fails ("unexpected end of file", `Z_BUF_ERROR`), as a
 * corrupt one does (`Z_DATA_ERROR`), where axios's `Z_SYNC_FLUSH` returned what it had.
 */
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { transportError } from './response';
import type { TransportError } from './response';

/** A content coding the transports ask for (`Accept-Encoding`) and undo. */
export type Coding = 'gzip' | 'deflate' | 'br';

const CODINGS: Readonly<Record<string, Coding>> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };

/** More codings than this on one body is an attack, not a server's choice (urllib3 stops at 5 too). */
const MAX_CODINGS = 5;

/**
 * The codings to undo for a `Content-Encoding` header, outermost (last applied) first:
 * `gzip, gzip` is undone twice. `undefined` when there is nothing to undo (no header,
 * `identity`) or a single coding the transports do not know (the body is then given as
 * received, the header kept, as axios does); an error for a list it cannot undo in full
 * (an unknown coding among others, too many): never a body half decoded.
 */
export function contentCodings(header: string | undefined): readonly Coding[] | TransportError | undefined {
  if (header === undefined) return undefined;
  const known = CODINGS[header];
  if (known !== undefined) return [known];
  const names = header
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
  if (names.length === 0) return undefined;
  if (names.length > MAX_CODINGS)
    return transportError('ERR_CONTENT_ENCODING', `more than ${MAX_CODINGS} content codings (Content-Encoding: ${header.slice(0, 100)})`);
  const codings: Coding[] = [];
  for (const name of names) {
    const coding = CODINGS[name];
    if (coding !== undefined) codings.unshift(coding);
    else if (names.length === 1) return undefined;
    else return transportError('ERR_CONTENT_ENCODING', `unsupported content coding ${JSON.stringify(name)} (Content-Encoding: ${header.slice(0, 100)})`);
  }
  return codings;
}

/** Where decoded output goes. */
export interface DecodeSink {
  decoded(chunk: Uint8Array): void;
  decodeEnded(): void;
  decodeFailed(err: Error): void;
}

/** A chain of decoders, fed with the body as received. */
export interface Decoder {
  write(chunk: Uint8Array): void;
  /** The body has ended: flush, then `decodeEnded()` (or `decodeFailed()` if it was cut short). */
  end(): void;
  /** Stops at once: nothing more reaches the sink. */
  destroy(): void;
}

/** Output chunks of 64 KiB: fewer round trips to zlib's thread than its 16 KiB default. */
const OPTIONS: zlib.ZlibOptions = { chunkSize: 64 * 1024 };

/** A decoder for `codings`, outermost first (as `contentCodings` gives them). */
export function createDecoder(codings: readonly Coding[], sink: DecodeSink): Decoder {
  let next: DecodeSink = sink;
  for (let i = codings.length - 1; i >= 1; i--) next = new Stage(codings[i]!, next, sink);
  return new Stage(codings[0]!, next, sink);
}

/** One coding undone: its zlib stream, opened on the first chunk (deflate's first byte says which kind). */
class Stage implements Decoder, DecodeSink {
  private stream: Transform | undefined;
  private stopped = false;

  constructor(
    private readonly coding: Coding,
    private readonly next: DecodeSink,
    private readonly sink: DecodeSink,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.stopped || chunk.length === 0) return;
    (this.stream ??= this.open(chunk)).write(chunk);
  }

  end(): void {
    if (this.stopped) return;
    // Nothing came: an empty body, whatever its coding says.
    if (this.stream === undefined) this.next.decodeEnded();
    else this.stream.end();
  }

  destroy(): void {
    this.stopped = true;
    this.stream?.destroy();
    if (this.next instanceof Stage) this.next.destroy();
  }

  // As the sink of the stage before it.
  decoded(chunk: Uint8Array): void {
    this.write(chunk);
  }

  decodeEnded(): void {
    this.end();
  }

  decodeFailed(err: Error): void {
    this.sink.decodeFailed(err);
  }

  private open(first: Uint8Array): Transform {
    const stream =
      this.coding === 'gzip'
        ? zlib.createGunzip(OPTIONS)
        : this.coding === 'br'
          ? zlib.createBrotliDecompress({ chunkSize: OPTIONS.chunkSize })
          : // zlib-wrapped (RFC 1950) as the RFC says, or raw deflate as some servers send.
            (first[0]! & 0x0f) === 0x08
            ? zlib.createInflate(OPTIONS)
            : zlib.createInflateRaw(OPTIONS);
    stream.on('data', (chunk: Buffer) => {
      if (!this.stopped) this.next.decoded(chunk);
    });
    stream.on('end', () => {
      if (!this.stopped) this.next.decodeEnded();
    });
    stream.on('error', (err: Error) => {
      if (this.stopped) return;
      this.stopped = true;
      this.sink.decodeFailed(err);
    });
    return stream;
  }
}
