import { firstValueFrom, of } from 'rxjs';
import { createAxiosTransport } from '../../lib/http/axiosTransport.browser';
import { createSession } from '../../lib/http';
import type { ClientSession, HttpResponse, ResponseType } from '../../lib/http';
import { fakeTransport } from '../../lib/testing';
import type { FakeResponse } from '../../lib/testing';
import { UTF8_SAMPLE, samplePng } from '../../lib/testing/httpbinSamples';
import { useHostile } from '../hostile/helpers';
import { answer, response } from '../hostile/server';
import { call } from '../testing/rawClient';
import { ROWS, RESPONSE_TYPES, expected, expectedJson, shown, typeHeaders } from './decodingTable';
import type { DecodingRow } from './decodingTable';
import { TRANSPORTS, failure, useHttpbin } from './helpers';
import type { MakeTransport } from './helpers';

// Jest's CommonJS runtime has no dynamic import(): axios is required instead (see browser.spec.ts).
jest.mock('../../lib/http/loadAxios', () => ({ loadAxios: () => Promise.resolve(jest.requireActual<{ default: unknown }>('axios').default) }));

/**
 * Issue 15 (`/bytes/1024` came back as a 952-character string with 400 replacement
 * characters, a latin-1 page with U+FFFD, repeated Set-Cookie values joined with ', '):
 * how a body becomes `data` under each `responseType`, the same on the two Node
 * transports, the browser build's axios over fetch (here over Node's fetch) and
 * `fakeTransport`, against real servers on 127.0.0.1. spec/angular runs the same table
 * over HttpClient.
 */
const EVERY_TRANSPORT: [string, MakeTransport][] = [
  ...TRANSPORTS,
  ['axios over fetch (the browser build)', (maxSockets) => createAxiosTransport(maxSockets ?? 100)],
];

/** Checks what `session` makes of `row` (served at `url`) under every responseType and through each shortcut. */
async function checkRow(session: ClientSession, url: string, row: DecodingRow): Promise<void> {
  for (const responseType of RESPONSE_TYPES) {
    const res = await firstValueFrom(session.get(url, responseType === undefined ? undefined : { responseType }));
    expect({ responseType, data: shown(res.data) }).toEqual({ responseType, data: expected(row, responseType) });
  }
  expect(await firstValueFrom(session.text(url))).toBe(row.text);
  const bytes = await firstValueFrom(session.bytes(url));
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect(shown(bytes)).toEqual(expected(row, 'bytes'));
  const json = expectedJson(row);
  if (json === SyntaxError) expect(await failure(session.json(url))).toBeInstanceOf(SyntaxError);
  else expect(await firstValueFrom(session.json(url))).toEqual(json);
}

describe.each(EVERY_TRANSPORT)('decoding on %s', (_name, makeTransport) => {
  describe('a table of bodies and types, from a raw server', () => {
    const h = useHostile(makeTransport);

    it.each(ROWS)('$name', async (row) => {
      const server = await h.server({ '/row': answer(response(200, typeHeaders(row), row.body)) });
      await checkRow(h.session({ baseURL: server.url }), '/row', row);
    });
  });

  describe('the embedded httpbin', () => {
    const t = useHttpbin(makeTransport);
    const get = (url: string, responseType?: ResponseType): Promise<HttpResponse> =>
      firstValueFrom(t.session().get(url, responseType === undefined ? undefined : { responseType }));

    it('gives /bytes/1024 as the 1024 bytes the server sent, by default and asked for', async () => {
      const sent = (await call(`${t.httpbin.url}/bytes/1024?seed=15`).response).body;
      expect(sent.length).toBe(1024);
      for (const responseType of [undefined, 'bytes', 'arraybuffer'] as const) {
        const { data } = await get('/bytes/1024?seed=15', responseType);
        expect(data).toBeInstanceOf(Uint8Array);
        expect(shown(data)).toEqual(shown(sent));
      }
    });

    it('gives /image/png as its bytes, byte for byte', async () => {
      const { data, headers } = await get('/image/png');
      expect(headers['content-type']).toBe('image/png');
      expect(data).toBeInstanceOf(Uint8Array);
      expect(shown(data)).toEqual(shown(samplePng()));
    });

    it('gives the textual routes as text: /encoding/utf8, /html, /xml, /base64', async () => {
      expect((await get('/encoding/utf8')).data).toBe(UTF8_SAMPLE);
      expect((await get('/html')).data).toMatch(/^<!DOCTYPE html>\n[^]*<h1>Herman Melville - Moby-Dick<\/h1>/);
      expect((await get('/xml')).data).toMatch(/^<\?xml version='1.0' encoding='us-ascii'\?>\n[^]*<slideshow/);
      expect((await get('/base64/aGk=')).data).toBe('hi');
    });

    it('parses the JSON routes, compressed ones too: /json, /get, /gzip', async () => {
      expect((await get('/json')).data).toMatchObject({ slideshow: { title: 'Sample Slide Show' } });
      expect((await get('/get?a=1')).data).toMatchObject({ args: { a: '1' } });
      expect((await get('/gzip')).data).toMatchObject({ gzipped: true });
    });

    it.each([
      ['image/svg+xml', 'string'],
      ['text/plain; charset=gbk', 'string'],
      ['application/vnd.api+json', 'object'],
      ['application/octet-stream', 'bytes'],
    ])('reads /response-headers?Content-Type=%s as its type says (%s)', async (type, kind) => {
      const { data, headers } = await get(`/response-headers?Content-Type=${encodeURIComponent(type)}`);
      expect(headers['content-type']).toBe(type);
      expect(data instanceof Uint8Array ? 'bytes' : typeof data).toBe(kind);
    });

    it("gives '' for a body-less answer of a textual type, and no bytes for HEAD of an image", async () => {
      expect((await get('/status/204')).data).toBe('');
      const head = await firstValueFrom(t.session().head('/image/png'));
      expect(shown(head.data)).toEqual({ bytes: '' });
    });

    it("joins repeated Set-Cookie values with '\\n', so they split back, and other repeated headers with ', '", async () => {
      const expires = 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT';
      const query = new URLSearchParams([
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', expires],
        ['X-Multi', '1'],
        ['X-Multi', '2'],
      ]);
      const { headers } = await get(`/response-headers?${query}`);
      expect(headers['set-cookie']).toBe(`a=1\n${expires}`);
      expect(headers['set-cookie']!.split('\n')).toEqual(['a=1', expires]);
      expect(headers['x-multi']).toBe('1, 2');
    });
  });
});

describe('decoding on fakeTransport', () => {
  it.each(ROWS)('$name', async (row) => {
    const headers = { 'content-type': typeHeaders(row)['Content-Type'] ?? [] };
    const session = createFakeSession(() => ({ headers: row.type === undefined ? {} : headers, data: row.body }));
    await checkRow(session, '/row', row);
  });

  it('gives data that is not bytes as it is, whatever the type', async () => {
    const session = createFakeSession(() => ({ headers: { 'content-type': 'image/png' }, data: 'already text' }));
    expect((await firstValueFrom(session.get('/x'))).data).toBe('already text');
  });

  it("gives an empty body without data: '' by default, no bytes where bytes are asked for", async () => {
    const session = createFakeSession(() => ({}));
    expect((await firstValueFrom(session.get('/x'))).data).toBe('');
    expect(shown(await firstValueFrom(session.bytes('/x')))).toEqual({ bytes: '' });
  });

  it("joins a header's list of values as the real transports do: set-cookie with '\\n', others with ', '", async () => {
    const session = createFakeSession(() => ({
      headers: { 'Set-Cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT'], 'x-multi': ['1', '2'], 'X-One': 'y' },
    }));
    const { headers } = await firstValueFrom(session.get('/x'));
    expect({ ...headers }).toEqual({ 'set-cookie': 'a=1\nb=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'x-multi': '1, 2', 'x-one': 'y' });
  });
});

function createFakeSession(answer: () => FakeResponse): ClientSession {
  return createSession({ baseURL: 'http://api.test', transport: fakeTransport(() => of(answer())) });
}
