import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { NetworkError, createSession, undiciTransport } from '../../lib/http';
import type { ClientSession, HttpResponse, SessionOptions } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { rows } from './expectations';
import type { HeaderFact, ParityRow } from './expectations';

/**
 * The table of `expectations.ts`, row by row, through the session on both transports:
 * against the embedded httpbin always, and against a real httpbin too when
 * `HTTPBIN_URL` names one (`.ci/run` starts Debian's under gunicorn on 127.0.0.1; the
 * rows expect a client on 127.0.0.1, as `origin` shows).
 *
 *   HTTPBIN_URL=http://127.0.0.1:8080 npx jest spec/parity
 */
interface Server {
  readonly name: string;
  /** Resolves to the base URL; `stop` ends what `start` began. */
  readonly start: () => Promise<string>;
  readonly stop: () => Promise<void>;
  /** The embedded one, once started, to check that nothing was left open. */
  readonly httpbin?: () => Httpbin | undefined;
}

function embedded(): Server {
  let httpbin: Httpbin | undefined;
  return {
    name: 'the embedded httpbin',
    start: async () => {
      httpbin = await startHttpbin();
      return httpbin.url;
    },
    stop: async () => httpbin?.close(),
    httpbin: () => httpbin,
  };
}

function real(url: string): Server {
  return { name: `the real httpbin at ${url}`, start: () => Promise.resolve(url.replace(/\/+$/, '')), stop: () => Promise.resolve() };
}

const realUrl = process.env.HTTPBIN_URL;
const servers: Server[] = [embedded(), ...(realUrl === undefined || realUrl === '' ? [] : [real(realUrl)])];

const transports: { name: string; options: () => SessionOptions }[] = [
  { name: 'axios', options: () => ({}) },
  { name: 'undici', options: () => ({ transport: undiciTransport() }) },
];

function checkHeader(name: string, actual: string | undefined, fact: HeaderFact, base: string): void {
  const expected = typeof fact === 'function' ? fact(base) : fact;
  if (actual === undefined) throw new Error(`expected a ${name} header, got none`);
  if (expected instanceof RegExp) expect({ [name]: actual }).toEqual({ [name]: expect.stringMatching(expected) });
  // A set of methods: the real httpbin (Flask) lists them in an order that changes from one run to the next.
  else if (name === 'allow') expect({ [name]: methods(actual) }).toEqual({ [name]: methods(expected) });
  else expect({ [name]: actual }).toEqual({ [name]: expected });
}

function methods(allow: string): string[] {
  return allow
    .split(',')
    .map((method) => method.trim())
    .sort();
}

function send(session: ClientSession, row: ParityRow): Promise<HttpResponse> {
  return firstValueFrom(
    session.request({
      url: row.url,
      method: row.method ?? 'GET',
      ...(row.responseType === undefined ? {} : { responseType: row.responseType }),
      ...(row.maxRedirects === undefined ? {} : { maxRedirects: row.maxRedirects }),
      ...(row.headers === undefined ? {} : { headers: row.headers }),
      ...(row.data === undefined ? {} : { data: row.data }),
      ...(row.auth === undefined ? {} : { auth: row.auth }),
    }),
  );
}

describe.each(servers)('httpbin parity: $name', (server) => {
  let base: string;
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  describe.each(transports)('through the session on $name', (transport) => {
    let session: ClientSession;
    beforeAll(() => {
      session = createSession({ baseURL: base, ...transport.options() });
    });
    afterAll(async () => {
      await session.close();
      const httpbin = server.httpbin?.();
      if (httpbin !== undefined) {
        await httpbin.waitForOpenConnections(0);
        expect(httpbin.activeRequests).toBe(0);
      }
    });

    it.each(rows)('$name', async (row) => {
      // A row that uses the cookie jar gets a session (and so a jar) of its own.
      const own = row.session !== undefined || row.before !== undefined ? createSession({ baseURL: base, ...transport.options(), ...row.session }) : undefined;
      try {
        for (const url of row.before ?? []) await lastValueFrom(own!.get(url));
        await check(own ?? session, row, base);
      } finally {
        await own?.close();
      }
    });
  });
});

/** Sends a row's request and checks its answer (or its failure). */
async function check(session: ClientSession, row: ParityRow, base: string): Promise<void> {
  if (row.fails !== undefined) {
    const err = await send(session, row).then(
      (res) => new Error(`expected a failure, got a ${res.status}`),
      (error: unknown) => error,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).cause).toMatchObject({ code: row.fails });
    return;
  }
  if (row.read !== undefined) {
    const config = { headers: row.headers, raiseForStatus: true };
    const source: Observable<unknown> = row.read === 'lines' ? session.lines(row.url, config) : session.stream(row.url, config);
    const values = await lastValueFrom(source.pipe(toArray()));
    row.body?.(values, base);
    return;
  }
  const res = await send(session, row);
  expect({ status: res.status }).toEqual({ status: row.status });
  for (const [name, fact] of Object.entries(row.responseHeaders ?? {})) checkHeader(name, res.headers[name], fact, base);
  if (row.finalUrl !== undefined) expect(res.url).toBe(`${base}${row.finalUrl}`);
  row.body?.(res.data, base);
}

describe('httpbin parity: the table', () => {
  it('names every row once', () => {
    const names = rows.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every row a status or a failure, not both', () => {
    expect(rows.filter((row) => (row.status === undefined) === (row.fails === undefined)).map((row) => row.name)).toEqual([]);
  });
});
