/**
 * A seeded generator of malformed responses, and a run of requests against them: what
 * spec/hostile/malformed.spec.ts runs briefly and `npm run soak` at length (soak/run.ts).
 *
 * Case `i` of seed `s` is a pure function of both (`malformedCase`): a kind, drawn evenly
 * from {@link KINDS}, with its sizes, offsets and bytes drawn from the same seed, and the
 * endings it may have. Every kind is built so that no client can take it for a good
 * answer to `session.json()`: a body is never empty and never JSON, so a response a
 * lenient parser accepts still ends in SyntaxError. A request ends as NetworkError,
 * SyntaxError, ResponseTooLargeError or TimeoutError; never a crash, an unhandled
 * rejection or a hang.
 */
import * as zlib from 'node:zlib';
import { Observable, catchError, map, of } from 'rxjs';
import { asCompleted } from '../../lib';
import { NetworkError, ResponseTooLargeError, TimeoutError, createSession } from '../../lib/http';
import type { SessionOptions, Transport } from '../../lib/http';
import { startHostile } from './server';
import type { Hostile, Route, Wire } from './server';

export type Ending = 'NetworkError' | 'SyntaxError' | 'ResponseTooLargeError' | 'TimeoutError';

/** The session options every run uses: small limits, so each case is quick. */
export const LIMITS = { maxContentLength: 64 * 1024, readTimeout: 3000, timeout: 20_000 } as const;

/** One malformed answer: its kind, the endings a request to it may have, and how the server answers. */
export interface MalformedCase {
  readonly kind: string;
  readonly endings: readonly Ending[];
  readonly route: Route;
}

/** A deterministic source of numbers: FNV-1a over `seed:i`, then mulberry32. */
class Draw {
  private state: number;

  constructor(seed: number, i: number) {
    let h = 0x811c9dc5;
    const text = `${seed}:${i}`;
    for (let k = 0; k < text.length; k++) {
      h ^= text.charCodeAt(k);
      h = Math.imul(h, 0x01000193);
    }
    this.state = h;
  }

  /** A 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer from `lo` to `hi`, both included. */
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next() % items.length]!;
  }

  /** `n` characters of `alphabet`. */
  text(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let k = 0; k < n; k++) out += alphabet[this.next() % alphabet.length];
    return out;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let k = 0; k < n; k++) out[k] = this.next() & 0xff;
    return out;
  }
}

/** A body that is never JSON and never empty: `{"` + text + `,`. */
function notJson(d: Draw, n = d.int(1, 200)): string {
  return `{"${d.text(n)}",`;
}

/** Writes `bytes` and closes the connection. */
const writeAndClose =
  (bytes: string | Buffer): Route =>
  (_req, wire) =>
    wire.end(bytes);

/** Writes `bytes`, then nothing more: the connection stays open until the client gives up. */
const writeAndHang =
  (bytes: string | Buffer): Route =>
  (_req, wire) =>
    void wire.write(bytes);

/** Writes `bytes` and keeps the connection for the next request. */
const writeAndKeep =
  (bytes: string | Buffer): Route =>
  (_req, wire) => {
    wire.write(bytes);
    wire.next();
  };

/** A head and a binary body, as one buffer (a string and a Buffer joined with `+` would garble the bytes). */
function withBody(headText: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(headText, 'latin1'), body]);
}

/** A head: the status line, the headers, the blank line. */
function head(status: string, headers: readonly string[]): string {
  return `${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
}

const JSON_TYPE = 'Content-Type: application/json';
const OVER = LIMITS.maxContentLength;

function gzipOf(text: string | Buffer): Buffer {
  return zlib.gzipSync(text);
}

/** Every kind of malformed answer, with the endings it may have and a maker of its route from a draw. */
export const KINDS: readonly { readonly kind: string; readonly endings: readonly Ending[]; make(d: Draw): Route }[] = [
  {
    kind: 'close before any byte',
    endings: ['NetworkError'],
    make: () => (_req, wire) => wire.end(),
  },
  {
    kind: 'reset before any byte',
    endings: ['NetworkError'],
    make: () => (_req, wire) => wire.destroy(),
  },
  {
    kind: 'garbage instead of a status line',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(`X${d.text(d.int(1, 60), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ /.:0123456789')}\r\n\r\n${notJson(d)}`),
  },
  {
    kind: 'a status code that is not three digits',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(`HTTP/1.1 ${d.pick(['2x0', '20', '2000', 'OK', '-200'])} OK\r\nContent-Length: 3\r\n\r\n{"x`),
  },
  {
    kind: 'a header line without a colon',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `X-${d.text(d.int(1, 20))} ${d.text(d.int(1, 20))}`, 'Content-Length: 3']) + '{"x'),
  },
  {
    kind: 'a space before a header colon',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `X-${d.text(5)} : v`, 'Content-Length: 3']) + '{"x'),
  },
  {
    kind: 'a control character in a header value',
    endings: ['NetworkError'],
    make: (d) =>
      writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `X-A: a${String.fromCharCode(d.pick([0, 1, 8, 11, 12, 14, 31, 127]))}b`, 'Content-Length: 3']) + '{"x'),
  },
  {
    kind: 'headers over 16 KiB',
    endings: ['NetworkError'],
    make: (d) =>
      writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, ...Array.from({ length: d.int(20, 60) }, (_, k) => `X-${k}: ${d.text(1000)}`)]) + notJson(d)),
  },
  {
    kind: 'two different Content-Lengths',
    endings: ['NetworkError'],
    make: (d) => {
      const body = notJson(d, 20);
      return writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${body.length}`, `Content-Length: ${body.length + d.int(1, 9)}`]) + body);
    },
  },
  {
    kind: 'Content-Length and Transfer-Encoding: chunked',
    endings: ['NetworkError'],
    make: (d) => {
      const body = notJson(d, 10);
      return writeAndClose(
        head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${body.length}`, 'Transfer-Encoding: chunked']) +
          `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    },
  },
  {
    kind: 'a Content-Length that is not a number',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${d.pick(['abc', '-1', '1.5', '0x10', '1 2'])}`]) + '{"xyz'),
  },
  {
    kind: 'a body shorter than its Content-Length',
    endings: ['NetworkError'],
    make: (d) => {
      const body = notJson(d, d.int(10, 2000));
      return writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${body.length + d.int(1, 5000)}`]) + body);
    },
  },
  {
    kind: 'a chunk cut short',
    endings: ['NetworkError'],
    make: (d) => {
      const size = d.int(10, 4000);
      return writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Transfer-Encoding: chunked']) + `${size.toString(16)}\r\n{"${d.text(size - d.int(2, 9))}`);
    },
  },
  {
    kind: 'a chunk size that is not hexadecimal',
    endings: ['NetworkError'],
    make: (d) => writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Transfer-Encoding: chunked']) + `${d.pick(['zz', 'g1', '-5', ''])}\r\n{"x\r\n0\r\n\r\n`),
  },
  {
    kind: 'chunked without its last chunk',
    endings: ['NetworkError'],
    make: (d) => {
      const body = notJson(d, 30);
      return writeAndClose(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Transfer-Encoding: chunked']) + `${body.length.toString(16)}\r\n${body}\r\n`);
    },
  },
  {
    kind: 'a reset in the middle of the body',
    endings: ['NetworkError'],
    make: (d) => (_req, wire) => {
      const body = notJson(d, d.int(100, 3000));
      wire.write(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${body.length * 2}`]) + body);
      wire.later(d.int(0, 20), () => wire.destroy());
    },
  },
  {
    kind: 'only a status line',
    endings: ['NetworkError'],
    make: () => writeAndClose('HTTP/1.1 200 OK\r\n'),
  },
  {
    kind: 'a 101 nobody asked for',
    endings: ['NetworkError'],
    make: (d) => writeAndHang(head('HTTP/1.1 101 Switching Protocols', d.pick([['Connection: Upgrade', 'Upgrade: websocket'], []])) + '\x81\x02hi'),
  },
  {
    kind: 'a redirect loop',
    endings: ['NetworkError'],
    make: () => (req, wire) => {
      wire.write(head('HTTP/1.1 302 Found', [`Location: ${req.path}`, 'Content-Length: 0']));
      wire.next();
    },
  },
  {
    kind: 'a redirect to another scheme',
    endings: ['NetworkError'],
    make: (d) =>
      writeAndKeep(
        head('HTTP/1.1 301 Moved', [`Location: ${d.pick(['ftp://127.0.0.1/x', 'javascript:alert(1)', 'file:///etc/passwd', 'data:,x'])}`, 'Content-Length: 0']),
      ),
  },
  {
    kind: 'a Content-Length over maxContentLength',
    endings: ['ResponseTooLargeError'],
    make: (d) => writeAndHang(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${OVER + d.int(1, 1e9)}`]) + notJson(d)),
  },
  {
    kind: 'a chunked body over maxContentLength',
    endings: ['ResponseTooLargeError'],
    make: (d) => (_req, wire) => {
      wire.write(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Transfer-Encoding: chunked']));
      const chunk = d.int(100, 16_000);
      wire.flood(Buffer.from(`${chunk.toString(16)}\r\n${'x'.repeat(chunk)}\r\n`));
    },
  },
  {
    kind: 'an endless body without a length',
    endings: ['ResponseTooLargeError'],
    make: (d) => (_req, wire) => {
      wire.write(head('HTTP/1.1 200 OK', [JSON_TYPE]));
      wire.flood(Buffer.alloc(d.int(1000, 64_000), 0x7b));
    },
  },
  {
    kind: 'a gzip bomb',
    endings: ['ResponseTooLargeError'],
    make: (d) =>
      writeAndKeep(
        withBody(
          head('HTTP/1.1 200 OK', [JSON_TYPE, 'Content-Encoding: gzip', 'Transfer-Encoding: chunked']),
          chunkedOf(gzipOf(Buffer.alloc(OVER * d.int(2, 16), 0x20))),
        ),
      ),
  },
  {
    kind: 'a double-gzip bomb',
    endings: ['ResponseTooLargeError'],
    make: (d) =>
      writeAndKeep(
        withBody(
          head('HTTP/1.1 200 OK', [JSON_TYPE, 'Content-Encoding: gzip, gzip', 'Transfer-Encoding: chunked']),
          chunkedOf(gzipOf(gzipOf(Buffer.alloc(OVER * d.int(2, 8), 0x20)))),
        ),
      ),
  },
  {
    kind: 'a truncated gzip body',
    endings: ['NetworkError'],
    make: (d) => {
      const whole = gzipOf(notJson(d, d.int(50, 5000)));
      const cut = whole.subarray(0, d.int(1, whole.length - 9));
      return writeAndKeep(withBody(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Content-Encoding: gzip', `Content-Length: ${cut.length}`]), cut));
    },
  },
  {
    kind: 'a corrupt gzip body',
    endings: ['NetworkError'],
    make: (d) => {
      const bytes = Buffer.from(gzipOf(notJson(d, d.int(50, 5000))));
      for (let k = 0; k < d.int(1, 8); k++) bytes[d.int(10, bytes.length - 9)] ^= 1 << d.int(0, 7);
      return writeAndKeep(withBody(head('HTTP/1.1 200 OK', [JSON_TYPE, 'Content-Encoding: gzip', `Content-Length: ${bytes.length}`]), bytes));
    },
  },
  {
    kind: 'random bytes said to be deflate or br',
    endings: ['NetworkError', 'SyntaxError'],
    make: (d) => {
      // Long enough that no draw decodes to an empty body (which json() would take for null).
      const bytes = d.bytes(d.int(64, 3000));
      return writeAndKeep(
        Buffer.concat([
          Buffer.from(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Encoding: ${d.pick(['deflate', 'br'])}`, `Content-Length: ${bytes.length}`])),
          bytes,
        ]),
      );
    },
  },
  {
    kind: 'a coding the client cannot undo among others',
    endings: ['NetworkError'],
    make: (d) => {
      const bytes = gzipOf(notJson(d));
      return writeAndKeep(
        Buffer.concat([
          Buffer.from(
            head('HTTP/1.1 200 OK', [
              JSON_TYPE,
              `Content-Encoding: gzip, ${d.pick(['zstd', 'compress', 'x-' + d.text(4)])}`,
              `Content-Length: ${bytes.length}`,
            ]),
          ),
          bytes,
        ]),
      );
    },
  },
  {
    kind: 'a body that is not JSON',
    endings: ['SyntaxError'],
    make: (d) => {
      const body = notJson(d, d.int(1, 5000));
      return writeAndKeep(head(`HTTP/1.1 ${d.pick([200, 201, 404, 500])} Whatever`, [JSON_TYPE, `Content-Length: ${Buffer.byteLength(body)}`]) + body);
    },
  },
  {
    kind: 'random bytes as the body',
    endings: ['SyntaxError'],
    make: (d) => {
      const bytes = Buffer.concat([Buffer.from('{'), d.bytes(d.int(1, 3000)), Buffer.from(',')]);
      return writeAndKeep(withBody(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${bytes.length}`]), bytes));
    },
  },
  {
    kind: 'bare LF line ends',
    endings: ['NetworkError', 'SyntaxError'],
    make: (d) => {
      const body = notJson(d, 20);
      return writeAndClose(`HTTP/1.1 200 OK\n${JSON_TYPE}\nContent-Length: ${body.length}\n\n${body}`);
    },
  },
  {
    kind: 'silence before the headers',
    endings: ['TimeoutError'],
    make: () => () => undefined,
  },
  {
    kind: 'silence in the middle of the headers',
    endings: ['TimeoutError'],
    make: (d) => writeAndHang(`HTTP/1.1 200 OK\r\n${JSON_TYPE}\r\nX-${d.text(d.int(1, 30))}`),
  },
  {
    kind: 'silence in the middle of the body',
    endings: ['TimeoutError'],
    make: (d) => {
      const body = notJson(d, d.int(10, 2000));
      return writeAndHang(head('HTTP/1.1 200 OK', [JSON_TYPE, `Content-Length: ${body.length + d.int(1, 100)}`]) + body);
    },
  },
  {
    kind: 'headers that never end, a byte at a time',
    endings: ['TimeoutError'],
    make: (d) => (_req, wire) => {
      const line = `X-${d.text(8)}: ${d.text(8)}\r\n`;
      wire.write('HTTP/1.1 200 OK\r\n');
      const send = (k: number): void => {
        if (!wire.write(line[k % line.length]!)) return;
        wire.later(100, () => send(k + 1));
      };
      send(0);
    },
  },
];

/** `bytes` in chunks of chunked transfer coding (up to 16 KiB each), with its last chunk. */
function chunkedOf(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 16_384) {
    const part = bytes.subarray(at, at + 16_384);
    parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** Case `i` of `seed`. */
export function malformedCase(seed: number, i: number): MalformedCase {
  const d = new Draw(seed, i);
  const { kind, endings, make } = KINDS[d.next() % KINDS.length]!;
  return { kind, endings, route: make(d) };
}

/** A hostile server answering `/m/<i>` with case `i` of `seed`. */
export function startMalformedServer(seed: number): Promise<Hostile> {
  const route: Route = (req, wire: Wire) => {
    const i = Number(/^\/m\/(\d+)/.exec(req.path)?.[1]);
    malformedCase(seed, i).route(req, wire);
  };
  return startHostile({ '/m/*': route });
}

/** The name of the class a request ended with. */
export function endingOf(err: unknown): string {
  if (err instanceof ResponseTooLargeError) return 'ResponseTooLargeError';
  if (err instanceof NetworkError) return 'NetworkError';
  if (err instanceof TimeoutError) return 'TimeoutError';
  if (err instanceof SyntaxError) return 'SyntaxError';
  return err instanceof Error ? `unexpected ${err.name}: ${err.message}` : `unexpected ${String(err)}`;
}

/** What a run saw. */
export interface MalformedReport {
  readonly requests: number;
  /** Requests by ending. */
  readonly endings: Record<string, number>;
  /** Cases by kind. */
  readonly kinds: Record<string, number>;
  /** Requests that ended otherwise than their kind allows (at most 10 shown). */
  readonly mismatches: readonly string[];
  readonly mismatchCount: number;
  /** Unhandled rejections while it ran. */
  readonly unhandled: number;
  /** Connections the server still saw open once the session was closed. */
  readonly openAfterClose: number;
  readonly seconds: number;
}

/**
 * `count` requests (`session.json('/m/<i>')`, i from 0) against a fresh malformed server
 * of `seed`, `concurrency` at once, through one session on `transport` (its own axios one
 * for `undefined`) with {@link LIMITS}; then the session is closed and the server too.
 */
export async function runMalformed(options: {
  seed: number;
  count: number;
  concurrency: number;
  transport?: Transport;
  session?: SessionOptions;
}): Promise<MalformedReport> {
  const { seed, count, concurrency } = options;
  const server = await startMalformedServer(seed);
  const session = createSession({
    ...LIMITS,
    baseURL: server.url,
    maxSockets: concurrency,
    ...options.session,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  let unhandled = 0;
  const onUnhandled = (): void => void unhandled++;
  process.on('unhandledRejection', onUnhandled);
  const endings: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  const mismatches: string[] = [];
  let mismatchCount = 0;
  const started = performance.now();
  try {
    function* requests(): Generator<Observable<{ i: number; ending: string }>> {
      for (let i = 0; i < count; i++) {
        yield session.json(`/m/${i}`, { maxRedirects: 3 }).pipe(
          map(() => ({ i, ending: 'a response' })),
          catchError((err: unknown) => of({ i, ending: endingOf(err) })),
        );
      }
    }
    await new Promise<void>((resolve, reject) => {
      asCompleted(requests(), { concurrency }).subscribe({
        next: ({ i, ending }) => {
          const { kind, endings: allowed } = malformedCase(seed, i);
          kinds[kind] = (kinds[kind] ?? 0) + 1;
          endings[ending] = (endings[ending] ?? 0) + 1;
          if (!(allowed as readonly string[]).includes(ending)) {
            mismatchCount++;
            if (mismatches.length < 10) mismatches.push(`/m/${i} (${kind}): expected ${allowed.join(' or ')}, got ${ending}`);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    await session.close();
    // Closing waits for the client's sockets; the server sees each close just after.
    await server.waitForOpenConnections(0).catch(() => undefined);
    // A rejection is reported on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return {
      requests: count,
      endings,
      kinds,
      mismatches,
      mismatchCount,
      unhandled,
      openAfterClose: server.openConnections,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await session.close();
    await server.close();
  }
}
