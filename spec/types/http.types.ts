/**
 * Type tests of `rxjs-asyncio/http`'s safety options, checked by `tsc --noEmit` as part of
 * `npm test` (this file never runs). `Expect<Equal<A, B>>` fails to compile unless A and B
 * are the same type, and each `@ts-expect-error` fails to compile unless the line below it
 * is an error.
 */
import { ResponseTooLargeError, createSession } from '../../lib/http';
import type { Observable } from 'rxjs';
import type { BasicAuth, HttpMethod, HttpRequest, HttpResponse, RequestConfig, RequestCookies, RetryOptions, SessionOptions } from '../../lib/http';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

// The safety options of a session and of a request.
export const options: SessionOptions = {
  timeout: 300_000,
  readTimeout: 5000,
  maxContentLength: Infinity,
  allowAbsoluteUrls: false,
  baseURL: 'http://127.0.0.1/',
  auth: { username: 'ada', password: 'pw' },
  maxRedirects: 0,
  cookies: false,
};
export const config: RequestConfig = { readTimeout: 100, maxContentLength: 1024, auth: { username: 'u', password: '' } };
export type A1 = Expect<Equal<NonNullable<SessionOptions['auth']>, BasicAuth>>;
export type A2 = Expect<Equal<NonNullable<RequestConfig['auth']>, BasicAuth>>;

// What a transport receives: the limits, resolved.
export type T1 = Expect<Equal<HttpRequest['maxContentLength'], number>>;
export type T2 = Expect<Equal<HttpRequest['readTimeout'], number>>;
export type T3 = Expect<Equal<HttpRequest['maxRedirects'], number>>;
// The session's jar, as a transport calls it per hop: nothing of tough-cookie shows.
export type T4 = Expect<Equal<HttpRequest['cookies'], RequestCookies | undefined>>;
export type T5 = Expect<Equal<RequestCookies['header'], (url: string, own: string | undefined) => string | undefined>>;
export type T6 = Expect<Equal<RequestCookies['store'], (url: string, setCookie: readonly string[]) => void>>;
export type C1 = Expect<Equal<SessionOptions['cookies'], boolean | undefined>>;

// The error of a body over the limit.
declare const tooLarge: ResponseTooLargeError;
export type E1 = Expect<Equal<typeof tooLarge.limit, number>>;
export type E2 = Expect<Equal<typeof tooLarge.url, string>>;
export type E3 = Expect<Equal<typeof tooLarge.method, HttpMethod>>;

const session = createSession(options);
// @ts-expect-error auth needs a password
session.get('/x', { auth: { username: 'u' } });
// @ts-expect-error maxContentLength is a number of bytes
session.get('/x', { maxContentLength: '1mb' });
// @ts-expect-error allowAbsoluteUrls is a session option
session.get('/x', { allowAbsoluteUrls: false });
// @ts-expect-error readTimeout is in ms
createSession({ readTimeout: '5s' });
// @ts-expect-error cookies is on or off, not a jar
createSession({ cookies: {} });
// @ts-expect-error cookies is a session option
session.get('/x', { cookies: false });
// @ts-expect-error maxRedirects is a count
session.get('/x', { maxRedirects: true });

// Decoding (issue 15): the readings, and what each shortcut emits.
export type D1 = Expect<Equal<NonNullable<RequestConfig['responseType']>, 'auto' | 'json' | 'text' | 'bytes' | 'arraybuffer'>>;
export type D2 = Expect<Equal<HttpRequest['responseType'], 'auto' | 'json' | 'text' | 'bytes' | 'arraybuffer'>>;
export type D3 = Expect<Equal<ReturnType<typeof session.get>, Observable<HttpResponse<unknown>>>>;
export type D4 = Expect<Equal<ReturnType<typeof session.text>, Observable<string>>>;
export type D5 = Expect<Equal<ReturnType<typeof session.bytes>, Observable<Uint8Array>>>;
export type D6 = Expect<Equal<ReturnType<typeof session.json<{ id: number }>>, Observable<{ id: number }>>>;
session.get('/x', { responseType: 'bytes' });
// @ts-expect-error 'blob' is not a reading
session.get('/x', { responseType: 'blob' });
// @ts-expect-error a shortcut sets its own reading
session.text('/x', { responseType: 'bytes' });

// Retries: a limit or a policy, on the session and on a request (of every method and shortcut).
export const retrying: SessionOptions = { retry: { limit: 3, methods: ['GET', 'post'], statusCodes: [503], delay: (n) => 100 * n, maxDelay: 5000 } };
session.get('/x', { retry: 2 });
session.post('/x', {}, { retry: { methods: ['POST'] } });
session.json('/x', { retry: 0 });
export type R1 = Expect<Equal<NonNullable<SessionOptions['retry']>, RetryOptions>>;
export type R2 = Expect<Equal<NonNullable<RequestConfig['retry']>, RetryOptions>>;
// @ts-expect-error a retry policy names methods the session sends
createSession({ retry: { methods: ['TRACE'] } });
// @ts-expect-error delay gives ms, not a Promise
createSession({ retry: { delay: async () => 1 } });
// @ts-expect-error retry is a limit or a policy, not a boolean
session.get('/x', { retry: true });
