import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * A hostile HTTP server on 127.0.0.1 for the specs of spec/hostile/: raw bytes on a
 * `node:net` socket, so a route can answer anything a server can send (a wrong
 * `Content-Length`, a `101` nobody asked for, a header that never ends, a gzip bomb),
 * with counters that show what the client did (connections open, requests received,
 * bytes written before the client went away).
 */

/** A request as the server parsed it (its own small parser: it must not depend on the code under test). */
export interface RawRequest {
  readonly method: string;
  /** The request target, query included. */
  readonly path: string;
  /** Names lower-cased; a repeated header joined with `', '`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The connection a route answers on. */
export interface Wire {
  /** Writes bytes; `false` once the client has gone. */
  write(data: string | Buffer): boolean;
  /** Writes the last bytes and closes the connection (FIN). */
  end(data?: string | Buffer): void;
  /** Closes the connection at once. */
  destroy(): void;
  /** Runs `fn` after `ms`, unless the connection closes first (no timer outlives the test). */
  later(ms: number, fn: () => void): void;
  /** Writes `chunk` whenever the socket drains, until the client goes away (an endless body), or `total` bytes have gone (then ends the connection). */
  flood(chunk: Buffer, total?: number): void;
  /** The connection may carry the next request (the route wrote a complete response). */
  next(): void;
  /** Whether the client's side has closed. */
  readonly closed: boolean;
}

export type Route = (req: RawRequest, wire: Wire) => void;

export interface Hostile {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly received: readonly RawRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections the client has not closed yet (a FIN from it counts as closed). */
  readonly openConnections: number;
  /** The most connections open at once. */
  readonly maxOpenConnections: number;
  /** Bytes written by `flood` and `write` on connections that have closed, and on open ones. */
  readonly bytesWritten: number;
  waitForOpenConnections(n: number, timeoutMs?: number): Promise<void>;
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Counters several servers share (many origins, one pool). */
export class Census {
  open = 0;
  maxOpen = 0;
  private readonly waiters = new Set<{ ready: () => boolean; resolve: () => void }>();

  opened(): void {
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
  }

  closed(): void {
    this.open--;
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /** Resolves once at most `n` connections are open, on any of the servers. */
  waitForOpen(n: number, timeoutMs = 5000): Promise<void> {
    return waitUntil(
      this.waiters,
      () => this.open <= n,
      () => `${this.open} connections still open, waited for at most ${n}`,
      timeoutMs,
    );
  }
}

/** A well-formed response: status line, headers (a `Content-Length` unless one is given) and body. */
export function response(status: number, headers: Record<string, string | number | readonly string[]> = {}, body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Whatever'}`];
  let length = false;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding') length = true;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(v)}`);
  }
  if (!length) lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  103: 'Early Hints',
  200: 'OK',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  401: 'Unauthorized',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/** A route that answers with `bytes` and keeps the connection for the next request. */
export function answer(bytes: Buffer | (() => Buffer)): Route {
  return (_req, wire) => {
    wire.write(typeof bytes === 'function' ? bytes() : bytes);
    wire.next();
  };
}

/** An echo of the request as JSON: `{ method, path, headers, body }`. */
export const echo: Route = (req, wire) => {
  const body = JSON.stringify({ method: req.method, path: req.path, headers: req.headers, body: req.body.toString('latin1') });
  wire.write(response(200, { 'Content-Type': 'application/json' }, body));
  wire.next();
};

/**
 * Starts a hostile server. `routes` maps a path (without its query) to a route; a path
 * ending with `*` matches every path that starts with it. Anything else is a 404.
 */
export function startHostile(routes: Record<string, Route>, census?: Census): Promise<Hostile> {
  const server = new HostileServer(routes, census);
  return server.listen().then(() => server);
}

const HEAD_END = Buffer.from('\r\n\r\n');

class HostileServer implements Hostile {
  url = '';
  port = 0;
  readonly received: RawRequest[] = [];
  connections = 0;
  openConnections = 0;
  maxOpenConnections = 0;
  bytesWritten = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<{ ready: () => boolean; resolve: () => void }>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly routes: Record<string, Route>,
    private readonly census: Census | undefined,
  ) {
    this.server = createServer({ allowHalfOpen: false }, (socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        this.url = `http://127.0.0.1:${this.port}`;
        resolve();
      });
    });
  }

  waitForOpenConnections(n: number, timeoutMs = 5000): Promise<void> {
    return waitUntil(
      this.waiters,
      () => this.openConnections <= n,
      () => `${this.openConnections} connections still open, waited for at most ${n}`,
      timeoutMs,
    );
  }

  waitForRequests(n: number, timeoutMs = 5000): Promise<void> {
    return waitUntil(
      this.waiters,
      () => this.received.length >= n,
      () => `${this.received.length} requests received, waited for ${n}`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  private check(): void {
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.openConnections++;
    this.maxOpenConnections = Math.max(this.maxOpenConnections, this.openConnections);
    this.census?.opened();
    this.sockets.add(socket);
    let open = true;
    const gone = (): void => {
      if (!open) return;
      open = false;
      this.openConnections--;
      this.census?.closed();
      this.check();
    };
    socket.on('end', gone);
    socket.on('close', () => {
      gone();
      this.sockets.delete(socket);
    });
    // A reset from the client: closed as well (its 'close' comes a turn of the loop later).
    socket.on('error', gone);
    let buffered = Buffer.alloc(0);
    // Whether a request is being answered: the next one waits for wire.next().
    let busy = false;
    const timers = new Set<NodeJS.Timeout>();
    socket.on('close', () => {
      for (const timer of timers) {
        clearTimeout(timer);
        this.timers.delete(timer);
      }
    });
    const wire: Wire = {
      write: (data) => {
        if (socket.destroyed || !open) return false;
        this.bytesWritten += data.length;
        socket.write(data);
        return true;
      },
      end: (data) => {
        if (data !== undefined) wire.write(data);
        socket.end();
      },
      destroy: () => socket.destroy(),
      later: (ms, fn) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          this.timers.delete(timer);
          if (!socket.destroyed) fn();
        }, ms);
        timers.add(timer);
        this.timers.add(timer);
      },
      flood: (chunk, total = Infinity) => {
        let left = total;
        const pump = (): void => {
          while (!socket.destroyed && open) {
            if (left <= 0) {
              socket.end();
              return;
            }
            const part = left < chunk.length ? chunk.subarray(0, left) : chunk;
            left -= part.length;
            this.bytesWritten += part.length;
            if (!socket.write(part)) return;
          }
        };
        socket.on('drain', pump);
        pump();
      },
      next: () => {
        busy = false;
        // Whatever the client sent meanwhile.
        setImmediate(parse);
      },
      get closed() {
        return !open || socket.destroyed;
      },
    };
    const parse = (): void => {
      while (!busy && !socket.destroyed) {
        const end = buffered.indexOf(HEAD_END);
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const [requestLine = '', ...lines] = head.split('\r\n');
        const [method = '', path = ''] = requestLine.split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        let body: Buffer;
        let rest: Buffer;
        const start = end + HEAD_END.length;
        if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
          const chunks: Buffer[] = [];
          let at = start;
          for (;;) {
            const lineEnd = buffered.indexOf('\r\n', at);
            if (lineEnd < 0) return;
            const size = parseInt(buffered.subarray(at, lineEnd).toString('latin1'), 16);
            if (buffered.length < lineEnd + 2 + size + 2) return;
            chunks.push(buffered.subarray(lineEnd + 2, lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
            if (size === 0) break;
          }
          body = Buffer.concat(chunks);
          rest = buffered.subarray(at);
        } else {
          const length = Number(headers['content-length'] ?? 0);
          if (buffered.length < start + length) return;
          body = buffered.subarray(start, start + length);
          rest = buffered.subarray(start + length);
        }
        buffered = Buffer.from(rest);
        const request: RawRequest = { method, path, headers, body: Buffer.from(body) };
        this.received.push(request);
        this.check();
        busy = true;
        this.route(request.path)(request, wire);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      parse();
    });
  }

  private route(path: string): Route {
    const bare = path.split('?')[0] ?? '';
    const exact = this.routes[bare];
    if (exact !== undefined) return exact;
    for (const [pattern, route] of Object.entries(this.routes)) {
      if (pattern.endsWith('*') && bare.startsWith(pattern.slice(0, -1))) return route;
    }
    return answer(response(404, { 'Content-Type': 'text/plain' }, 'Not Found\n'));
  }
}

function waitUntil(waiters: Set<{ ready: () => boolean; resolve: () => void }>, ready: () => boolean, message: () => string, timeoutMs: number): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const waiter = {
      ready,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`hostile server: ${message()} after ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.add(waiter);
  });
}
