/**
 * One large body read as a stream, chunk by chunk, each chunk counted and dropped: the
 * session's `stream()` on each transport against the raw clients they wrap, in MB/s.
 *
 * The server is a Node process of its own on 127.0.0.1 answering `/zeros/<bytes>` with
 * that many zero bytes, framed by `Content-Length`, written as fast as the socket takes
 * them (one shared 256 KiB buffer, so it allocates nothing per chunk). Every contender
 * reads one small body first (its connection opened, its code warmed), then times one
 * read of `bytes`.
 */
import * as http from 'node:http';
import { createSession, undiciTransport } from '../../lib/http';
import type { ClientSession } from '../../lib/http';
import { projectRoot } from '../lib/root';
import { defineScenario } from '../lib/scenario';
import type { Prepared, ScenarioSetup } from '../lib/scenario';
import { startServerProcess } from '../lib/servers';

interface StreamParams {
  /** The body's size. */
  readonly bytes: number;
  /** The warm-up body's size. */
  readonly warmup: number;
}

/** What every contender's run resolves to: the bytes it counted. */
interface Check {
  readonly bytes: number;
}

const ROOT = projectRoot(__dirname);
const ENV_URL = 'BENCH_STREAM_URL';
const MiB = 1024 * 1024;

/** The URL of a body of `bytes` zeros on the server the setup started. */
function zeros(bytes: number): string {
  const base = process.env[ENV_URL];
  if (!base) throw new Error(`http-stream: ${ENV_URL} is not set: run it through bench/run.ts`);
  return `${base}/zeros/${bytes}`;
}

async function setup(): Promise<ScenarioSetup> {
  const server = await startServerProcess(ROOT, __filename, '--serve-zeros', '/zeros/16', 'the zeros server');
  process.env[ENV_URL] = server.base;
  return {
    note: `Server: a Node ${process.version} process of its own on 127.0.0.1 writing zeros from one 256 KiB buffer as fast as the socket takes them.`,
    teardown: server.stop,
  };
}

/** A contender: `read(url)` reads one body and resolves to the bytes counted; a small body first. */
function contender(make: () => Promise<{ read(url: string): Promise<number>; close(): Promise<void> | void }>) {
  return async (params: StreamParams): Promise<Prepared> => {
    const client = await make();
    const warmed = await client.read(zeros(params.warmup));
    if (warmed !== params.warmup) throw new Error(`http-stream: the warm-up read ${warmed} bytes, not ${params.warmup}`);
    return { run: async (): Promise<Check> => ({ bytes: await client.read(zeros(params.bytes)) }), teardown: () => client.close() };
  };
}

/** The session's stream, counted. */
function sessionStream(session: ClientSession) {
  return {
    read: (url: string) =>
      new Promise<number>((resolve, reject) => {
        let bytes = 0;
        session.stream(url).subscribe({ next: (chunk) => (bytes += chunk.length), error: reject, complete: () => resolve(bytes) });
      }),
    close: () => session.close(),
  };
}

/** A Node Readable's `data` events, counted. */
function countData(body: NodeJS.ReadableStream): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let bytes = 0;
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    body.on('end', () => resolve(bytes));
    body.on('error', reject);
  });
}

/** undici's `Pool.request()` (one pool, made by the first read), its body read by `count`. */
async function undiciBody(count: (body: NodeJS.ReadableStream & AsyncIterable<unknown>) => Promise<number>) {
  const { Pool } = await import('undici');
  let pool: InstanceType<typeof Pool> | undefined;
  return {
    read: async (url: string) => {
      const { origin, pathname } = new URL(url);
      pool ??= new Pool(origin);
      const res = await pool.request({ path: pathname, method: 'GET' });
      return count(res.body);
    },
    close: () => pool?.destroy(),
  };
}

export default defineScenario<StreamParams>({
  title: 'one 1 GiB body streamed chunk by chunk on 127.0.0.1 (MB per second)',
  description:
    'Each contender GETs one body of zeros and counts its chunks as they come, keeping none: the session with `session.stream(url)` on each transport, ' +
    "the raw clients reading their own stream (`data` events, or `for await` as undici's README reads a body). One socket, so one core reads while the other writes: " +
    "read ratios within one table. A contender's times swing up to 2× from run to run (measured 0.30 to 0.76 s for the same raw undici read): " +
    "when V8 collects the chunks late the allocator maps fresh pages, and the kernel's time to fault them in dominates; the medians of fresh processes smooth that. Target: the session on undici at least 0.9× the throughput of undici's raw body stream (`Pool.request()`, `data` events).",
  params: { full: { bytes: 1024 * MiB, warmup: 16 * MiB }, quick: { bytes: 256 * MiB, warmup: 16 * MiB } },
  expected: ({ bytes }) => ({ bytes }),
  budgetMs: { full: 30_000, quick: 15_000 },
  setup,
  throughput: { unit: 'MB/s', count: ({ bytes }) => bytes / 1e6 },
  ratioTargets: [{ contender: 'session+undici', over: 'raw undici body', atLeast: 0.9 }],
  contenders: [
    {
      name: 'raw undici body',
      reference: true,
      note: "undici 7 alone: `Pool(origin).request({ path, method: 'GET' })`, its `body` (a Readable) counted on `data` events",
      prepare: contender(() => undiciBody(countData)),
    },
    {
      name: 'raw undici for await',
      note: 'the same, the body read with `for await (const chunk of body)`',
      prepare: contender(() =>
        undiciBody(async (body) => {
          let bytes = 0;
          for await (const chunk of body) bytes += (chunk as Buffer).length;
          return bytes;
        }),
      ),
    },
    {
      name: 'session+undici',
      note: 'rxjs-asyncio: `createSession({ transport: undiciTransport() })`, `session.stream(url)`',
      prepare: contender(async () => sessionStream(createSession({ transport: undiciTransport() }))),
    },
    {
      name: 'session+axios',
      note: 'rxjs-asyncio: `createSession()` (its axios transport), `session.stream(url)`',
      prepare: contender(async () => sessionStream(createSession())),
    },
    {
      name: 'raw axios',
      note: "axios alone: `axios.get(url, { responseType: 'stream' })` on a keep-alive agent, `data` events",
      prepare: contender(async () => {
        const { default: axios } = await import('axios');
        const agent = new http.Agent({ keepAlive: true });
        const client = axios.create({ httpAgent: agent, maxRedirects: 0, proxy: false, responseType: 'stream', decompress: false });
        return {
          read: async (url) => countData((await client.get<NodeJS.ReadableStream>(url)).data),
          close: () => agent.destroy(),
        };
      }),
    },
    {
      name: 'raw node:http',
      note: '`node:http` alone: `http.get` on a keep-alive agent, `data` events',
      prepare: contender(async () => {
        const agent = new http.Agent({ keepAlive: true });
        return {
          read: (url) =>
            new Promise<number>((resolve, reject) => {
              http.get(url, { agent }, (res) => void countData(res).then(resolve, reject)).on('error', reject);
            }),
          close: () => agent.destroy(),
        };
      }),
    },
  ],
});

// `node --import tsx bench/scenarios/http-stream.ts --serve-zeros`: the server.
if (process.argv.includes('--serve-zeros')) {
  const chunk = Buffer.alloc(256 * 1024);
  const server = http.createServer((req, res) => {
    const bytes = Number(/^\/zeros\/(\d+)$/.exec(req.url ?? '')?.[1]);
    if (!Number.isSafeInteger(bytes)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes });
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    console.log(`http://127.0.0.1:${port}`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
