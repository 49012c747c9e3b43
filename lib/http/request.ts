/**
 * Internals of the session: argument checks of its options and of each request's
 * config, and the resolution of a call into the `HttpRequest` a transport receives.
 */
import { checkBoolean, checkNonNegativeInteger, checkOneOf, checkTimeout, describe, fail, isPlainObject, readOptions } from '../internal/validate';
import type { HttpMethod, ParamsInit, RequestConfig, RequestOptions, ResponseType } from './types';

export const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const RESPONSE_TYPES: readonly ResponseType[] = ['json', 'text', 'arraybuffer'];

/** The config keys of `get`, `post`, ...; `request()` adds `method` and `url`; the shortcuts drop `responseType`. */
export const CONFIG_KEYS = ['params', 'headers', 'data', 'responseType', 'timeout', 'raiseForStatus', 'maxRedirects', 'signal'] as const;
export const REQUEST_KEYS = [...CONFIG_KEYS, 'method', 'url'] as const;
export const SHORTCUT_KEYS = CONFIG_KEYS.filter((key) => key !== 'responseType');

/** A URL that starts with a scheme. */
const ABSOLUTE = /^[a-z][a-z\d+\-.]*:/i;

/** RFC 9110 token: what a header name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value must not contain (Node would throw when sending it). */
const BAD_VALUE = /[\r\n\0]/;

/** A request config, checked, with headers lower-cased and defaults not yet applied. */
export interface CheckedConfig {
  readonly params: ParamsInit | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
  readonly responseType: ResponseType | undefined;
  readonly timeout: number | undefined;
  readonly raiseForStatus: boolean | undefined;
  readonly maxRedirects: number;
  readonly signal: AbortSignal | undefined;
}

/** The checked config of a call without one (shared: it is never mutated). */
const NO_CONFIG: CheckedConfig = Object.freeze({
  params: undefined,
  headers: Object.freeze({}),
  data: undefined,
  responseType: undefined,
  timeout: undefined,
  raiseForStatus: undefined,
  maxRedirects: 0,
  signal: undefined,
});

/**
 * Checks a per-request config; `keys` are the names allowed for this call. On every
 * request's path: no closure, and only the options present are looked at.
 */
export function checkConfig(fn: string, config: RequestConfig | undefined, keys: readonly string[]): CheckedConfig {
  if (config === undefined) return NO_CONFIG;
  const c: Partial<RequestOptions> = readOptions(fn, 'config', config, keys, 'plain');
  return {
    params: c.params === undefined ? undefined : checkParams(fn, 'config.params', c.params),
    headers: c.headers === undefined ? NO_CONFIG.headers : checkHeaders(fn, 'config.headers', c.headers),
    data: c.data,
    responseType: c.responseType === undefined ? undefined : checkOneOf(fn, 'config.responseType', c.responseType, RESPONSE_TYPES),
    timeout: c.timeout === undefined ? undefined : checkTimeout(fn, 'config.timeout', c.timeout),
    raiseForStatus: c.raiseForStatus === undefined ? undefined : checkBoolean(fn, 'config.raiseForStatus', c.raiseForStatus),
    maxRedirects: c.maxRedirects === undefined ? 0 : checkNonNegativeInteger(fn, 'config.maxRedirects', c.maxRedirects),
    signal: c.signal === undefined ? undefined : checkSignal(fn, 'config.signal', c.signal),
  };
}

/** A method name in any case, returned upper-case. */
export function checkMethod(fn: string, param: string, value: unknown): HttpMethod {
  const expected = METHOD_EXPECTED;
  if (typeof value !== 'string') fail('type', fn, param, expected, value);
  const upper = value.toUpperCase();
  if (!(METHODS as readonly string[]).includes(upper)) fail('range', fn, param, expected, value);
  return upper as HttpMethod;
}

const METHOD_EXPECTED = `one of ${METHODS.join(', ')} (any case)`;

/** A URL argument: a string (possibly relative) or a `URL`, returned as a string. */
export function checkUrl(fn: string, param: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.href;
  return fail('type', fn, param, 'a string or URL', value);
}

/** A base URL: an absolute `http:` or `https:` URL. */
export function checkBaseUrl(fn: string, param: string, value: unknown): string {
  const expected = 'an absolute http: or https: URL';
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string') return fail('type', fn, param, expected, value);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail('type', fn, param, expected, value);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('type', fn, param, expected, value);
  return text;
}

/** Headers: a plain object of names to values; returned with names lower-cased and values as strings. */
export function checkHeaders(fn: string, param: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return fail('type', fn, param, 'a plain object of header names to values', value);
  const out: Record<string, string> = {};
  for (const name in value) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
    const raw = value[name];
    if (!TOKEN.test(name)) {
      throw new TypeError(`${fn}: ${param} has an invalid header name ${describe(name)}`);
    }
    if (raw === undefined || raw === null) continue;
    let text: string;
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
    else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) text = raw.join(', ');
    else return fail('type', fn, `${param}[${JSON.stringify(name)}]`, 'a string, number, boolean or array of strings', raw);
    if (BAD_VALUE.test(text)) fail('type', fn, `${param}[${JSON.stringify(name)}]`, 'free of CR, LF and NUL', raw);
    out[name.toLowerCase()] = text;
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

/** Whether an object has no own enumerable key (without allocating a key list). */
export function isEmpty(value: object): boolean {
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return false;
  return true;
}

/**
 * The absolute URL of a request: `url` if it is absolute, else `baseURL` and `url`
 * joined with one slash (as axios does), with `params` appended. Throws a
 * `TypeError` for a URL that cannot be parsed or whose protocol is not http(s).
 */
export function resolveUrl(baseURL: string | undefined, url: string, params: ParamsInit | undefined): string {
  const absolute = ABSOLUTE.test(url);
  const joined = absolute || baseURL === undefined ? url : url === '' ? baseURL : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  const parsed = new URL(joined);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`unsupported protocol ${parsed.protocol} (only http: and https:)`);
  }
  if (params instanceof URLSearchParams) {
    for (const [name, value] of params) parsed.searchParams.append(name, value);
  } else if (params !== undefined) {
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) parsed.searchParams.append(name, String(v));
    }
  }
  return parsed.href;
}
