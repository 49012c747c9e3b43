/**
 * Internals of the session: argument checks of its options and of each request's
 * config, and the resolution of a call into the `HttpRequest` a transport receives.
 *
 * The safety rules that can be decided from the arguments alone are decided here, at
 * call time: a URL that names a host without `//` (`http:evil/x`), an absolute URL in a
 * session that refuses them, a framing header, a header character that cannot go on the
 * wire, a body that cannot be serialized. Browser-neutral (no `node:` module, no `Buffer`).
 */
import {
  checkBoolean,
  checkByteLimit,
  checkDuration,
  checkFunction,
  checkNonNegativeInteger,
  checkOneOf,
  checkTimeout,
  describe,
  fail,
  isPlainObject,
  optionReader,
  readOptions,
} from '../internal/validate';
import type { BasicAuth, HttpMethod, ParamsInit, RequestConfig, RequestOptions, ResponseType, RetryOptions } from './types';

export const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const RESPONSE_TYPES: readonly ResponseType[] = ['auto', 'json', 'text', 'bytes', 'arraybuffer'];

/** The config keys of `get`, `post`, ...; `request()` adds `method` and `url`; the shortcuts drop `responseType`. */
export const CONFIG_KEYS = [
  'params',
  'headers',
  'data',
  'responseType',
  'timeout',
  'readTimeout',
  'raiseForStatus',
  'maxRedirects',
  'maxContentLength',
  'auth',
  'retry',
  'signal',
  'onDownloadProgress',
] as const;
export const REQUEST_KEYS = [...CONFIG_KEYS, 'method', 'url'] as const;
export const SHORTCUT_KEYS = CONFIG_KEYS.filter((key) => key !== 'responseType');
/** The config keys of `stream`, `lines` and `sse`: nothing is buffered (no `maxContentLength`), and a stream is never sent again (no `retry`). */
export const STREAM_KEYS = SHORTCUT_KEYS.filter((key) => key !== 'maxContentLength' && key !== 'retry');

/** An absolute URL: a scheme, then `//` (the only form the session takes for one). */
const ABSOLUTE = /^[a-z][a-z\d+\-.]*:\/\//i;
/** `http:` or `https:` without `//`: the URL parser would read what follows as a host (`http:evil/x`). */
const HOST_WITHOUT_SLASHES = /^https?:(?!\/\/)/i;
/** What the URL parser ignores before it reads a scheme: leading C0 controls and spaces, and any tab or newline. */
// eslint-disable-next-line no-control-regex -- control characters are what it matches
const IGNORED = /^[\x00-\x20]+|[\t\n\r]/g;
const TAB_OR_NEWLINE = /[\t\n\r]/;
/** The user info of a URL given as text: from after the scheme (and its slashes) to the last `@` before the path. */
const USER_INFO = /^([a-z][a-z\d+\-.]*:[/\\]*)[^/?#\\]*@/i;

/** RFC 9110 token: what a header name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value must not contain: a control character other than tab, or a character outside Latin-1 (Node's own rule). */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const BAD_VALUE_EXPECTED = 'Latin-1 text without control characters (a tab is allowed)';
/** Spaces and tabs at either end of a header value. */
const EDGE_SPACE = /^[\t ]+|[\t ]+$/g;
/**
 * Headers that frame the message on the wire: the transport writes them from the body
 * it sends. A caller's `content-length: 4` over a longer body would let the rest be read
 * as a second request (request smuggling).
 */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);
const FRAMING_EXPECTED = `left to the transport (${[...FRAMING].join(', ')} frame the message)`;

/** A request config, checked, with headers lower-cased and defaults not yet applied. */
export interface CheckedConfig {
  readonly params: ParamsInit | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
  readonly responseType: ResponseType | undefined;
  readonly timeout: number | undefined;
  readonly readTimeout: number | undefined;
  readonly raiseForStatus: boolean | undefined;
  readonly maxRedirects: number | undefined;
  readonly maxContentLength: number | undefined;
  /** The `Authorization` value of `config.auth`, if given. */
  readonly authorization: string | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onDownloadProgress: RequestConfig['onDownloadProgress'];
}

/**
 * Checks a per-request config; `keys` are the names allowed for this call. On every
 * request's path: no closure, and only the options present are looked at.
 */
export function checkConfig(fn: string, config: RequestConfig | undefined, keys: readonly string[]): CheckedConfig {
  if (config === undefined) return NO_CONFIG;
  const c = ownConfig(fn, config, keys);
  // Every key, in this order, so that every checked config has the same shape.
  return {
    params: c.params === undefined ? undefined : checkParams(fn, 'config.params', c.params),
    headers: c.headers === undefined ? NO_HEADERS : checkHeaders(fn, 'config.headers', c.headers),
    data: c.data,
    responseType: c.responseType === undefined ? undefined : checkOneOf(fn, 'config.responseType', c.responseType, RESPONSE_TYPES),
    timeout: c.timeout === undefined ? undefined : checkTimeout(fn, 'config.timeout', c.timeout),
    readTimeout: c.readTimeout === undefined ? undefined : checkTimeout(fn, 'config.readTimeout', c.readTimeout),
    raiseForStatus: c.raiseForStatus === undefined ? undefined : checkBoolean(fn, 'config.raiseForStatus', c.raiseForStatus),
    maxRedirects: c.maxRedirects === undefined ? undefined : checkNonNegativeInteger(fn, 'config.maxRedirects', c.maxRedirects),
    maxContentLength: c.maxContentLength === undefined ? undefined : checkByteLimit(fn, 'config.maxContentLength', c.maxContentLength),
    authorization: c.auth === undefined ? undefined : basicAuthorization(checkAuth(fn, 'config.auth', c.auth)),
    retry: c.retry === undefined ? undefined : readRetry(fn, 'config.retry', c.retry),
    signal: c.signal === undefined ? undefined : checkSignal(fn, 'config.signal', c.signal),
    onDownloadProgress: c.onDownloadProgress === undefined ? undefined : checkFunction(fn, 'config.onDownloadProgress', c.onDownloadProgress),
  };
}

/**
 * A config's own properties, as `readOptions` reads them (a polluted `Object.prototype`
 * is never read), into an object that has every config key already: on every call's
 * path, where the dictionary `readOptions` copies into is slow to make and to read. A
 * config that `readOptions` refuses goes to it, for its error.
 */
function ownConfig(fn: string, config: RequestConfig, keys: readonly string[]): Partial<RequestOptions> {
  const names = isPlainObject(config) ? Object.keys(config) : undefined;
  if (names === undefined || !names.every(isKnown, keys)) return readOptions(fn, 'config', config, keys, 'plain');
  const own: Record<string, unknown> = { ...EVERY_KEY };
  for (const name of names) own[name] = config[name as keyof RequestConfig];
  return own;
}

function isKnown(this: readonly string[], name: string): boolean {
  return this.includes(name);
}

/** Every config key, `undefined`: its copy is read without reaching the prototype. */
const EVERY_KEY = Object.fromEntries(CONFIG_KEYS.map((key) => [key, undefined]));

/** The headers of a config without any (shared: never mutated). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
/** The checked config of a call without one (shared: never mutated). */
const NO_CONFIG: CheckedConfig = Object.freeze(checkConfig('', {}, []));

/** A method name in any case, returned upper-case. */
export function checkMethod(fn: string, param: string, value: unknown): HttpMethod {
  const expected = METHOD_EXPECTED;
  if (typeof value !== 'string') fail('type', fn, param, expected, value);
  const upper = value.toUpperCase();
  if (!(METHODS as readonly string[]).includes(upper)) fail('range', fn, param, expected, value);
  return upper as HttpMethod;
}

const METHOD_EXPECTED = `one of ${METHODS.join(', ')} (any case)`;

/** A `retry` option, checked, its defaults filled in (see {@link readRetry}). */
export interface RetryPolicy {
  readonly limit: number;
  readonly methods: readonly HttpMethod[];
  readonly statusCodes: readonly number[];
  readonly delay: (n: number) => number;
  readonly maxDelay: number;
}

/** The policy of `retry: {}`: 2 retries (ky's default) of the idempotent methods, 300 ms × 2^(n-1) with full jitter (so clients that failed together do not retry together). */
const RETRY_DEFAULTS: RetryPolicy = {
  limit: 2,
  methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'],
  statusCodes: [408, 413, 429, 500, 502, 503, 504],
  delay: (n) => Math.random() * 300 * 2 ** (n - 1),
  maxDelay: 30_000,
};

/**
 * The `retry` option of a session or a request: a retry limit (the other keys their
 * defaults), or `{ limit, methods, statusCodes, delay, maxDelay }`. `0` is a policy that
 * retries nothing (a request's `retry: 0` turns its session's off).
 */
export function readRetry(fn: string, param: string, value: unknown): RetryPolicy {
  const d = RETRY_DEFAULTS;
  if (typeof value === 'number') return { ...d, limit: checkNonNegativeInteger(fn, param, value) };
  if (!isPlainObject(value)) return fail('type', fn, param, 'a retry limit or an object', value);
  const read = optionReader(
    fn,
    param,
    readOptions(fn, param, value as Exclude<RetryOptions, number>, ['limit', 'methods', 'statusCodes', 'delay', 'maxDelay']),
  );
  return {
    limit: read('limit', checkNonNegativeInteger, d.limit),
    methods: read('methods', (f, p, v) => checkList(f, p, v, 'HTTP methods', checkMethod), d.methods),
    statusCodes: read('statusCodes', (f, p, v) => checkList(f, p, v, 'status codes', checkStatusCode), d.statusCodes),
    delay: read('delay', checkFunction<RetryPolicy['delay']>, d.delay),
    maxDelay: read('maxDelay', checkDuration, d.maxDelay),
  };
}

/** An array, each element checked by `check` (as `param[i]`). */
function checkList<T>(fn: string, param: string, value: unknown, what: string, check: (fn: string, param: string, value: unknown) => T): T[] {
  if (!Array.isArray(value)) return fail('type', fn, param, `an array of ${what}`, value);
  return value.map((item: unknown, i) => check(fn, `${param}[${i}]`, item));
}

/** A status a request may be retried after: an error status (a response is retried by failing it, as `raiseForStatus` does). */
function checkStatusCode(fn: string, param: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599) return value;
  return fail(typeof value === 'number' ? 'range' : 'type', fn, param, 'a status code from 400 to 599', value);
}

/**
 * A URL argument: a string (relative, or absolute with `scheme://`) or a `URL`, returned
 * as a string. `http:host/x` (a scheme of the web without `//`) is refused: the URL parser
 * would send it to `host`, whatever the base. With `allowAbsolute` false, so is any
 * absolute URL. Messages show the URL without its credentials.
 */
export function checkUrl(fn: string, param: string, value: unknown, allowAbsolute: boolean): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof URL) text = value.href;
  else return fail('type', fn, param, 'a string or URL', value);
  const parsed = asParsed(text);
  if (HOST_WITHOUT_SLASHES.test(parsed)) {
    fail('type', fn, param, 'a relative URL or an absolute one with scheme:// (a host after http: without // is refused)', withoutUserInfo(text));
  }
  if (!allowAbsolute && ABSOLUTE.test(parsed)) {
    fail('type', fn, param, 'a URL relative to baseURL (the session has allowAbsoluteUrls: false)', withoutUserInfo(text));
  }
  return text;
}

/** Whether a URL that passed {@link checkUrl} is absolute (then `baseURL` does not apply). */
export function isAbsoluteUrl(url: string): boolean {
  return ABSOLUTE.test(asParsed(url));
}

/**
 * A URL as the URL parser reads its scheme: without leading C0 controls and spaces, nor
 * tabs and newlines. On every call's path: most URLs start with `/` or a letter and hold
 * none of those, and are returned as they are.
 */
function asParsed(url: string): string {
  return url.charCodeAt(0) > 0x20 && !TAB_OR_NEWLINE.test(url) ? url : url.replace(IGNORED, '');
}

/**
 * A URL given as text, without the user info it may carry (`http://user:pass@host/` →
 * `http://host/`): for messages about a URL that could not be parsed.
 */
export function withoutUserInfo(url: string): string {
  return url.includes('@') ? url.replace(USER_INFO, '$1') : url;
}

/**
 * An absolute URL without the credentials it may carry: what a response's `url` shows
 * (a redirect's `Location` may name some). Cheap when there are none.
 */
export function withoutCredentials(url: string): string {
  if (!url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return withoutUserInfo(url);
  }
}

/**
 * A base URL: an absolute `http:` or `https:` URL, or in a browser one relative to the page
 * (resolved against `location.origin`), returned absolute with its credentials apart.
 */
export function checkBaseUrl(fn: string, param: string, value: unknown): ResolvedUrl {
  const origin = pageOrigin();
  let expected = 'an absolute http: or https: URL';
  const given = value instanceof URL ? value.href : value;
  if (typeof given !== 'string') return fail('type', fn, param, expected, value);
  let text = given;
  let parsed: URL;
  try {
    parsed = new URL(text, origin);
  } catch {
    // A relative URL ('/api') outside a page: there is nothing to resolve it against.
    if (origin === undefined && URL.canParse(text, 'http://h/')) expected += ", or a relative one ('/api') in a browser, resolved against the page's origin";
    return fail('type', fn, param, expected, withoutUserInfo(text));
  }
  // Relative to the page: the absolute URL it stands for.
  if (origin !== undefined && !/^[a-z][a-z\d+.-]*:/i.test(text)) text = parsed.href;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('type', fn, param, expected, withoutUserInfo(text));
  const authorization = takeCredentials(parsed);
  // As given (a trailing slash or none), without its credentials.
  return { url: authorization === undefined ? text : withoutUserInfo(text), authorization };
}

/** The origin of the page this runs in (`location.origin` in a browser), or `undefined` outside one (Node, a worker without an http: origin). */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === 'string' && /^https?:\/\//.test(origin) ? origin : undefined;
}

/** Basic credentials: `{ username, password }`, strings, no `:` in the username (RFC 7617). */
export function checkAuth(fn: string, param: string, value: unknown): BasicAuth {
  const expected = 'an object { username, password } of strings';
  if (!isPlainObject(value)) return fail('type', fn, param, expected, value);
  const { username, password } = readOptions(fn, param, value as Partial<BasicAuth>, ['username', 'password']);
  if (typeof username !== 'string') fail('type', fn, `${param}.username`, 'a string', username);
  if (typeof password !== 'string') fail('type', fn, `${param}.password`, 'a string', password);
  if (username.includes(':')) fail('type', fn, `${param}.username`, 'free of ":" (Basic auth joins username and password with it)', username);
  return { username, password };
}

/** `Basic <base64 of username:password in UTF-8>`, as browsers and RFC 7617 encode it. */
export function basicAuthorization({ username, password }: BasicAuth): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return `Basic ${btoa(binary)}`;
}

/** Removes the credentials of a parsed URL; returns them as an `Authorization` value, or `undefined` if it had none. */
function takeCredentials(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const authorization = basicAuthorization({ username: percentDecoded(url.username), password: percentDecoded(url.password) });
  url.username = '';
  url.password = '';
  return authorization;
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Headers: a plain object of names to values; returned with names lower-cased and values
 * as strings. A header named `__proto__` is a header (an own property, not the prototype).
 * A plain object, not one without prototype: the transports walk it on every request, and
 * V8 walks an object without prototype (a dictionary) several times slower.
 */
export function checkHeaders(fn: string, param: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return fail('type', fn, param, 'a plain object of header names to values', value);
  const out: Record<string, string> = {};
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const raw = value[name];
    if (!TOKEN.test(name)) {
      throw new TypeError(`${fn}: ${param} has an invalid header name ${describe(name)}`);
    }
    if (raw === undefined || raw === null) continue;
    const lower = name.toLowerCase();
    if (FRAMING.has(lower)) fail('type', fn, `${param}[${JSON.stringify(name)}]`, FRAMING_EXPECTED, raw);
    let text: string;
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
    else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) text = raw.join(', ');
    else return fail('type', fn, `${param}[${JSON.stringify(name)}]`, 'a string, number, boolean or array of strings', raw);
    if (BAD_VALUE.test(text)) fail('type', fn, `${param}[${JSON.stringify(name)}]`, BAD_VALUE_EXPECTED, raw);
    // Spaces and tabs around a value are not part of it (fetch and axios strip them; undici would send them).
    text = text.replace(EDGE_SPACE, '');
    if (lower === '__proto__') Object.defineProperty(out, lower, { value: text, enumerable: true, writable: true, configurable: true });
    else out[lower] = text;
  }
  return out;
}

/** Query parameters: `URLSearchParams`, or a plain object of scalar or array values. */
export function checkParams(fn: string, param: string, value: unknown): ParamsInit {
  if (value instanceof URLSearchParams) return value;
  if (!isPlainObject(value)) return fail('type', fn, param, 'a plain object or URLSearchParams', value);
  const scalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || v === null || scalar(v)) continue;
    if (Array.isArray(v) && v.every(scalar)) continue;
    fail('type', fn, `${param}[${JSON.stringify(name)}]`, 'a string, number, boolean, null, undefined or an array of those', v);
  }
  return value as ParamsInit;
}

function checkSignal(fn: string, param: string, value: unknown): AbortSignal {
  if (!(value instanceof AbortSignal)) fail('type', fn, param, 'an AbortSignal', value);
  return value;
}

/**
 * A request body must be something the transports can send: a string, a plain object
 * or an array (sent as JSON), bytes (Buffer, ArrayBuffer, a typed array),
 * `URLSearchParams`, a `Blob`, a `FormData`, or a stream. Anything else (a number or a
 * boolean, which axios refuses to send, a function, a Symbol, a BigInt, a Map, a
 * Promise), and a JSON value that cannot be serialized (a BigInt inside it, a cycle), is
 * a programming error, refused at call time rather than reported later as a network
 * failure.
 */
export function checkBody(fn: string, param: string, value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'string') return value;
  if (typeof value === 'object') {
    if (Array.isArray(value) || isPlainObject(value)) {
      const problem = jsonProblem(value, []);
      if (problem !== undefined) throw new TypeError(`${fn}: ${param}${problem.path} must be serializable as JSON (no BigInt, no cycle), got ${problem.got}`);
      return value;
    }
    const v = value as { pipe?: unknown; toJSON?: unknown; [Symbol.toStringTag]?: unknown };
    if (
      value instanceof URLSearchParams ||
      value instanceof ArrayBuffer ||
      ArrayBuffer.isView(value) ||
      value instanceof Blob ||
      typeof v.pipe === 'function' ||
      typeof v.toJSON === 'function' ||
      v[Symbol.toStringTag] === 'FormData'
    )
      return value;
  }
  return fail('type', fn, param, 'a string, a plain object or array (JSON), bytes, a stream, a Blob, FormData or URLSearchParams', value);
}

/**
 * What `JSON.stringify` would throw on inside `value`: a BigInt or a cycle, with the path
 * to it (`.items[2].id`), or `undefined`. Walks what `JSON.stringify` walks (own enumerable
 * properties, array elements); a value with a `toJSON` method, or bytes, is a leaf.
 * `ancestors` is the chain of objects above `value`: a reference to one of them is a cycle
 * (an object reached twice on different paths is not).
 */
function jsonProblem(value: object, ancestors: object[]): { path: string; got: string } | undefined {
  if (ancestors.includes(value)) return { path: '', got: 'a cycle (a reference to an object that contains it)' };
  ancestors.push(value);
  let found: { path: string; got: string } | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found === undefined; i++) {
      const inner = child(value[i], ancestors);
      if (inner !== undefined) found = { path: `[${i}]${inner.path}`, got: inner.got };
    }
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const inner = child((value as Record<string, unknown>)[key], ancestors);
      if (inner === undefined) continue;
      found = { path: `${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}${inner.path}`, got: inner.got };
      break;
    }
  }
  ancestors.pop();
  return found;
}

/** {@link jsonProblem} of an element or property, its path relative to it. */
function child(value: unknown, ancestors: object[]): { path: string; got: string } | undefined {
  if (typeof value === 'bigint') return { path: '', got: describe(value) };
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return undefined;
  return jsonProblem(value, ancestors);
}

/** Whether an object has no own enumerable key (without allocating a key list). */
export function isEmpty(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/** A URL resolved for a request: absolute, without credentials; those, if it had any, as an `Authorization` value. */
export interface ResolvedUrl {
  readonly url: string;
  readonly authorization: string | undefined;
}

/**
 * The absolute URL of a request: `url` if it is absolute (`scheme://`), else `baseURL`
 * and `url` joined with one slash (as axios does: `user:42` and `//x` are paths under the
 * base), with `params` appended, and credentials moved out of it. Throws a `TypeError`
 * for a URL that cannot be parsed or whose protocol is not http(s).
 */
export function resolveUrl(baseURL: string | undefined, url: string, params: ParamsInit | undefined): ResolvedUrl {
  const joined = baseURL === undefined || isAbsoluteUrl(url) ? url : url === '' ? baseURL : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  const parsed = new URL(joined);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`unsupported protocol ${parsed.protocol} (only http: and https:)`);
  }
  if (params !== undefined) {
    let added = params as URLSearchParams;
    if (!(params instanceof URLSearchParams)) {
      added = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) {
        if (value === undefined || value === null) continue;
        for (const v of Array.isArray(value) ? value : [value]) added.append(name, String(v));
      }
    }
    // Appended to the URL's own query as it is written (`searchParams.append` would
    // re-encode all of it: `flag` becomes `flag=`, `%20` a `+`, and a signed query breaks).
    const more = `${added}`;
    if (more) parsed.search = parsed.search ? `${parsed.search.slice(1)}&${more}` : more;
  }
  const authorization = takeCredentials(parsed);
  return { url: parsed.href, authorization };
}
