import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

/** What {@link call} resolves to. */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Number of `data` events the body came in. */
  readonly chunks: number;
  /** ms from sending the request to the response headers, and to the end of the body. */
  readonly headersAfter: number;
  readonly endAfter: number;
}

export interface RawCall {
  readonly response: Promise<RawResponse>;
  /** Destroys the request and its socket. */
  abort(): void;
}

/**
 * One request on a fresh connection (`agent: false`, so the socket closes after the
 * response), independent of the library under test.
 */
export function call(url: string, init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): RawCall {
  const started = performance.now();
  const headers = { ...init.headers, ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }) };
  const req = request(url, { method: init.method ?? 'GET', agent: false, headers });
  const response = new Promise<RawResponse>((resolve, reject) => {
    const onClosed = (then: () => void): void => {
      if (req.socket === null || req.socket.closed) then();
      else req.socket.once('close', then);
    };
    req.on('error', (err) => onClosed(() => reject(err)));
    req.on('response', (res) => {
      const headersAfter = performance.now() - started;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('error', reject);
      // Resolved once the client's socket has closed too, so no test leaves one behind.
      res.on('end', () =>
        onClosed(() =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(parts),
            chunks: parts.length,
            headersAfter,
            endAfter: performance.now() - started,
          }),
        ),
      );
    });
  });
  req.end(init.body);
  return { response, abort: () => req.destroy() };
}

export async function json(url: string, init?: Parameters<typeof call>[1]): Promise<{ status: number; body: any }> {
  const res = await call(url, init).response;
  return { status: res.status, body: JSON.parse(res.body.toString('utf8')) };
}
