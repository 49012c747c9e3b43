import { getEventListeners } from 'node:events';
import { lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { CancelledError } from '../../lib';
import { axiosTransport } from '../../lib/http';
import type { PoolTransport, Transport } from '../../lib/http';
import { Semaphore } from '../../lib/semaphore';
import { TRANSPORTS, outcome, useHostile } from './helpers';
import { answer, response } from './server';
import type { Hostile } from './server';

/**
 * Issue 13, items 10 and 11: `close()` started each request queued on the session's
 * semaphore (undici transport: one connection each); `close()` called inside a response's
 * `next` turned that delivered response into a value followed by CancelledError; more than
 * 10 requests sharing one `AbortSignal` printed a false MaxListenersExceededWarning.
 */

describe.each(TRANSPORTS)('closing and cancelling on %s', (_name, make) => {
  const h = useHostile(make);
  let server: Hostile;

  beforeEach(async () => {
    server = await h.server({ '/hang': () => undefined, '/ok': answer(response(200, {}, 'ok')) });
  });

  it('fails requests queued on the semaphore with CancelledError on close(), starting none', async () => {
    const semaphore = new Semaphore(1);
    // The transport, wrapped to see every request it is asked to start.
    const pool = make?.(undefined) ?? axiosTransport();
    const started: string[] = [];
    const transport: Transport = (request) => {
      started.push(request.url);
      return pool(request);
    };
    const session = h.session({ semaphore, transport });
    const running = outcome(session.get(`${server.url}/hang`));
    const queued = Array.from({ length: 5 }, () => outcome(session.get(`${server.url}/ok`)));
    await server.waitForRequests(1);
    await session.close();
    for (const end of [await running, ...(await Promise.all(queued))]) {
      expect(end.error).toBeInstanceOf(CancelledError);
      expect((end.error as Error).message).toMatch(/was cancelled: the session was closed$/);
    }
    expect(started).toEqual([`${server.url}/hang`]);
    expect(semaphore.available).toBe(1);
    await (pool as PoolTransport).close();
    await server.waitForOpenConnections(0);
    expect(server.connections).toBe(1);
  });

  it('leaves a response delivered when close() is called from its next: no CancelledError after it', async () => {
    const session = h.session();
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      session.get(`${server.url}/ok`).subscribe({
        next: (res) => {
          events.push(`next ${res.status}`);
          void session.close();
        },
        error: (err: unknown) => {
          events.push(`error ${(err as Error).name}`);
          resolve();
        },
        complete: () => {
          events.push('complete');
          resolve();
        },
      });
    });
    expect(events).toEqual(['next 200', 'complete']);
    expect(session.closed).toBe(true);
  });

  it('gives 20 requests sharing one AbortSignal one listener on it, and no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const session = h.session({ maxSockets: 50 });
      const done = await lastValueFrom(
        range(0, 20).pipe(
          mergeMap(() => session.status(`${server.url}/ok`, { signal: controller.signal })),
          toArray(),
        ),
      );
      expect(done).toEqual(Array(20).fill(200));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      const hangs = await h.server({ '/*': () => undefined });
      const hanging = Array.from({ length: 20 }, () => outcome(session.get(`${hangs.url}/hang`, { signal: controller.signal })));
      await hangs.waitForRequests(20);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      for (const end of await Promise.all(hanging)) expect(end.error).toBeInstanceOf(CancelledError);
      await hangs.waitForOpenConnections(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
