import { firstValueFrom } from 'rxjs';
import { createSession } from '../../lib/http';
import { TRANSPORTS, useHostile } from './helpers';
import { echo } from './server';

/**
 * Issue 13, item 8: header values outside Latin-1 (`€`) passed the call-time check, then
 * axios sent them empty and undici failed with a NetworkError; a nested BigInt or a cyclic
 * body failed late, as a NetworkError. Each is a TypeError at call time now, and what is
 * allowed goes on the wire the same way on both transports.
 */

interface Echo {
  headers: Record<string, string>;
  body: string;
}

const VALUE = 'Latin-1 text without control characters (a tab is allowed)';

describe.each(TRANSPORTS)('request headers and bodies on %s', (_name, make) => {
  const h = useHostile(make);

  it.each([
    ['a character outside Latin-1', '5 €', '"5 €"'],
    ['an emoji', 'ok 👍', '"ok 👍"'],
    ['NUL', 'a\0b', '"a\\u0000b"'],
    ['a control character', 'a\x01b', '"a\\u0001b"'],
    ['DEL', 'a\x7fb', '"a\x7fb"'],
    ['CR LF', 'a\r\nX-Injected: 1', '"a\\r\\nX-Injected: 1"'],
    ['a vertical tab', 'a\vb', '"a\\u000bb"'],
  ])('refuses a header value with %s at call time', (_what, value, shown) => {
    const session = h.session();
    expect(() => session.get('http://127.0.0.1:9/', { headers: { 'x-v': value } })).toThrow(
      new TypeError(`session.get: config.headers["x-v"] must be ${VALUE}, got ${shown}`),
    );
    expect(() => createSession({ headers: { 'x-v': value } })).toThrow(TypeError);
  });

  it.each(['x-€', 'x y', 'x:y', 'é', ''])('refuses the header name %p at call time', (name) => {
    expect(() => h.session().get('http://127.0.0.1:9/', { headers: { [name]: 'v' } })).toThrow(
      new TypeError(`session.get: config.headers has an invalid header name ${JSON.stringify(name)}`),
    );
  });

  it('sends a tab inside a value and Latin-1 letters as the same bytes on both transports', async () => {
    const server = await h.server({ '/*': echo });
    const res = await firstValueFrom(h.session({ baseURL: server.url }).get<Echo>('/h', { headers: { 'x-tab': 'a\tb', 'x-latin': 'café ß' } }));
    // The server reads header bytes as Latin-1.
    expect(res.data.headers['x-tab']).toBe('a\tb');
    expect(res.data.headers['x-latin']).toBe('café ß');
  });

  it.each([
    ['a nested BigInt', { a: { b: [1, 2n] } }, 'data.a.b[1]', '2n'],
    ['a BigInt under an odd key', { 'my key': 3n }, 'data["my key"]', '3n'],
    [
      'a cycle',
      ((): unknown => {
        const o: Record<string, unknown> = { x: 1 };
        o.self = o;
        return o;
      })(),
      'data.self',
      'a cycle (a reference to an object that contains it)',
    ],
    [
      'a cycle in an array',
      ((): unknown => {
        const a: unknown[] = [1];
        a.push({ back: a });
        return a;
      })(),
      'data[1].back',
      'a cycle (a reference to an object that contains it)',
    ],
  ])('refuses a body with %s at call time', (_what, body, path, got) => {
    const session = h.session();
    const expected = new TypeError(`session.post: ${path} must be serializable as JSON (no BigInt, no cycle), got ${got}`);
    expect(() => session.post('http://127.0.0.1:9/', body)).toThrow(expected);
    expect(() => session.put('http://127.0.0.1:9/', body)).toThrow(TypeError);
    expect(() => session.request({ method: 'PATCH', url: 'http://127.0.0.1:9/', data: body })).toThrow(TypeError);
    expect(() => session.delete('http://127.0.0.1:9/', { data: body })).toThrow(TypeError);
  });

  it('sends a body that holds one object twice (not a cycle) and a Date, as JSON', async () => {
    const server = await h.server({ '/*': echo });
    const shared = { n: 1 };
    const res = await firstValueFrom(h.session({ baseURL: server.url }).post<Echo>('/b', { a: shared, b: [shared], at: new Date(0) }));
    expect(JSON.parse(res.data.body)).toEqual({ a: { n: 1 }, b: [{ n: 1 }], at: '1970-01-01T00:00:00.000Z' });
  });
});
