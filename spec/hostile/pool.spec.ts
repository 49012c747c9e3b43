import { firstValueFrom, lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { TRANSPORTS, useHostile } from './helpers';
import { Census, echo } from './server';
import type { Hostile } from './server';

/**
 * Issue 13, item 5: the undici pool kept every idle socket: a crawl of 1,100 origins with
 * `maxSockets: 10` kept 1,100 sockets open, and requests failed with EMFILE. `maxSockets`
 * bounds every socket a transport keeps open, idle ones of other origins included; the
 * least recently used idle socket is closed first. Origins here are ports of 127.0.0.1,
 * each its own server, all counted by one census.
 */

const ORIGINS = 24;

describe.each(TRANSPORTS)('the connection pool on %s', (_name, make) => {
  const h = useHostile(make);
  let census: Census;
  let servers: Hostile[];

  beforeEach(async () => {
    census = new Census();
    servers = await Promise.all(Array.from({ length: ORIGINS }, () => h.server({ '/*': echo }, census)));
  });

  it(`keeps at most maxSockets sockets open across ${ORIGINS} origins, crawled one after another`, async () => {
    const session = h.session({ maxSockets: 3 });
    for (const server of servers) expect((await firstValueFrom(session.get(`${server.url}/page`))).status).toBe(200);
    expect(census.maxOpen).toBeLessThanOrEqual(3);
    expect(census.open).toBeLessThanOrEqual(3);
    // One connection per origin: every idle socket of another origin was closed, none reused wrongly.
    expect(servers.map((s) => s.connections)).toEqual(Array(ORIGINS).fill(1));
  });

  it(`keeps at most maxSockets sockets open across ${ORIGINS} origins crawled 4 at a time`, async () => {
    const session = h.session({ maxSockets: 4 });
    const statuses = await lastValueFrom(
      range(0, ORIGINS * 3).pipe(
        mergeMap((i) => session.status(`${servers[i % ORIGINS]!.url}/page/${i}`), 4),
        toArray(),
      ),
    );
    expect(statuses).toEqual(Array(ORIGINS * 3).fill(200));
    expect(census.maxOpen).toBeLessThanOrEqual(4);
  });

  it('closes the least recently used idle socket first', async () => {
    const [a, b, c, d] = servers as [Hostile, Hostile, Hostile, Hostile];
    const session = h.session({ maxSockets: 3 });
    for (const server of [a, b, c, a]) await firstValueFrom(session.get(`${server.url}/x`));
    // Idle now, least recently used first: b, c, a. A fourth origin takes b's socket.
    await firstValueFrom(session.get(`${d.url}/x`));
    await b.waitForOpenConnections(0);
    expect([a.openConnections, c.openConnections, d.openConnections]).toEqual([1, 1, 1]);
    // And the next one c's.
    await firstValueFrom(session.get(`${b.url}/y`));
    await c.waitForOpenConnections(0);
    expect([a.openConnections, b.openConnections, d.openConnections]).toEqual([1, 1, 1]);
    expect(a.connections).toBe(1);
  });

  it('gives back the slot of a request dropped while a socket of another origin closes for it', async () => {
    const [a, b] = servers as [Hostile, Hostile];
    const session = h.session({ maxSockets: 1, timeout: 5000 });
    await firstValueFrom(session.get(`${a.url}/x`));
    // Closes a's idle socket for b, and is dropped before that socket has closed.
    session
      .get(`${b.url}/dropped`)
      .subscribe({ error: () => undefined })
      .unsubscribe();
    expect((await firstValueFrom(session.get(`${b.url}/next`))).status).toBe(200);
    await a.waitForOpenConnections(0);
    expect(b.received.map((r) => r.path)).not.toContain('/dropped');
  });

  it('reuses the idle socket of the same origin without closing any', async () => {
    const [a, b] = servers as [Hostile, Hostile];
    const session = h.session({ maxSockets: 2 });
    for (let i = 0; i < 5; i++) {
      await firstValueFrom(session.get(`${a.url}/x`));
      await firstValueFrom(session.get(`${b.url}/x`));
    }
    expect([a.connections, b.connections]).toEqual([1, 1]);
    expect(census.open).toBe(2);
  });
});
