/**
 * Type tests of `rxjs-asyncio/http`'s safety options, checked by `tsc --noEmit` as part of
 * `npm test` (this file never runs). `Expect<Equal<A, B>>` fails to compile unless A and B
 * are the same type, and each `@ts-expect-error` fails to compile unless the line below it
 * is an error.
 */
import { ResponseTooLargeError, createSession } from '../../lib/http';
import type { BasicAuth, HttpMethod, HttpRequest, RequestConfig, RetryOptions, SessionOptions } from '../../lib/http';

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
};
export const config: RequestConfig = { readTimeout: 100, maxContentLength: 1024, auth: { username: 'u', password: '' } };
export type A1 = Expect<Equal<NonNullable<SessionOptions['auth']>, BasicAuth>>;
export type A2 = Expect<Equal<NonNullable<RequestConfig['auth']>, BasicAuth>>;

// What a transport receives: the limits, resolved.
export type T1 = Expect<Equal<HttpRequest['maxContentLength'], number>>;
export type T2 = Expect<Equal<HttpRequest['readTimeout'], number>>;

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
