/** What both transports share: turning a body into `data` as `responseType` asks. */
import type { HttpRequest } from './types';

/**
 * `'json'`: parsed when the body is JSON, else the text, as axios's default does;
 * `'text'` and `'arraybuffer'`: as they are.
 */
export function toData(request: HttpRequest, body: string | Buffer): unknown {
  if (request.responseType !== 'json' || typeof body !== 'string' || body === '') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** A body as text: UTF-8, a byte order mark dropped (as axios does). */
export function toText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
