/** The browser build's lib/http/cookieJar.ts: the browser keeps a session's cookies in its own jar, so the session keeps none. */
import type { RequestCookies } from './types';

export function sessionCookies(): RequestCookies | undefined {
  return undefined;
}
