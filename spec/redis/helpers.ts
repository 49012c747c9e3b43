/** Small helpers of the Redis specs. */
import { createHook } from 'node:async_hooks';
import * as net from 'node:net';

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A Promise and its resolve and reject. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): connecting is refused. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Counts the timers created from now on that are still alive (neither fired nor
 * cleared): `alive()` resolves to how many; `stop()` ends the count. Timers made before, by
 * jest or by other tests, are not counted.
 */
export function trackTimers(): { alive(): Promise<number>; stop(): void } {
  const alive = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') alive.add(id);
    },
    destroy(id) {
      alive.delete(id);
    },
  }).enable();
  return {
    // Node tells of destroyed resources in batches, after the current callback: let it.
    alive: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      return alive.size;
    },
    stop: () => void hook.disable(),
  };
}
