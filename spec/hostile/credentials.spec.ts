import { firstValueFrom } from 'rxjs';
import { HttpStatusError, NetworkError, SessionClosedError, TimeoutError } from '../../lib/http';
import { closedPort } from '../http/helpers';
import { TRANSPORTS, failure, useHostile } from './helpers';
import { answer, echo, response } from './server';
import type { Hostile } from './server';

/**
 * Issue 13, item 4: with `http://user:s3cret@host/...` the password stayed in
 * `response.url` and in every error. Credentials in a URL are sent as Basic auth and
 * removed from the URL everywhere (aiohttp does the same); `auth` sets Basic auth for a
 * session or a request.
 */

interface Echo {
  path: string;
  headers: Record<string, string>;
}

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

/** Everything an error shows: its message, its url, its cause's message (nested as NetworkError keeps it). */
function shown(err: { message?: unknown; url?: unknown; cause?: { message?: unknown; input?: unknown } }): string {
  return JSON.stringify([err.message, err.url, err.cause?.message, err.cause?.input]);
}

describe.each(TRANSPORTS)('credentials on %s', (_name, make) => {
  const h = useHostile(make);
  let server: Hostile;
  let secretUrl: (path: string) => string;

  beforeEach(async () => {
    server = await h.server({ '/denied': answer(response(401, {}, 'no')), '/hang': () => undefined, '/*': echo });
    secretUrl = (path) => `http://user:s3cret@127.0.0.1:${server.port}${path}`;
  });

  it('sends the credentials of a URL as Basic auth, and removes them from response.url', async () => {
    const res = await firstValueFrom(h.session().get<Echo>(secretUrl('/path?q=1')));
    expect(res.data.headers.authorization).toBe(basic('user:s3cret'));
    expect(res.data.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(res.url).toBe(`${server.url}/path?q=1`);
  });

  it('decodes percent-encoded credentials, and encodes them in UTF-8', async () => {
    const res = await firstValueFrom(h.session().get<Echo>(`http://j%C3%B6rg%40x:p%3Ass@127.0.0.1:${server.port}/`));
    expect(res.data.headers.authorization).toBe(basic('jörg@x:p:ss'));
  });

  it.each([
    ['HttpStatusError', async () => failure(h.session({ raiseForStatus: true }).get(secretUrl('/denied'))), HttpStatusError],
    ['TimeoutError', async () => failure(h.session({ timeout: 50 }).get(secretUrl('/hang'))), TimeoutError],
    ['NetworkError (refused)', async () => failure(h.session().get(`http://user:s3cret@127.0.0.1:${await closedPort()}/x`)), NetworkError],
    ['NetworkError (an invalid URL)', async () => failure(h.session().get('http://user:s3cret@127.0.0.1:99999/x')), NetworkError],
    [
      'SessionClosedError',
      async () => {
        const session = h.session();
        await session.close();
        return failure(session.get(secretUrl('/x')));
      },
      SessionClosedError,
    ],
    [
      'SessionClosedError (an invalid URL)',
      async () => {
        const session = h.session();
        await session.close();
        return failure(session.get('http://user:s3cret@127.0.0.1:99999/x'));
      },
      SessionClosedError,
    ],
  ])('keeps them out of a %s', async (_kind, run, kind) => {
    const err = await run();
    expect(err).toBeInstanceOf(kind);
    expect(shown(err)).not.toContain('s3cret');
    expect(shown(err)).not.toContain('user');
    expect(err.message).toContain('127.0.0.1');
  });

  it('sends the session’s auth to the base URL’s origin only', async () => {
    const other = await h.server({ '/*': echo });
    const session = h.session({ baseURL: `${server.url}/api`, auth: { username: 'ada', password: 'pw' } });
    expect((await firstValueFrom(session.get<Echo>('/me'))).data.headers.authorization).toBe(basic('ada:pw'));
    expect((await firstValueFrom(session.get<Echo>(`${server.url}/elsewhere`))).data.headers.authorization).toBe(basic('ada:pw'));
    expect((await firstValueFrom(session.get<Echo>(`${other.url}/x`))).data.headers.authorization).toBeUndefined();
    // Without a base URL, to every origin.
    expect((await firstValueFrom(h.session({ auth: { username: 'a', password: '' } }).get<Echo>(`${other.url}/x`))).data.headers.authorization).toBe(
      basic('a:'),
    );
  });

  it('takes the credentials of the base URL as the session’s auth, and keeps them out of URLs', async () => {
    const session = h.session({ baseURL: `http://bob:s3cret@127.0.0.1:${server.port}/api/` });
    const res = await firstValueFrom(session.get<Echo>('x'));
    expect(res.data.headers.authorization).toBe(basic('bob:s3cret'));
    expect(res.url).toBe(`${server.url}/api/x`);
  });

  it('takes the most specific: the request’s auth, then its URL’s credentials, its authorization header, the session’s auth', async () => {
    const session = h.session({ baseURL: server.url, auth: { username: 's', password: 's' }, headers: { authorization: 'Bearer session' } });
    const sent = async (url: string, config?: Parameters<typeof session.get>[1]): Promise<string | undefined> =>
      (await firstValueFrom(session.get<Echo>(url, config))).data.headers.authorization;
    expect(await sent(secretUrl('/a'), { auth: { username: 'r', password: 'r' }, headers: { authorization: 'Bearer request' } })).toBe(basic('r:r'));
    expect(await sent(secretUrl('/b'), { headers: { authorization: 'Bearer request' } })).toBe(basic('user:s3cret'));
    expect(await sent('/c', { headers: { authorization: 'Bearer request' } })).toBe('Bearer request');
    expect(await sent('/d')).toBe(basic('s:s'));
  });
});
