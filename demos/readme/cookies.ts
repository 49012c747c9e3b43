import { lastValueFrom } from 'rxjs';
import { NetworkError, createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  const session = createSession({ baseURL: httpbin.url });
  // A 302 to /cookies that sets theme=dark: followed (10 redirects at most), the cookie kept and sent on.
  const res = await lastValueFrom(session.get<{ cookies: object }>('/cookies/set?theme=dark'));
  console.log(res.status, res.url === `${httpbin.url}/cookies`, res.data.cookies);
  // Sent with every later request to that host; a request's own cookie header comes first.
  console.log(await lastValueFrom(session.json('/cookies', { headers: { cookie: 'lang=en' } })));
  // maxRedirects: 0 gives the 3xx as it is; one redirect more than maxRedirects fails.
  console.log(await lastValueFrom(session.status('/redirect/2', { maxRedirects: 0 })));
  const tooMany = (err: NetworkError) => console.log(err.name, (err.cause as { code: string }).code);
  await lastValueFrom(session.get('/redirect/3', { maxRedirects: 2 })).catch(tooMany);
  // Each session has a jar of its own; cookies: false keeps none.
  const jarless = createSession({ baseURL: httpbin.url, cookies: false });
  console.log(await lastValueFrom(jarless.json('/cookies/set?theme=dark')));
  await Promise.all([session.close(), jarless.close()]);
  await httpbin.close();
}
void main();
// Logs:
// 200 true { theme: 'dark' }
// { cookies: { lang: 'en', theme: 'dark' } }
// 302
// NetworkError ERR_TOO_MANY_REDIRECTS
// { cookies: {} }
