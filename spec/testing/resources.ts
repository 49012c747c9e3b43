import { createHook } from 'node:async_hooks';
import type { AsyncHook } from 'node:async_hooks';

/** async_hooks types that keep the process alive and that a test could leave behind (an Immediate cannot linger). */
const WATCHED = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'GETADDRINFOREQWRAP', 'HTTPCLIENTREQUEST']);

/** Jest creates timers of its own (test timeouts, the status line) while a test runs. */
const JEST_FRAME = /[\\/]node_modules[\\/](jest-[^\\/]+|@jest[\\/][^\\/]+)[\\/]/;

interface Tracked {
  readonly type: string;
  readonly resource: { hasRef?: () => boolean };
  readonly where: string;
}

/**
 * Records the timers, sockets and servers created from `start()` on, and tells
 * which of them are still alive and referenced: a precise form of comparing
 * `process.getActiveResourcesInfo()` before and after, blind to jest's own timers.
 */
export class ResourceTracker {
  // Watched resources created since start() and not yet destroyed, by async id.
  private readonly live = new Map<number, Tracked>();
  private readonly hook: AsyncHook;

  constructor() {
    this.hook = createHook({
      init: (id, type, _trigger, resource) => {
        if (!WATCHED.has(type)) return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 16;
        const stack = new Error().stack ?? '';
        Error.stackTraceLimit = limit;
        const where = creator(stack);
        if (where !== undefined && JEST_FRAME.test(where)) return;
        this.live.set(id, { type, resource: resource as Tracked['resource'], where: where?.trim() ?? 'in Node internals' });
      },
      destroy: (id) => {
        this.live.delete(id);
      },
    });
  }

  start(): this {
    this.live.clear();
    this.hook.enable();
    return this;
  }

  /**
   * The resources still alive, each as its type and where it was created. Looked at
   * after two turns of the event loop: libuv releases a closed handle in the
   * close-callbacks phase, and async_hooks reports destroys on a later tick.
   * Unreferenced ones (Node's own HTTP date cache, ...) do not count.
   */
  async leaks(): Promise<string[]> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const out: string[] = [];
    for (const { type, resource, where } of this.live.values()) {
      if (resource.hasRef?.() === false) continue;
      out.push(`${type} created ${where}`);
    }
    return out;
  }

  stop(): void {
    this.hook.disable();
    this.live.clear();
  }
}

/** The first stack frame outside Node's internals and this file: who created the resource. */
function creator(stack: string): string | undefined {
  return stack
    .split('\n')
    .slice(1)
    .find((line) => !/\(node:|at node:|async_hooks|resources\.ts/.test(line));
}
