import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom, mergeMap, range, toArray, using } from 'rxjs';
import { CancelledError, SessionClosedError, TimeoutError, createSession } from '../../lib/http';
import { Semaphore } from '../../lib/semaphore';
import { failure, outcome, TRANSPORTS, useHttpbin } from './helpers';

describe.each(TRANSPORTS)('createSession lifecycle on %s', (_transport, makeTransport) => {
  const t = useHttpbin(makeTransport);

  describe('unsubscribing', () => {
    it.each(['/hang', '/slow-body/5', '/delay/5'])('aborts %s in flight: the server sees the connection close', async (path) => {
      const subscription = t
        .session()
        .get(path)
        .subscribe({ error: () => undefined });
      await t.httpbin.waitForRequests(1);
      expect(t.httpbin.openConnections).toBe(1);
      subscription.unsubscribe();
      await t.httpbin.waitForOpenConnections(0);
      expect(t.httpbin.pendingTimers).toBe(0);
    });

    it('leaves a socket whose response has arrived in the pool for the next request', async () => {
      const session = t.session();
      for (let i = 0; i < 5; i++) await firstValueFrom(session.get('/get'));
      expect(t.httpbin.connections).toBe(1);
      expect(t.httpbin.openConnections).toBe(1);
    });
  });

  describe('timeout', () => {
    it('fails a request that gets no answer with TimeoutError, and aborts it', async () => {
      const err = await failure(t.session({ timeout: 100 }).get('/hang'));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toBe(`GET ${t.httpbin.url}/hang timed out after 100 ms`);
      expect(err.info.meta).toEqual({ method: 'GET', url: `${t.httpbin.url}/hang`, timeout: 100 });
      await t.httpbin.waitForOpenConnections(0);
    });

    it('cuts a body that trickles in, long before it ends', async () => {
      // The server sends /slow-body/3 in 30 chunks over 3 s; the client gives up at 300 ms.
      const { err, trickling } = await new Promise<{ err: any; trickling: number }>((resolve) => {
        t.session({ timeout: 300 })
          .text('/slow-body/3')
          .subscribe({ error: (err: unknown) => resolve({ err, trickling: t.httpbin.pendingTimers }) });
      });
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toBe(`GET ${t.httpbin.url}/slow-body/3 timed out after 300 ms`);
      // When the error arrived, the server was still sending the body...
      expect(trickling).toBe(1);
      // ...and it sees the connection close, which stops its timers.
      await t.httpbin.waitForOpenConnections(0);
      expect(t.httpbin.pendingTimers).toBe(0);
    });

    it('takes a per-request timeout over the session one', async () => {
      const session = t.session({ timeout: 60_000 });
      const err = await failure(session.get('/hang', { timeout: 50 }));
      expect(err.message).toBe(`GET ${t.httpbin.url}/hang timed out after 50 ms`);
      expect((await firstValueFrom(t.session({ timeout: 50 }).get('/delay/0.2', { timeout: Infinity }))).status).toBe(200);
    });

    it('keeps its deadline across a step of the wall clock: a monotonic clock, as RateLimiter', async () => {
      const realNow = Date.now;
      try {
        const result = failure(t.session({ timeout: 100 }).get('/hang'));
        await t.httpbin.waitForRequests(1);
        // NTP, a resumed VM, a user: the wall clock goes back an hour while the request waits.
        Date.now = () => realNow() - 3_600_000;
        const err = await result;
        expect(err).toBeInstanceOf(TimeoutError);
        expect(err.message).toBe(`GET ${t.httpbin.url}/hang timed out after 100 ms`);
      } finally {
        Date.now = realNow;
      }
      await t.httpbin.waitForOpenConnections(0);
    });

    it.each([
      ['back an hour', -3_600_000, '/hang'],
      ['forward an hour', 3_600_000, '/slow-body/1'],
    ])('keeps readTimeout on the monotonic clock across a step of the wall clock %s', async (_name, step, path) => {
      const realNow = Date.now;
      try {
        // /hang is silent from the start: it must still end at 200 ms. /slow-body/1 sends a
        // chunk every 100 ms: a step forward must not look like 200 ms of silence.
        const result = outcome(t.session({ readTimeout: 200 }).text(path));
        await t.httpbin.waitForRequests(1);
        Date.now = () => realNow() + step;
        const { error, values } = await result;
        if (path === '/hang') {
          expect(error).toBeInstanceOf(TimeoutError);
          expect((error as Error).message).toBe(`GET ${t.httpbin.url}/hang timed out: no data for 200 ms (readTimeout)`);
        } else {
          expect(error).toBeUndefined();
          expect(values).toHaveLength(1);
        }
      } finally {
        Date.now = realNow;
      }
      await t.httpbin.waitForActiveRequests(0);
    });

    it('reads what came during a stall of the process before it calls that silence (readTimeout)', async () => {
      // The server writes its second chunk, then the process stalls (a synchronous task)
      // longer than readTimeout. The chunk came in time; it waits unread, because a turn
      // of the event loop runs its timers before it polls the sockets.
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one,');
        setTimeout(() => {
          res.write('two,');
          // After Node uncorks the write (a tick), the chunk is in the kernel's buffer, not
          // Node's: the client's socket can read it.
          process.nextTick(() => {
            expect(res.socket?.writableLength).toBe(0);
            const until = performance.now() + 700;
            while (performance.now() < until);
            setTimeout(() => res.end('three'), 50);
          });
        }, 100);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const result = await outcome(t.session({ readTimeout: 400 }).text(`http://127.0.0.1:${port}/stall`));
        expect(result.error).toBeUndefined();
        expect(result.values).toEqual(['one,two,three']);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('lets a request that answers in time through, and leaves no timer', async () => {
      expect((await firstValueFrom(t.session({ timeout: 5000 }).get('/delay/0.05'))).status).toBe(200);
    });
  });

  describe('close()', () => {
    it('cancels requests in flight with CancelledError and closes their connections', async () => {
      const session = t.session();
      const hang = outcome(session.get('/hang'));
      const slow = outcome(session.post('/slow-body/5', { a: 1 }));
      await t.httpbin.waitForRequests(2);
      expect(t.httpbin.openConnections).toBe(2);
      await session.close();
      const [a, b] = await Promise.all([hang, slow]);
      expect(a.error).toBeInstanceOf(CancelledError);
      expect((a.error as Error).message).toBe(`GET ${t.httpbin.url}/hang was cancelled: the session was closed`);
      expect((b.error as Error).message).toBe(`POST ${t.httpbin.url}/slow-body/5 was cancelled: the session was closed`);
      await t.httpbin.waitForOpenConnections(0);
    });

    it('closes idle keep-alive connections, and resolves once they are closed', async () => {
      const session = t.session();
      await lastValueFrom(range(0, 3).pipe(mergeMap(() => session.get('/get'))));
      expect(t.httpbin.openConnections).toBe(3);
      await session.close();
      await t.httpbin.waitForOpenConnections(0);
    });

    it('fails requests made after it with SessionClosedError, sending nothing', async () => {
      const session = t.session();
      const request = session.get('/get');
      expect(session.closed).toBe(false);
      await session.close();
      expect(session.closed).toBe(true);
      const err = await failure(request);
      expect(err).toBeInstanceOf(SessionClosedError);
      expect(err.message).toBe(`GET ${t.httpbin.url}/get: the session is closed`);
      expect(err).toMatchObject({ method: 'GET', url: `${t.httpbin.url}/get` });
      expect(await failure(session.json('not a url', { params: { a: 1 } }))).toBeInstanceOf(SessionClosedError);
      expect(t.httpbin.requests).toBe(0);
    });

    it('returns the same promise when called again', async () => {
      const session = t.session();
      expect(session.close()).toBe(session.close());
      await session.close();
    });

    it('is what unsubscribe(), Symbol.dispose and Symbol.asyncDispose do', async () => {
      const a = t.session();
      a.unsubscribe();
      expect(a.closed).toBe(true);
      const b = t.session();
      b[Symbol.dispose]();
      expect(b.closed).toBe(true);
      const c = t.session();
      const hang = outcome(c.get('/hang'));
      await t.httpbin.waitForRequests(1);
      await c[Symbol.asyncDispose]();
      expect((await hang).error).toBeInstanceOf(CancelledError);
      await t.httpbin.waitForOpenConnections(0);
    });

    it('works with await using', async () => {
      let escaped: ReturnType<typeof createSession> | undefined;
      {
        await using session = createSession(t.options());
        escaped = session;
        expect((await firstValueFrom(session.get('/get'))).status).toBe(200);
      }
      expect(escaped.closed).toBe(true);
      await t.httpbin.waitForOpenConnections(0);
    });
  });

  describe('rxjs using()', () => {
    it('closes the session when the scoped Observable completes', async () => {
      let scoped: ReturnType<typeof createSession> | undefined;
      const statuses = await lastValueFrom(
        using(
          () => (scoped = createSession(t.options())),
          (session) =>
            range(0, 3).pipe(
              mergeMap(() => (session as ReturnType<typeof createSession>).status('/get')),
              toArray(),
            ),
        ),
      );
      expect(statuses).toEqual([200, 200, 200]);
      expect(scoped?.closed).toBe(true);
      await t.httpbin.waitForOpenConnections(0);
    });

    it('closes the session and aborts its requests when unsubscribed', async () => {
      let scoped: ReturnType<typeof createSession> | undefined;
      const subscription = using(
        () => (scoped = createSession(t.options())),
        (session) => (session as ReturnType<typeof createSession>).get('/hang'),
      ).subscribe({ error: () => undefined });
      await t.httpbin.waitForRequests(1);
      subscription.unsubscribe();
      expect(scoped?.closed).toBe(true);
      await t.httpbin.waitForOpenConnections(0);
    });
  });

  describe('connection pool', () => {
    it('keeps at most maxSockets connections open, reusing them for 20 concurrent requests', async () => {
      const session = t.session({ maxSockets: 3 });
      const statuses = await lastValueFrom(
        range(0, 20).pipe(
          mergeMap(() => session.status('/delay/0.02')),
          toArray(),
        ),
      );
      expect(statuses).toEqual(Array(20).fill(200));
      expect(t.httpbin.requests).toBe(20);
      expect(t.httpbin.maxOpenConnections).toBe(3);
      expect(t.httpbin.connections).toBe(3);
      expect(t.httpbin.maxActiveRequests).toBe(3);
    });

    it('opens no connection for requests unsubscribed while they waited for a socket', async () => {
      const session = t.session({ maxSockets: 2 });
      const hangs = range(0, 20)
        .pipe(mergeMap(() => session.get('/hang')))
        .subscribe({ error: () => undefined });
      await t.httpbin.waitForRequests(2);
      hangs.unsubscribe();
      await t.httpbin.waitForOpenConnections(0);
      // A request that is still waiting when the session is used again would show up here.
      expect((await firstValueFrom(session.get('/get'))).status).toBe(200);
      expect(t.httpbin.requests).toBe(3);
      expect(t.httpbin.connections).toBe(3);
    });

    it('opens up to 100 connections by default, queueing the other requests', async () => {
      const session = t.session();
      const hangs = range(0, 120)
        .pipe(mergeMap(() => session.get('/hang')))
        .subscribe({ error: () => undefined });
      await t.httpbin.waitForRequests(100);
      expect(t.httpbin.openConnections).toBe(100);
      await session.close();
      hangs.unsubscribe();
      await t.httpbin.waitForOpenConnections(0);
      expect(t.httpbin.requests).toBe(100);
      expect(t.httpbin.maxOpenConnections).toBe(100);
    });
  });

  describe('semaphore', () => {
    it('caps requests in flight across two sessions that share it', async () => {
      const semaphore = new Semaphore(2);
      const a = t.session({ semaphore });
      const b = t.session({ semaphore, maxSockets: 10 });
      const both = range(0, 12).pipe(
        mergeMap((i) => (i % 2 ? a : b).status('/delay/0.02')),
        toArray(),
      );
      expect(await lastValueFrom(both)).toEqual(Array(12).fill(200));
      expect(t.httpbin.requests).toBe(12);
      expect(t.httpbin.maxActiveRequests).toBe(2);
      expect(semaphore.available).toBe(2);
    });

    it('gives the permit back when a request is aborted', async () => {
      const semaphore = new Semaphore(1);
      const session = t.session({ semaphore });
      const hang = session.get('/hang').subscribe({ error: () => undefined });
      const queued = outcome(session.get('/get'));
      await t.httpbin.waitForRequests(1);
      expect(semaphore.waiting).toBe(1);
      hang.unsubscribe();
      expect((await queued).values[0]?.status).toBe(200);
      expect(semaphore.available).toBe(1);
    });

    it('cancels requests still queued for a permit on close()', async () => {
      const semaphore = new Semaphore(1);
      const session = t.session({ semaphore });
      const running = outcome(session.get('/hang'));
      const queued = outcome(session.get('/get'));
      await t.httpbin.waitForRequests(1);
      await session.close();
      expect((await running).error).toBeInstanceOf(CancelledError);
      expect((await queued).error).toBeInstanceOf(CancelledError);
      expect(semaphore.available).toBe(1);
      expect(semaphore.waiting).toBe(0);
      expect(t.httpbin.requests).toBe(1);
    });
  });
});
