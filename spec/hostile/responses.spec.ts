import { firstValueFrom } from 'rxjs';
import { TRANSPORTS, useHostile } from './helpers';
import { response } from './server';
import type { Route } from './server';

/**
 * Issue 13, item 10 (undici transport: a `100 Continue` before the answer failed with "bad
 * response"; a response header named `Constructor` came back as
 * `"function Object() { [native code] }, abc"`). Interim 1xx answers are skipped by both
 * transports; response headers are an object without prototype.
 */

const FINAL = response(200, { 'Content-Type': 'application/json' }, '{"final":true}');

/** `parts` written one by one, `gap` ms apart, then the connection kept for the next request. */
const inParts =
  (parts: readonly (string | Buffer)[], gap = 20): Route =>
  (_req, wire) => {
    const send = (i: number): void => {
      wire.write(parts[i]!);
      if (i + 1 < parts.length) wire.later(gap, () => send(i + 1));
      else wire.next();
    };
    send(0);
  };

describe.each(TRANSPORTS)('responses on %s', (_name, make) => {
  const h = useHostile(make);

  it.each([
    ['a 100 Continue', ['HTTP/1.1 100 Continue\r\n\r\n', FINAL]],
    ['a 100 Continue in the same packet as the answer', [Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'), FINAL])]],
    ['two 100 Continue', ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n', FINAL]],
    ['a 100 Continue split across packets', ['HTTP/1.1 10', '0 Contin', 'ue\r\n', '\r\n', FINAL]],
    ['a 100 Continue with a header', ['HTTP/1.1 100 Continue\r\nX-Info: 1\r\n\r\n', FINAL]],
    ['a 102 Processing', ['HTTP/1.1 102 Processing\r\n\r\n', FINAL]],
    ['a 103 Early Hints', ['HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n', FINAL]],
    ['a 100 then a 103', ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n', FINAL]],
  ])('skips %s before the answer', async (_what, parts) => {
    const server = await h.server({ '/x': inParts(parts) });
    const session = h.session({ timeout: 20_000 });
    const res = await firstValueFrom(session.post(`${server.url}/x`, { a: 1 }));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ final: true });
    expect(res.headers.link).toBeUndefined();
    // The connection is good for the next request, and skips again.
    expect((await firstValueFrom(session.get(`${server.url}/x`))).data).toEqual({ final: true });
    expect(server.connections).toBe(1);
  });

  it('gives response headers in an object without prototype, headers named after its members included', async () => {
    const head =
      'HTTP/1.1 200 OK\r\nConstructor: abc\r\n__proto__: p\r\ntoString: t\r\nhasOwnProperty: h\r\nX-Twice: 1\r\nX-Twice: 2\r\nContent-Length: 0\r\n\r\n';
    const server = await h.server({ '/h': inParts([head]) });
    const res = await firstValueFrom(h.session().get(`${server.url}/h`));
    expect(Object.getPrototypeOf(res.headers)).toBeNull();
    expect(res.headers.constructor).toBe('abc');
    expect(res.headers['__proto__']).toBe('p');
    expect(res.headers.tostring).toBe('t');
    expect(res.headers.hasownproperty).toBe('h');
    expect(res.headers['x-twice']).toBe('1, 2');
    expect(res.headers.toString).toBeUndefined();
  });

  // Each name once: the headers are made in one pass (lib/http/response.ts, headersFrom), which a
  // repeated name or `__proto__` sends to the careful one; each of those alone, and neither.
  it.each([
    [
      'members of Object.prototype, each once',
      'Constructor: abc\r\ntoString: t\r\n',
      [
        ['constructor', 'abc'],
        ['tostring', 't'],
      ],
    ],
    ['__proto__ alone', '__proto__: p\r\n', [['__proto__', 'p']]],
    ['a name twice, one of them in other letters', 'X-Twice: 1\r\nx-twice: 2\r\n', [['x-twice', '1, 2']]],
  ])('gives every header of %s', async (_what, lines, expected) => {
    const server = await h.server({ '/h': inParts([`HTTP/1.1 200 OK\r\n${lines}Content-Length: 0\r\n\r\n`]) });
    const res = await firstValueFrom(h.session().get(`${server.url}/h`));
    expect(Object.getPrototypeOf(res.headers)).toBeNull();
    expect(Object.entries(res.headers).filter(([name]) => name !== 'content-length')).toEqual(expected);
    expect(res.headers['content-length']).toBe('0');
  });
});
