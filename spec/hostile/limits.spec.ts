import * as zlib from 'node:zlib';
import { firstValueFrom } from 'rxjs';
import { ResponseTooLargeError } from '../../lib/http';
import { TRANSPORTS, failure, useHostile } from './helpers';
import { answer, response } from './server';
import type { Route } from './server';

/**
 * Issue 13, item 1: no size limit. A body is bounded by `maxContentLength` (default 64
 * MiB) as it arrives, decoded output included: past it, `ResponseTooLargeError`, its
 * socket closed. The memory bound itself is measured in memory.spec.ts.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Headers, then the same chunk for as long as the client reads (no length: the body ends with the connection). */
const endless: Route = (_req, wire) => {
  wire.write('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
  wire.flood(Buffer.alloc(64 * KiB, 0x78));
};

/** A `Content-Length` of `length`, and then nothing: a body the client must refuse without waiting for it. */
const declared =
  (length: number, status = 200): Route =>
  (_req, wire) => {
    wire.write(`HTTP/1.1 ${status} Whatever\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`);
    wire.next();
  };

/** `n` bytes in `chunk`-sized chunks of chunked transfer coding. */
function chunked(n: number, chunk = 100): Buffer {
  const parts = [Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n')];
  for (let sent = 0; sent < n; sent += chunk) {
    const size = Math.min(chunk, n - sent);
    parts.push(Buffer.from(`${size.toString(16)}\r\n${'y'.repeat(size)}\r\n`));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** `plain` gzipped, served with `Content-Encoding: gzip`. */
function gzipped(plain: Buffer): Buffer {
  return response(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' }, zlib.gzipSync(plain));
}

describe.each(TRANSPORTS)('maxContentLength on %s', (_name, make) => {
  const h = useHostile(make);

  it('fails an endless body with ResponseTooLargeError once the limit is crossed, and closes its socket', async () => {
    const server = await h.server({ '/endless': endless });
    const err = await failure(h.session({ maxContentLength: MiB }).get(`${server.url}/endless`));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ name: 'ResponseTooLargeError', method: 'GET', url: `${server.url}/endless`, limit: MiB });
    expect(err.message).toBe(`GET ${server.url}/endless failed: the response body is larger than maxContentLength (1048576 bytes)`);
    await server.waitForOpenConnections(0);
  });

  it('fails at once on a Content-Length over the limit, without waiting for the body', async () => {
    const server = await h.server({ '/big': declared(1e12) });
    // The body never comes: only the declared length can end this request before its timeout.
    const err = await failure(h.session({ maxContentLength: MiB, timeout: 20_000 }).get(`${server.url}/big`));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err.limit).toBe(MiB);
    await server.waitForOpenConnections(0);
  });

  it('has a default of 64 MiB', async () => {
    const server = await h.server({ '/over': declared(64 * MiB + 1) });
    const err = await failure(h.session({ timeout: 20_000 }).post(`${server.url}/over`, 'x'));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err.limit).toBe(67_108_864);
    expect(err.message).toBe(`POST ${server.url}/over failed: the response body is larger than maxContentLength (67108864 bytes)`);
  });

  it.each([
    ['declared with Content-Length', (n: number) => response(200, { 'Content-Type': 'text/plain' }, 'y'.repeat(n))],
    ['chunked', (n: number) => chunked(n)],
  ])('lets a body %s of exactly the limit through, and fails one byte more', async (_kind, body) => {
    const server = await h.server({ '/at': answer(body(1000)), '/over': answer(body(1001)) });
    const session = h.session({ maxContentLength: 1000 });
    const res = await firstValueFrom(session.text(`${server.url}/at`));
    expect(res).toBe('y'.repeat(1000));
    expect(await failure(session.get(`${server.url}/over`))).toBeInstanceOf(ResponseTooLargeError);
  });

  it('counts the decoded bytes: a small gzip bomb fails, never inflated past the limit', async () => {
    const bomb = gzipped(Buffer.alloc(64 * MiB));
    expect(bomb.length).toBeLessThan(100 * KiB);
    const server = await h.server({ '/bomb': answer(bomb) });
    const session = h.session({ maxContentLength: MiB });
    const err = await failure(session.get(`${server.url}/bomb`));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err.limit).toBe(MiB);
    // The bomb was framed right (only its decoding is too large): the session goes on.
    expect((await firstValueFrom(session.get(`${server.url}/nothing`))).status).toBe(404);
  });

  it('lets a compressed body that decodes to exactly the limit through, and fails one that decodes to a byte more', async () => {
    const server = await h.server({ '/at': answer(gzipped(Buffer.alloc(5000, 0x61))), '/over': answer(gzipped(Buffer.alloc(5001, 0x61))) });
    const session = h.session({ maxContentLength: 5000 });
    expect(await firstValueFrom(session.text(`${server.url}/at`))).toBe('a'.repeat(5000));
    expect(await failure(session.get(`${server.url}/over`))).toBeInstanceOf(ResponseTooLargeError);
  });

  it("takes a request's maxContentLength over the session's, and Infinity lifts the limit", async () => {
    const server = await h.server({ '/kb': answer(response(200, {}, 'z'.repeat(1000))) });
    expect((await firstValueFrom(h.session({ maxContentLength: 10 }).text(`${server.url}/kb`, { maxContentLength: Infinity }))).length).toBe(1000);
    expect(await failure(h.session().get(`${server.url}/kb`, { maxContentLength: 999 }))).toBeInstanceOf(ResponseTooLargeError);
  });

  it('bounds the body of a redirect being followed too', async () => {
    const server = await h.server({
      '/moved': (_req, wire) => {
        wire.write(`HTTP/1.1 302 Found\r\nLocation: /never\r\n\r\n`);
        wire.flood(Buffer.alloc(64 * KiB, 0x72));
      },
    });
    const err = await failure(h.session({ maxContentLength: MiB }).get(`${server.url}/moved`, { maxRedirects: 1 }));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(server.received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('takes a HEAD answer with a large Content-Length, which has no body', async () => {
    const server = await h.server({ '/head': declared(1e12) });
    const res = await firstValueFrom(h.session({ maxContentLength: 10 }).request({ method: 'HEAD', url: `${server.url}/head` }));
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('1000000000000');
    expect(res.data).toBe('');
  });
});
