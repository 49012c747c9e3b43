import { firstValueFrom } from 'rxjs';
import { createSession } from '../../lib/http';
import { TRANSPORTS, useHostile } from './helpers';
import { echo } from './server';
import type { Hostile } from './server';

/**
 * Issue 13, item 3: with a base URL and an `authorization` header, `get('http:host/x')`
 * sent the request, and the header, to `host`; `user:42` and `item:42/details` were taken
 * for schemes; there was no way to refuse absolute URLs. Only `scheme://` is absolute now;
 * `http:` or `https:` without `//` is a TypeError at call time; anything else joins the base.
 */

interface Echo {
  path: string;
  headers: Record<string, string>;
}

const HOST_WITHOUT_SLASHES = 'a relative URL or an absolute one with scheme:// (a host after http: without // is refused)';
const RELATIVE_ONLY = 'a URL relative to baseURL (the session has allowAbsoluteUrls: false)';

describe.each(TRANSPORTS)('request URLs on %s', (_name, make) => {
  const h = useHostile(make);
  let base: Hostile;
  let other: Hostile;

  beforeEach(async () => {
    base = await h.server({ '/*': echo });
    other = await h.server({ '/*': echo });
  });

  it.each([
    (port: number) => `http:127.0.0.1:${port}/steal`,
    (port: number) => `HTTPS:127.0.0.1:${port}/steal`,
    (port: number) => `http:/127.0.0.1:${port}/steal`,
    (port: number) => `http:\\\\127.0.0.1:${port}/steal`,
    (port: number) => ` http:127.0.0.1:${port}/steal`,
    (port: number) => `ht\ttp:127.0.0.1:${port}/steal`,
  ])('refuses %p at call time: never a request to that host', (url) => {
    const session = h.session({ baseURL: `${base.url}/api/`, headers: { authorization: 'Bearer secret' } });
    const target = url(other.port);
    expect(() => session.get(target)).toThrow(new TypeError(`session.get: url must be ${HOST_WITHOUT_SLASHES}, got ${JSON.stringify(target)}`));
    expect(() => session.request({ url: target })).toThrow(TypeError);
    expect(() => h.session().get(target)).toThrow(TypeError);
  });

  it.each([
    ['user:42', '/api/user:42'],
    ['item:42/details', '/api/item:42/details'],
    ['mailto:x', '/api/mailto:x'],
    ['//127.0.0.2/x', '/api/127.0.0.2/x'],
    ['/rooted', '/api/rooted'],
  ])('joins %p to the base URL as a path', async (url, path) => {
    const res = await firstValueFrom(h.session({ baseURL: `${base.url}/api/` }).get<Echo>(url));
    expect(res.data.path).toBe(path);
    expect(res.url).toBe(`${base.url}${path}`);
    expect(other.received).toEqual([]);
  });

  it('takes an absolute URL (scheme://) over the base URL by default', async () => {
    const res = await firstValueFrom(h.session({ baseURL: `${base.url}/api/` }).get<Echo>(`${other.url}/there`));
    expect(res.data.path).toBe('/there');
    expect(base.received).toEqual([]);
  });

  it('refuses every absolute URL at call time with allowAbsoluteUrls: false, and joins the rest', async () => {
    const session = h.session({ baseURL: `${base.url}/api`, allowAbsoluteUrls: false });
    for (const url of [`${other.url}/x`, `HTTP://127.0.0.1:${other.port}/x`, `ftp://127.0.0.1/x`]) {
      expect(() => session.get(url)).toThrow(new TypeError(`session.get: url must be ${RELATIVE_ONLY}, got ${JSON.stringify(url)}`));
    }
    expect(() => session.post(new URL(`${other.url}/x`), {})).toThrow(TypeError);
    expect(() => session.request({ url: `${other.url}/x` })).toThrow(
      new TypeError(`session.request: config.url must be ${RELATIVE_ONLY}, got "${other.url}/x"`),
    );
    expect((await firstValueFrom(session.get<Echo>('user:1'))).data.path).toBe('/api/user:1');
    expect(other.received).toEqual([]);
  });

  it('needs a base URL to refuse absolute URLs', () => {
    expect(() => createSession({ allowAbsoluteUrls: false })).toThrow(
      new TypeError('createSession: options.allowAbsoluteUrls must be true (or left out) in a session without a baseURL, got false'),
    );
  });

  it('shows a refused URL without its credentials', () => {
    expect(() => h.session().get('http:user:s3cret@127.0.0.1/x')).toThrow(/got "http:127\.0\.0\.1\/x"$/);
  });
});
