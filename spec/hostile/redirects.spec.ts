import { firstValueFrom } from 'rxjs';
import { NetworkError } from '../../lib/http';
import { TRANSPORTS, failure, useHostile } from './helpers';
import { answer, echo, response } from './server';
import type { Hostile, Route } from './server';

/**
 * The redirect rules (issue 13, item 10: the undici transport forwarded a caller's `Host`
 * on a cross-origin redirect, and looped on an empty `Location` until the limit; the two
 * transports failed differently past `maxRedirects`). To another origin, `authorization`,
 * `cookie`, `proxy-authorization` and `host` are dropped; only http: and https: targets are
 * followed; an empty `Location` is an answer; past `maxRedirects`, the same NetworkError on
 * both transports.
 */

interface Echo {
  path: string;
  headers: Record<string, string>;
}

/** A redirect with `status` to the `to` query parameter (or to what `location` gives). */
const redirect = (status: number, location?: string): Route => answer(() => response(status, location === undefined ? {} : { Location: location }, ''));

const toQuery: Route = (req, wire) => {
  const to = new URL(req.path, 'http://x').searchParams.get('to') ?? '';
  wire.write(response(Number(new URL(req.path, 'http://x').searchParams.get('status') ?? 302), { Location: to }));
  wire.next();
};

const CREDENTIALS = { authorization: 'Bearer t', cookie: 'c=1', 'proxy-authorization': 'Basic cA==', host: 'api.example', 'x-kept': 'yes' };

describe.each(TRANSPORTS)('redirects on %s', (_name, make) => {
  const h = useHostile(make);
  let a: Hostile;
  let b: Hostile;

  beforeEach(async () => {
    a = await h.server({ '/to': toQuery, '/loop': redirect(302, '/loop'), '/empty': redirect(302, ''), '/blank': redirect(301, '   '), '/*': echo });
    b = await h.server({ '/*': echo });
  });

  it('drops authorization, cookie, proxy-authorization and host when the origin changes', async () => {
    const session = h.session({ baseURL: a.url });
    const res = await firstValueFrom(session.get<Echo>(`/to?to=${encodeURIComponent(`${b.url}/landed`)}`, { headers: CREDENTIALS, maxRedirects: 1 }));
    expect(res.url).toBe(`${b.url}/landed`);
    expect(res.data.headers['x-kept']).toBe('yes');
    expect(res.data.headers.authorization).toBeUndefined();
    expect(res.data.headers.cookie).toBeUndefined();
    expect(res.data.headers['proxy-authorization']).toBeUndefined();
    expect(res.data.headers.host).toBe(`127.0.0.1:${b.port}`);
  });

  it('drops the Basic auth of the session, of the request and of a URL when the origin changes', async () => {
    const session = h.session({ baseURL: a.url, auth: { username: 'u', password: 'p' } });
    const to = encodeURIComponent(`${b.url}/landed`);
    expect((await firstValueFrom(session.get<Echo>(`/to?to=${to}`, { maxRedirects: 1 }))).data.headers.authorization).toBeUndefined();
    const withAuth = await firstValueFrom(session.get<Echo>(`/to?to=${to}`, { maxRedirects: 1, auth: { username: 'r', password: 'r' } }));
    expect(withAuth.data.headers.authorization).toBeUndefined();
    const viaUrl = await firstValueFrom(session.get<Echo>(`http://x:y@127.0.0.1:${a.port}/to?to=${to}`, { maxRedirects: 1 }));
    expect(viaUrl.data.headers.authorization).toBeUndefined();
  });

  it('keeps them within the origin', async () => {
    const session = h.session({ baseURL: a.url });
    const res = await firstValueFrom(session.get<Echo>('/to?to=/echo', { headers: CREDENTIALS, maxRedirects: 1 }));
    expect(res.data.path).toBe('/echo');
    expect(res.data.headers).toMatchObject(CREDENTIALS);
  });

  it.each(['ftp://127.0.0.1/x', 'javascript:alert(1)', 'data:text/plain,hi', 'file:///etc/passwd', 'http://[::1'])(
    'follows only http: and https: targets: not %p',
    async (location) => {
      const err = await failure(h.session({ baseURL: a.url }).get(`/to?to=${encodeURIComponent(location)}`, { maxRedirects: 3 }));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.cause.code).toBe('ERR_INVALID_REDIRECT');
      expect(a.received).toHaveLength(1);
    },
  );

  it.each(['/empty', '/blank'])('gives a redirect with an empty Location (%s) as the answer', async (path) => {
    const res = await firstValueFrom(h.session({ baseURL: a.url }).get(path, { maxRedirects: 5 }));
    expect(res.status).toBe(path === '/empty' ? 302 : 301);
    expect(a.received).toHaveLength(1);
  });

  it.each([300, 304])('does not follow a %i', async (status) => {
    const res = await firstValueFrom(h.session({ baseURL: a.url }).get(`/to?status=${status}&to=/echo`, { maxRedirects: 5 }));
    expect(res.status).toBe(status);
    expect(a.received).toHaveLength(1);
  });

  it('fails a loop past maxRedirects with the same NetworkError on both transports', async () => {
    const err = await failure(h.session({ baseURL: a.url }).get('/loop', { maxRedirects: 3 }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toBe(`GET ${a.url}/loop failed: Maximum number of redirects exceeded (maxRedirects: 3) (ERR_TOO_MANY_REDIRECTS)`);
    expect(err.cause.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(a.received).toHaveLength(4);
  });

  it('follows a chain of exactly maxRedirects, and fails one a hop longer', async () => {
    const hop = (n: number): string => (n === 0 ? '/echo' : `/to?to=${encodeURIComponent(hop(n - 1))}`);
    const session = h.session({ baseURL: a.url });
    expect((await firstValueFrom(session.get<Echo>(hop(2), { maxRedirects: 2 }))).data.path).toBe('/echo');
    const err = await failure(session.get(hop(3), { maxRedirects: 2 }));
    expect(err.cause.code).toBe('ERR_TOO_MANY_REDIRECTS');
  });

  it('removes credentials a Location carries from the URL, and does not send them', async () => {
    const location = `http://evil:pw@127.0.0.1:${b.port}/landed`;
    const res = await firstValueFrom(h.session({ baseURL: a.url }).get<Echo>(`/to?to=${encodeURIComponent(location)}`, { maxRedirects: 1 }));
    expect(res.url).toBe(`${b.url}/landed`);
    expect(res.data.headers.authorization).toBeUndefined();
  });
});
