/**
 * The app's stack on 127.0.0.1, as a deployment would have it: the production build
 * served as static files (unknown paths get index.html, as a single-page app needs),
 * `/api/*` proxied to an httpbin (`startHttpbin({ cors: true })` from
 * rxjs-asyncio/testing), so the app's relative `/api` base is same-origin; the
 * httpbin's own URL is another origin, for pages opened with `?api=`.
 *
 * The proxy counts what it forwards and what the browser abandoned (closed before the
 * answer was complete): the requests that the app cancelled.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { startHttpbin } from 'rxjs-asyncio/testing';
import type { Httpbin } from 'rxjs-asyncio/testing';

/** What the proxy has seen. */
export interface ProxyCounts {
  /** Requests forwarded to the httpbin. */
  proxied: number;
  /** Requests the browser closed before their answer was complete (the upstream request was aborted too). */
  aborted: number;
}

export interface Stack {
  /** The app's origin, e.g. `http://127.0.0.1:41234`. */
  readonly appUrl: string;
  readonly httpbin: Httpbin;
  readonly proxy: Readonly<ProxyCounts>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts the httpbin and the app's server on free ports of 127.0.0.1. */
export async function startStack(root: string): Promise<Stack> {
  const dir = resolve(root);
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`no build in ${dir}: run \`npm run build\` first`);
  const httpbin = await startHttpbin({ cors: true });
  const upstream = new URL(httpbin.url);
  const counts: ProxyCounts = { proxied: 0, aborted: 0 };
  const sockets = new Set<Socket>();

  const proxy = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    counts.proxied++;
    const forwarded = request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path,
      headers: { ...req.headers, host: upstream.host },
    });
    forwarded.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The browser went away before the whole answer: abort the request upstream too.
    res.on('close', () => {
      if (res.writableFinished) return;
      counts.aborted++;
      forwarded.destroy();
    });
    req.pipe(forwarded);
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    const wanted = normalize(join(dir, decodeURIComponent(pathname)));
    const file =
      wanted.startsWith(dir) && existsSync(wanted) && statSync(wanted).isFile()
        ? wanted
        : join(dir, 'index.html');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/'))
      proxy(req, res, `${url.pathname.slice('/api'.length) || '/'}${url.search}`);
    else serveFile(req, res, url.pathname);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;

  return {
    appUrl: `http://127.0.0.1:${port}`,
    httpbin,
    proxy: counts,
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await httpbin.close();
    },
  };
}

// `npm run serve`: the built app and its API, until Ctrl-C.
if (require.main === module) {
  void startStack(process.env['APP_DIST'] ?? 'dist/dashboard/browser').then((stack) => {
    console.log(
      `the dashboard: ${stack.appUrl}/ (API over /api); across origins: ${stack.appUrl}/?api=${encodeURIComponent(stack.httpbin.url)}`,
    );
    process.once('SIGINT', () => void stack.close());
  });
}
