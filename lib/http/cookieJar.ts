/**
 * The cookie jar of a session, in Node: tough-cookie's `CookieJar` (RFC 6265), set up to
 * keep cookies as a browser does, behind the small `RequestCookies` hook the transports
 * call per hop. What we rely on in tough-cookie is here and nowhere else (pinned by
 * spec/http/cookieJar.spec.ts). tough-cookie (and the public suffix list it loads) is
 * required the first time a response sets a cookie, never by `rxjs-asyncio/http` itself;
 * the browser build has lib/http/cookieJar.browser.ts instead (the browser keeps cookies).
 */
import type { Cookie, CookieJar, CreateCookieJarOptions, SetCookieOptions } from 'tough-cookie';
import type { RequestCookies } from './types';

/**
 * The jar's options, each spelled out (tough-cookie 6's defaults, which a later version
 * could change), so that cookies are kept as a browser keeps them:
 *
 * - a cookie for a public suffix (`Domain=com`) is refused; `localhost`, `*.test` and the
 *   other special-use names are ordinary hosts; an IP host (`127.0.0.1`) keeps host-only
 *   cookies and those whose `Domain` is that very address;
 * - `Set-Cookie: name` without `=` is ignored (RFC 6265's parser, not a lenient one);
 * - loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) are a secure context, as they are
 *   to browsers: a `Secure` cookie set over `http://127.0.0.1` is kept and sent back there,
 *   while one set over plain http to any other host is refused;
 * - a `__Secure-` or `__Host-` cookie that breaks its prefix's rules is ignored silently.
 *
 * `SameSite` is not enforced: a session's request has no "site for cookies" (it is no
 * page), so every request is treated as same-site, as aiohttp treats it.
 */
const JAR_OPTIONS: CreateCookieJarOptions = {
  rejectPublicSuffixes: true,
  allowSpecialUseDomain: true,
  looseMode: false,
  allowSecureOnLocal: true,
  enforceSecureOriginOnStorage: true,
  prefixSecurity: 'silent',
};

/** A cookie the jar refuses is ignored (as a browser ignores it), not an error of the request. */
const SET_OPTIONS: SetCookieOptions = { ignoreError: true, http: true };

/** A session's jar: {@link RequestCookies} over a tough-cookie jar made on the first cookie stored. */
export function sessionCookies(): RequestCookies | undefined {
  return new Jar();
}

class Jar implements RequestCookies {
  // Made by the first store(): until then there is nothing to look up, and header() costs a test.
  private jar: CookieJar | undefined;

  header(url: string, own: string | undefined): string | undefined {
    const jar = this.jar;
    if (jar === undefined) return own;
    // Sorted as RFC 6265 (5.4) says: longer paths first, then older first; expired ones dropped.
    const cookies = jar.getCookiesSync(url);
    if (cookies.length === 0) return own;
    if (own === undefined || own === '') return cookies.map(text).join('; ');
    const named = cookieNames(own);
    const added = cookies.filter((cookie) => !named.has(cookie.key)).map(text);
    return added.length === 0 ? own : `${own}; ${added.join('; ')}`;
  }

  store(url: string, setCookie: readonly string[]): void {
    const jar = (this.jar ??= newJar());
    for (const line of setCookie) {
      // Larger than a browser keeps (its name and value over 4,096 bytes): ignored, as a browser ignores it.
      const pair = line.indexOf(';');
      if ((pair < 0 ? line.length : pair) > MAX_COOKIE) continue;
      try {
        jar.setCookieSync(line, url, SET_OPTIONS);
      } catch {
        // Refused by the jar in a way ignoreError does not cover: ignored all the same.
      }
    }
    evictOverLimits(jar);
  }
}

/** The most bytes of a cookie's name and value (what browsers keep; RFC 6265 6.1 asks for at least 4,096). */
const MAX_COOKIE = 4096;
/** The most cookies kept for one domain, and in all (Chromium's limits: 180 and 3,300). */
const MAX_PER_DOMAIN = 180;
const MAX_COOKIES = 3000;

/**
 * A hostile server cannot grow the jar without bound: past {@link MAX_PER_DOMAIN} cookies
 * for a domain, or {@link MAX_COOKIES} in all, the least recently used go first, as a
 * browser evicts them. At most 3,000 cookies of 4 KiB: about 12 MiB. Runs after a
 * response set cookies, never on a lookup. The memory store answers its callbacks
 * synchronously.
 */
function evictOverLimits(jar: CookieJar): void {
  let all: Cookie[] = [];
  jar.store.getAllCookies((err, cookies) => {
    if (err === null && cookies !== undefined) all = cookies;
  });
  const byDomain = new Map<string, Cookie[]>();
  for (const cookie of all) {
    const domain = cookie.domain ?? '';
    const list = byDomain.get(domain);
    if (list === undefined) byDomain.set(domain, [cookie]);
    else list.push(cookie);
  }
  const evict: Cookie[] = [];
  let kept: Cookie[] = [];
  for (const list of byDomain.values()) {
    list.sort(leastRecentlyUsedFirst);
    const over = list.length - MAX_PER_DOMAIN;
    if (over > 0) evict.push(...list.slice(0, over));
    kept = kept.concat(over > 0 ? list.slice(over) : list);
  }
  if (kept.length > MAX_COOKIES) evict.push(...kept.sort(leastRecentlyUsedFirst).slice(0, kept.length - MAX_COOKIES));
  for (const cookie of evict) jar.store.removeCookie(cookie.domain ?? '', cookie.path ?? '/', cookie.key, () => undefined);
}

function leastRecentlyUsedFirst(a: Cookie, b: Cookie): number {
  return used(a) - used(b);
}

function used(cookie: Cookie): number {
  const at = cookie.lastAccessed ?? cookie.creation;
  return at instanceof Date ? at.getTime() : 0;
}

function newJar(): CookieJar {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CookieJar: Jar } = require('tough-cookie') as typeof import('tough-cookie');
  return new Jar(undefined, JAR_OPTIONS);
}

function text(cookie: Cookie): string {
  return cookie.cookieString();
}

/** The names of a `Cookie` header's pairs (`a=1; b=2` → a, b; a pair without `=` has the empty name). */
function cookieNames(header: string): Set<string> {
  const names = new Set<string>();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    names.add(eq < 0 ? '' : pair.slice(0, eq).trim());
  }
  return names;
}
