// Public surface of `rxjs-asyncio/http`: a client session on axios (aiohttp's ClientSession).

// The session
export { createSession } from './createSession';
export type { ClientSession, ShortcutConfig, StreamConfig } from './createSession';
export type { ServerSentEvent } from './sse';

// Transports: axios (the default) and undici (the fast one)
export { axiosTransport } from './axiosTransport';
export { undiciTransport } from './undiciTransport';

// Requests, responses and transports
export type {
  BasicAuth,
  DownloadProgress,
  HeadersInit,
  HttpHeaders,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  ParamsInit,
  ParamValue,
  PoolTransport,
  PoolTransportOptions,
  RequestConfig,
  RequestCookies,
  RequestOptions,
  ResponseType,
  RetryOptions,
  SessionOptions,
  Transport,
} from './types';

// Errors (timeouts fail with rxjs's own TimeoutError; closing cancels with CancelledError)
export { HttpStatusError } from './errors/HttpStatusError';
export { NetworkError } from './errors/NetworkError';
export { ResponseTooLargeError } from './errors/ResponseTooLargeError';
export { SessionClosedError } from './errors/SessionClosedError';
export { CancelledError } from '../errors';
export { TimeoutError } from 'rxjs';
