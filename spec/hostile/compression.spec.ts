import * as zlib from 'node:zlib';
import { firstValueFrom } from 'rxjs';
import { NetworkError } from '../../lib/http';
import { TRANSPORTS, failure, useHostile } from './helpers';
import { answer, response } from './server';

/**
 * Issue 13, item 9: a truncated gzip body with correct framing succeeded with partial data;
 * `Content-Encoding: gzip, gzip` came back undecoded with status 200. A body whose
 * compression is truncated or corrupt fails with NetworkError; a list of codings is undone
 * in full, or refused.
 */

const PLAIN = Buffer.from(JSON.stringify({ text: 'x'.repeat(5000), n: Array.from({ length: 500 }, (_, i) => i) }));

const coded = (encoding: string, body: Buffer): Buffer => response(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body);

const CODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};

describe.each(TRANSPORTS)('content codings on %s', (_name, make) => {
  const h = useHostile(make);

  it.each(Object.keys(CODERS))('fails a truncated %s body (its framing right) with NetworkError', async (coding) => {
    const whole = CODERS[coding]!(PLAIN);
    const server = await h.server({ '/cut': answer(coded(coding, whole.subarray(0, whole.length - 20))) });
    const err = await failure(h.session().get(`${server.url}/cut`));
    expect(err).toBeInstanceOf(NetworkError);
    expect(typeof err.cause.code).toBe('string');
  });

  it.each(Object.keys(CODERS))('fails a corrupt %s body with NetworkError', async (coding) => {
    const whole = Buffer.from(CODERS[coding]!(PLAIN));
    for (let i = 12; i < whole.length - 12; i += 7) whole[i] = whole[i]! ^ 0x5a;
    const server = await h.server({ '/bad': answer(coded(coding, whole)) });
    expect(await failure(h.session().get(`${server.url}/bad`))).toBeInstanceOf(NetworkError);
  });

  it('fails a body that is not compressed at all but says it is', async () => {
    const server = await h.server({ '/plain': answer(coded('gzip', PLAIN)) });
    expect(await failure(h.session().get(`${server.url}/plain`))).toBeInstanceOf(NetworkError);
  });

  it.each([
    ['gzip, gzip', (b: Buffer) => zlib.gzipSync(zlib.gzipSync(b))],
    ['deflate, br', (b: Buffer) => zlib.brotliCompressSync(zlib.deflateSync(b))],
    ['GZIP , identity', (b: Buffer) => zlib.gzipSync(b)],
    ['x-gzip', (b: Buffer) => zlib.gzipSync(b)],
  ])('undoes every coding of %p, in order, and drops the header', async (encoding, code) => {
    const server = await h.server({ '/x': answer(coded(encoding, code(PLAIN))) });
    const res = await firstValueFrom(h.session().get(`${server.url}/x`));
    expect(res.status).toBe(200);
    expect(res.data).toEqual(JSON.parse(PLAIN.toString()));
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it.each([
    ['an unknown coding among others', 'gzip, zstd'],
    ['more than five codings', 'gzip, gzip, gzip, gzip, gzip, gzip'],
  ])('refuses %s with NetworkError, never returning it undecoded', async (_what, encoding) => {
    const server = await h.server({ '/x': answer(coded(encoding, zlib.gzipSync(PLAIN))) });
    const err = await failure(h.session().get(`${server.url}/x`));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.cause.code).toBe('ERR_CONTENT_ENCODING');
  });

  it('gives a body in a single coding it does not know as received, the header kept', async () => {
    const server = await h.server({ '/x': answer(coded('zstd', Buffer.from('opaque'))) });
    const res = await firstValueFrom(h.session().get(`${server.url}/x`, { responseType: 'arraybuffer' }));
    expect(Buffer.from(res.data as Buffer).toString()).toBe('opaque');
    expect(res.headers['content-encoding']).toBe('zstd');
  });

  it('takes an empty body as empty, whatever its coding', async () => {
    const server = await h.server({ '/none': answer(response(204, { 'Content-Encoding': 'gzip' })), '/empty': answer(coded('gzip', Buffer.alloc(0))) });
    const session = h.session();
    expect((await firstValueFrom(session.get(`${server.url}/none`))).status).toBe(204);
    expect((await firstValueFrom(session.get(`${server.url}/empty`))).data).toBe('');
  });
});
