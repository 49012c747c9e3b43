import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import { createSession, undiciTransport } from '../../lib/http';
import type { ClientSession, SessionOptions, Transport } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { ResourceTracker } from '../testing/resources';

/** How an Observable ended: its values, and its error or completion. */
/** A port on 127.0.0.1 that nothing listens on: one the system just gave out and took back. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Outcome<T> {
  readonly values: T[];
  readonly error?: unknown;
  readonly completed: boolean;
}

/** Subscribes and resolves with everything the Observable did, once it ends. */
export function outcome<T>(source: Observable<T>): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const values: T[] = [];
    source.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, completed: true }),
    });
  });
}

/** Resolves with the error the Observable fails with; rejects if it completes instead. */
export async function failure(source: Observable<unknown>): Promise<any> {
  const result = await outcome(source);
  if (result.completed) throw new Error(`expected an error, got completion after ${JSON.stringify(result.values).slice(0, 200)}`);
  return result.error;
}

/** Makes the transport of a session with the given `maxSockets`; `undefined`: the session's own (axios). */
export type MakeTransport = ((maxSockets: number | undefined) => Transport) | undefined;

/**
 * The transports every session spec runs against, for `describe.each`: what is proven
 * for the default axios transport is proven for the fast one.
 */
export const TRANSPORTS: [string, MakeTransport][] = [
  ['axios', undefined],
  ['undici', (maxSockets) => undiciTransport({ maxSockets })],
];

/**
 * Per test: a fresh httpbin, sessions made through `session()` closed afterwards, and
 * a check that no timer, socket or server of the test is left alive. Sessions use the
 * transport `makeTransport` makes (default: their own axios transport).
 */
export function useHttpbin(makeTransport?: MakeTransport): {
  readonly httpbin: Httpbin;
  session(options?: SessionOptions): ClientSession;
  options(options?: SessionOptions): SessionOptions;
} {
  const resources = new ResourceTracker();
  const sessions: ClientSession[] = [];
  let current: Httpbin | undefined;

  beforeEach(async () => {
    resources.start();
    current = await startHttpbin();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await current?.close();
    current = undefined;
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  return {
    get httpbin(): Httpbin {
      if (current === undefined) throw new Error('httpbin is only running inside a test');
      return current;
    },
    session(options?: SessionOptions): ClientSession {
      const session = createSession(this.options(options));
      sessions.push(session);
      return session;
    },
    /** The options of a session on httpbin and the transport: for tests that make and close sessions themselves. */
    options(options?: SessionOptions): SessionOptions {
      const transport = options?.transport ?? makeTransport?.(options?.maxSockets);
      return { baseURL: current?.url, ...options, ...(transport === undefined ? {} : { transport }) };
    },
  };
}
