import { createSession } from '../../lib/http';
import type { ClientSession, SessionOptions } from '../../lib/http';
import type { MakeTransport } from '../http/helpers';
import { ResourceTracker } from '../testing/resources';
import { startHostile } from './server';
import type { Census, Hostile, Route } from './server';

export { TRANSPORTS, failure, outcome } from '../http/helpers';

/**
 * Per test: hostile servers started through `server()`, sessions made through
 * `session()` on the transport `makeTransport` makes (the session's own axios transport
 * for `undefined`), all closed afterwards, and a check that no timer, socket or server
 * of the test is left alive.
 */
export function useHostile(makeTransport: MakeTransport): {
  server(routes: Record<string, Route>, census?: Census): Promise<Hostile>;
  session(options?: SessionOptions): ClientSession;
} {
  const resources = new ResourceTracker();
  const servers: Hostile[] = [];
  const sessions: ClientSession[] = [];

  beforeEach(() => {
    resources.start();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  return {
    async server(routes, census) {
      const server = await startHostile(routes, census);
      servers.push(server);
      return server;
    },
    session(options) {
      const transport = options?.transport ?? makeTransport?.(options?.maxSockets);
      const session = createSession({ ...options, ...(transport === undefined ? {} : { transport }) });
      sessions.push(session);
      return session;
    },
  };
}
