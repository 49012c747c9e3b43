import { NEVER, catchError, firstValueFrom, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TimeoutError, createSession } from '../../lib/http';
import { fakeTransport } from '../../lib/testing';
import { TRANSPORTS, failure, useHostile } from './helpers';
import type { Route } from './server';

/**
 * Issue 13, item 7: no default deadline (`timeout` defaulted to `Infinity`, and the undici
 * transport turns off undici's own timeouts), so a header trickle hung forever. `timeout`
 * defaults to 300 s (aiohttp's total), and `readTimeout` bounds each silence: before the
 * headers, before the first chunk, between two chunks.
 */

/** The status line and headers one byte at a time, every `ms`, forever. */
const headerTrickle =
  (ms: number): Route =>
  (_req, wire) => {
    const head = `HTTP/1.1 200 OK\r\n${'X-Slow: 1\r\n'.repeat(1000)}`;
    const send = (i: number): void => {
      wire.write(head[i % head.length]!);
      wire.later(ms, () => send(i + 1));
    };
    send(0);
  };

/** Headers, then `chunks` chunks `ms` apart, then (unless `hang`) the end. */
const bodyTrickle =
  (chunks: number, ms: number, hang = false): Route =>
  (_req, wire) => {
    wire.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    const send = (i: number): void => {
      if (i === chunks) {
        if (!hang) {
          wire.write('0\r\n\r\n');
          wire.next();
        }
        return;
      }
      wire.write(`2\r\n${String(i % 10)}\n\r\n`);
      wire.later(ms, () => send(i + 1));
    };
    send(0);
  };

const silent: Route = () => undefined;

describe('the default timeout', () => {
  it('is 300 s: a request that never answers fails at 300,000 ms of virtual time', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const session = createSession({ transport: fakeTransport(() => NEVER) });
      const failed = session.get('http://127.0.0.1/x').pipe(
        map(() => 'answered'),
        catchError((err: unknown) => of(err instanceof TimeoutError ? (err as Error).message : 'other')),
      );
      expectObservable(failed).toBe('300000ms (m|)', { m: 'GET http://127.0.0.1/x timed out after 300000 ms' });
    });
  });
});

describe.each(TRANSPORTS)('deadlines on %s', (_name, make) => {
  const h = useHostile(make);

  it('cuts a header trickle at the timeout, and closes the socket', async () => {
    const server = await h.server({ '/trickle': headerTrickle(20) });
    const err = await failure(h.session({ timeout: 400 }).get(`${server.url}/trickle`));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(`GET ${server.url}/trickle timed out after 400 ms`);
    await server.waitForOpenConnections(0);
  });

  it.each([
    ['waiting for the headers', silent],
    ['waiting for the first chunk', bodyTrickle(0, 0, true)],
    ['between two chunks', bodyTrickle(3, 10, true)],
  ])('fails with TimeoutError after readTimeout of silence %s, and closes the socket', async (_when, route) => {
    const server = await h.server({ '/quiet': route });
    const err = await failure(h.session({ readTimeout: 200 }).get(`${server.url}/quiet`));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(`GET ${server.url}/quiet timed out: no data for 200 ms (readTimeout)`);
    expect(err.info.meta).toEqual({ method: 'GET', url: `${server.url}/quiet`, readTimeout: 200 });
    await server.waitForOpenConnections(0);
  });

  it('lets a body through whose chunks come more often than readTimeout, however long it takes in all', async () => {
    const server = await h.server({ '/steady': bodyTrickle(12, 50) });
    const text = await firstValueFrom(h.session({ readTimeout: 5000 }).text(`${server.url}/steady`));
    expect(text).toBe('0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n1\n');
  });

  it("takes a request's readTimeout over the session's", async () => {
    const server = await h.server({ '/quiet': silent });
    const err = await failure(h.session({ readTimeout: 60_000 }).get(`${server.url}/quiet`, { readTimeout: 100 }));
    expect(err.message).toBe(`GET ${server.url}/quiet timed out: no data for 100 ms (readTimeout)`);
    await server.waitForOpenConnections(0);
  });
});
