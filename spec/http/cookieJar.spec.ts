import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom, of } from 'rxjs';
import { CookieJar } from 'tough-cookie';
import { createSession } from '../../lib/http';
import type { ClientSession, HttpResponse, SessionOptions, Transport } from '../../lib/http';
import { fakeTransport, startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { TRANSPORTS, useHttpbin } from './helpers';

/**
 * The session's cookie jar (lib/http/cookieJar.ts, over tough-cookie): kept per session,
 * as a browser keeps cookies (RFC 6265), hop by hop through redirects, on both transports
 * against real servers on 127.0.0.1; and the jar's rules (domains, `Secure`, prefixes)
 * through a fake transport, where any URL can be named.
 */

interface Anything {
  headers: Record<string, string>;
}

/** What `/cookies` answers: the cookies the request carried. */
interface Cookies {
  cookies: Record<string, string>;
}

/**
 * A server of redirects that set cookies, for what httpbin cannot say: `/hop?set=<Set-Cookie
 * value>&...&to=<Location>` answers a 302 with those `Set-Cookie` headers (a 200 without
 * `to`); any other path answers `{ path, cookie }`, the `Cookie` header it got (or null).
 */
async function startHopServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hop') {
      const to = url.searchParams.get('to');
      const headers: [string, string][] = url.searchParams.getAll('set').map((value) => ['set-cookie', value]);
      if (to !== null) headers.push(['location', to]);
      res.writeHead(to === null ? 200 : 302, [...headers, ['content-length', '0']] as never).end();
      return;
    }
    const body = JSON.stringify({ path: url.pathname, cookie: req.headers.cookie ?? null });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const hop = (to: string | undefined, ...set: string[]): string => {
  const query = new URLSearchParams();
  for (const value of set) query.append('set', value);
  if (to !== undefined) query.set('to', to);
  return `/hop?${query.toString()}`;
};

describe.each(TRANSPORTS)('the cookie jar on %s', (_name, make) => {
  // Servers of a test beyond t.httpbin, closed after it: declared first, so that this
  // runs before useHttpbin's leak check (jest runs a block's afterEach hooks in the order declared).
  const extra: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((server) => server.close()));
  });
  const t = useHttpbin(make);
  const another = async (host = '127.0.0.1'): Promise<Httpbin> => {
    const httpbin = await startHttpbin({ host });
    extra.push(httpbin);
    return httpbin;
  };
  const jarOf = (session: ClientSession): Promise<Cookies> => lastValueFrom(session.json<Cookies>('/cookies'));
  /** A GET of t.httpbin's redirect to `to` (an /anything) with a cookie and an authorization of the caller's: the response where it landed. */
  const redirectedWithCredentials = async (session: ClientSession, to: string): Promise<HttpResponse<Anything>> => {
    const res = await firstValueFrom(
      session.get<Anything>(`/redirect-to?url=${encodeURIComponent(to)}`, { headers: { cookie: 'mine=1', authorization: 'Bearer t' } }),
    );
    expect(res.url).toBe(to);
    return res;
  };

  it('keeps a cookie set by a redirect and sends it on the next hop: /cookies/set?a=1 lands on /cookies with it', async () => {
    const session = t.session();
    const res = await firstValueFrom(session.get<Cookies>('/cookies/set?a=1'));
    expect(res.url).toBe(`${t.httpbin.url}/cookies`);
    expect(res.data).toEqual({ cookies: { a: '1' } });
    expect(await jarOf(session)).toEqual({ cookies: { a: '1' } });
  });

  it("sets, reads and deletes through httpbin's routes", async () => {
    const session = t.session();
    await lastValueFrom(session.get('/cookies/set?a=1&b=2'));
    await lastValueFrom(session.get('/cookies/set/c/3'));
    expect(await jarOf(session)).toEqual({ cookies: { a: '1', b: '2', c: '3' } });
    // Max-Age=0 (and an Expires in 1970): deleted.
    expect((await firstValueFrom(session.get<Cookies>('/cookies/delete?a&c'))).data).toEqual({ cookies: { b: '2' } });
    await lastValueFrom(session.get('/cookies/set?b=two'));
    expect(await jarOf(session)).toEqual({ cookies: { b: 'two' } });
  });

  it('keeps nothing with cookies: false', async () => {
    const session = t.session({ cookies: false });
    expect((await firstValueFrom(session.get<Cookies>('/cookies/set?a=1'))).data).toEqual({ cookies: {} });
    expect(await jarOf(session)).toEqual({ cookies: {} });
  });

  it('gives each session its own jar, even when they share a transport', async () => {
    const shared = make?.(undefined);
    const options: SessionOptions = shared === undefined ? {} : { transport: (request) => shared(request) };
    try {
      const one = t.session(options);
      const two = t.session(options);
      await lastValueFrom(one.get('/cookies/set?who=one'));
      await lastValueFrom(two.get('/cookies/set?who=two'));
      expect(await jarOf(one)).toEqual({ cookies: { who: 'one' } });
      expect(await jarOf(two)).toEqual({ cookies: { who: 'two' } });
      expect(await jarOf(t.session())).toEqual({ cookies: {} });
    } finally {
      await (shared as Partial<{ close(): Promise<void> }> | undefined)?.close?.();
    }
  });

  it("sends a request's own cookie header first: the jar adds the names it lacks, never one it has", async () => {
    const session = t.session();
    await lastValueFrom(session.get('/cookies/set?a=1&b=2'));
    const res = await firstValueFrom(session.get<Anything>('/anything', { headers: { cookie: 'a=mine; z=9' } }));
    expect(res.data.headers.Cookie).toBe('a=mine; z=9; b=2');
    const session2 = t.session({ headers: { Cookie: 'from=session' } });
    await lastValueFrom(session2.get('/cookies/set?kept=1'));
    expect((await firstValueFrom(session2.get<Anything>('/anything'))).data.headers.Cookie).toBe('from=session; kept=1');
  });

  it("never carries one site's cookies, nor the caller's cookie and authorization, to another site", async () => {
    const other = await another('127.0.0.2');
    const session = t.session();
    await lastValueFrom(session.get('/cookies/set?here=1'));
    await lastValueFrom(session.get(`${other.url}/cookies/set?there=2`));
    const res = await redirectedWithCredentials(session, `${other.url}/anything`);
    // The jar sends the other site its own cookie; the first site's and the caller's stay behind.
    expect(res.data.headers.Cookie).toBe('there=2');
    expect(res.data.headers.Authorization).toBeUndefined();
    // And the way back: the first site gets its own again.
    const back = await firstValueFrom(session.get<Anything>(`${other.url}/redirect-to?url=${encodeURIComponent(`${t.httpbin.url}/anything`)}`));
    expect(back.data.headers.Cookie).toBe('here=1');
  });

  it("drops the caller's cookie and authorization on a redirect to another port (another origin); the host's cookies go, as browsers send them", async () => {
    const other = await another('127.0.0.1');
    const session = t.session();
    await lastValueFrom(session.get('/cookies/set?host=1'));
    const res = await redirectedWithCredentials(session, `${other.url}/anything`);
    // RFC 6265: cookies belong to a host, whatever its port.
    expect(res.data.headers.Cookie).toBe('host=1');
    expect(res.data.headers.Authorization).toBeUndefined();
  });

  it("stores each hop's cookies before the next hop, and sends each hop only those of its path", async () => {
    const server = await startHopServer();
    extra.push(server);
    const session = t.session({ baseURL: server.url });
    // /hop (sets a, for /only) → /hop (sets b, for /) → /landed: gets b, not a.
    const second = hop('/landed', 'b=2; Path=/');
    const first = await firstValueFrom(session.get<{ path: string; cookie: string | null }>(hop(second, 'a=1; Path=/only')));
    expect(first.data).toEqual({ path: '/landed', cookie: 'b=2' });
    // Longer paths first (RFC 6265, 5.4).
    expect((await firstValueFrom(session.get<{ cookie: string | null }>('/only/x'))).data.cookie).toBe('a=1; b=2');
  });

  it('honours Max-Age and Expires against the clock: gone once past, a session cookie stays', async () => {
    const server = await startHopServer();
    extra.push(server);
    const session = t.session({ baseURL: server.url });
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    await lastValueFrom(session.get(hop(undefined, 'm=1; Max-Age=60', `e=1; Expires=${inAMinute}`, 's=1', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT')));
    const cookie = async (): Promise<string | null> => (await firstValueFrom(session.get<{ cookie: string | null }>('/echo'))).data.cookie;
    expect(await cookie()).toBe('m=1; e=1; s=1');
    // Two minutes later, as the jar's clock (Date.now) sees it.
    const now = Date.now.bind(Date);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now() + 120_000);
    try {
      expect(await cookie()).toBe('s=1');
    } finally {
      clock.mockRestore();
    }
  });

  it('keeps Secure and __Host- cookies over http://127.0.0.1 (loopback is a secure context, as to browsers), and drops what breaks the rules', async () => {
    const server = await startHopServer();
    extra.push(server);
    const session = t.session({ baseURL: server.url });
    await lastValueFrom(
      session.get(
        hop(
          undefined,
          'sec=1; Secure',
          '__Host-ok=1; Secure; Path=/',
          '__Host-bad=1; Path=/', // no Secure
          '__Secure-bad=1', // no Secure
          'ip=1; Domain=127.0.0.1',
          'elsewhere=1; Domain=127.0.0.2', // not this host
          'only', // no "=": ignored, as RFC 6265 says
          'http=1; HttpOnly',
        ),
      ),
    );
    const res = await firstValueFrom(session.get<{ cookie: string | null }>('/echo'));
    expect(res.data.cookie?.split('; ').sort()).toEqual(['__Host-ok=1', 'http=1', 'ip=1', 'sec=1']);
  });

  it('makes no jar lookup while no cookie was ever stored, then one per hop', async () => {
    const lookups = jest.spyOn(CookieJar.prototype, 'getCookiesSync');
    try {
      const session = t.session();
      await lastValueFrom(session.get('/redirect/2'));
      await lastValueFrom(session.post('/post', { a: 1 }));
      expect(lookups).not.toHaveBeenCalled();
      await lastValueFrom(session.get('/cookies/set?a=1'));
      // The redirect's response set a; then its one hop to /cookies looked it up.
      expect(lookups).toHaveBeenCalledTimes(1);
      await lastValueFrom(session.get('/redirect/2'));
      expect(lookups).toHaveBeenCalledTimes(4);
    } finally {
      lookups.mockRestore();
    }
  });
});

describe('the cookie jar, by its rules (a fake transport: any URL)', () => {
  /** A session on a fake transport that sets `set` on a request to `/set`, and echoes the Cookie header of any other. */
  const sessionOf = (set: string): { session: ClientSession; transport: Transport } => {
    const transport = fakeTransport((request) =>
      of(new URL(request.url).pathname === '/set' ? { headers: { 'set-cookie': set } } : { data: request.headers.cookie ?? 'none' }),
    );
    return { session: createSession({ transport }), transport };
  };
  const sent = (session: ClientSession, url: string): Promise<string> => lastValueFrom(session.text(url));

  it('refuses a Secure cookie from plain http to a host that is not loopback, and keeps one from https', async () => {
    const { session } = sessionOf('s=1; Secure');
    await lastValueFrom(session.get('http://shop.example/set'));
    expect(await sent(session, 'https://shop.example/')).toBe('none');
    await lastValueFrom(session.get('https://shop.example/set'));
    expect(await sent(session, 'https://shop.example/')).toBe('s=1');
    // Never sent over plain http to such a host.
    expect(await sent(session, 'http://shop.example/')).toBe('none');
  });

  it('refuses a cookie for a public suffix, and shares one for a registrable domain with its subdomains', async () => {
    const suffix = sessionOf('x=1; Domain=com');
    await lastValueFrom(suffix.session.get('https://shop.example.com/set'));
    expect(await sent(suffix.session, 'https://shop.example.com/')).toBe('none');
    const domain = sessionOf('y=1; Domain=example.com');
    await lastValueFrom(domain.session.get('https://shop.example.com/set'));
    expect(await sent(domain.session, 'https://other.example.com/')).toBe('y=1');
    expect(await sent(domain.session, 'https://example.org/')).toBe('none');
  });

  it('keeps at most 180 cookies for a domain and 3,000 in all, the least recently used evicted first, and ignores one over 4 KiB', async () => {
    const many = (host: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${host.replace(/\W/g, '')}${i}=v`);
    const transport = fakeTransport((request) => {
      const url = new URL(request.url);
      if (url.pathname !== '/set') return of({ data: request.headers.cookie ?? '' });
      return of({ headers: { 'set-cookie': url.searchParams.get('big') === null ? many(url.hostname, 250) : [`big=${'x'.repeat(5000)}`, 'small=1'] } });
    });
    const session = createSession({ transport });
    const count = async (host: string): Promise<number> => (await sent(session, `https://${host}/`)).split('; ').filter(Boolean).length;
    await lastValueFrom(session.get('https://one.example/set'));
    expect(await count('one.example')).toBe(180);
    // The ones used last survive: the newest 180 of the 250 set at once.
    expect(await sent(session, 'https://one.example/')).not.toContain('oneexample0=');
    await lastValueFrom(session.get('https://big.example/set?big'));
    expect(await sent(session, 'https://big.example/')).toBe('small=1');
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}.example`);
    for (const host of hosts) await lastValueFrom(session.get(`https://${host}/set`));
    let total = (await count('one.example')) + (await count('big.example'));
    for (const host of hosts) total += await count(host);
    expect(total).toBe(3000);
    // The last host set is whole: the oldest went first.
    expect(await count(hosts[19]!)).toBe(180);
  });

  it('keeps a host-only cookie to its host, and treats localhost as the host it is', async () => {
    const { session } = sessionOf('h=1');
    await lastValueFrom(session.get('http://localhost:8080/set'));
    expect(await sent(session, 'http://localhost:9090/')).toBe('h=1');
    expect(await sent(session, 'http://sub.localhost/')).toBe('none');
  });
});
