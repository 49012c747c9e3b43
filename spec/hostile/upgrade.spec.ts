import { firstValueFrom, lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { NetworkError } from '../../lib/http';
import { TRANSPORTS, failure, outcome, useHostile } from './helpers';
import { answer, response } from './server';
import type { Route } from './server';

/**
 * Issue 13, item 6: an unsolicited `101` hung an axios-transport request forever and kept
 * its slot, so `maxSockets` such answers wedged the session. A `101` the request did not
 * ask for (it never sends `Upgrade`) fails with NetworkError, and its socket is closed.
 */

const switching =
  (headers: string): Route =>
  (_req, wire) => {
    wire.write(`HTTP/1.1 101 Switching Protocols\r\n${headers}\r\n`);
    // What a WebSocket server would send next: never an HTTP response.
    wire.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
  };

describe.each(TRANSPORTS)('an unrequested 101 on %s', (_name, make) => {
  const h = useHostile(make);

  it.each([
    ['with Upgrade headers', 'Connection: Upgrade\r\nUpgrade: websocket\r\n'],
    ['bare', ''],
  ])('fails with NetworkError (%s), its socket closed', async (_kind, headers) => {
    const server = await h.server({ '/ws': switching(headers) });
    const err = await failure(h.session({ timeout: 20_000 }).get(`${server.url}/ws`));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.cause.code).toBe('ERR_UNEXPECTED_UPGRADE');
    expect(err.message).toBe(`GET ${server.url}/ws failed: the server switched protocols (101) without being asked to (ERR_UNEXPECTED_UPGRADE)`);
    await server.waitForOpenConnections(0);
  });

  it('frees the slot of each: more such answers than maxSockets do not wedge the session', async () => {
    const server = await h.server({ '/ws': switching('Connection: Upgrade\r\nUpgrade: h2c\r\n'), '/ok': answer(response(200, {}, 'ok')) });
    const session = h.session({ maxSockets: 2, timeout: 20_000 });
    const ends = await lastValueFrom(
      range(0, 6).pipe(
        mergeMap(() => outcome(session.get(`${server.url}/ws`))),
        toArray(),
      ),
    );
    expect(ends.map((end) => (end.error as { cause?: { code?: string } }).cause?.code)).toEqual(Array(6).fill('ERR_UNEXPECTED_UPGRADE'));
    expect(await firstValueFrom(session.text(`${server.url}/ok`))).toBe('ok');
    // Every socket of a 101 closed: only the one of /ok is left, kept alive.
    await server.waitForOpenConnections(1);
    expect(server.connections).toBe(7);
  });
});
