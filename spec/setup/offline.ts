/**
 * Tests talk to 127.0.0.1 only. This setup file makes that a rule rather than a habit:
 * every hostname lookup other than `localhost` or an IP literal fails at once with
 * `ENOTFOUND`, as a name that does not resolve would, without a DNS query ever
 * leaving the machine.
 */
// The module object itself, not an ES-module copy of it, so that `net` sees the stub.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require('node:dns') as typeof import('node:dns');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isIP } = require('node:net') as typeof import('node:net');

const STUBBED = Symbol.for('rxjs-asyncio.offline-dns');
type Lookup = typeof dns.lookup & { [STUBBED]?: true };

if (!(dns.lookup as Lookup)[STUBBED]) {
  const real = dns.lookup;
  const offline = ((hostname: string, options: unknown, callback?: unknown): void => {
    const cb = (typeof options === 'function' ? options : callback) as (err: NodeJS.ErrnoException | null, ...rest: unknown[]) => void;
    if (hostname === 'localhost' || isIP(hostname) !== 0) {
      (real as (h: string, o: unknown, c: unknown) => void)(hostname, typeof options === 'function' ? {} : options, cb);
      return;
    }
    const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(cb, err);
  }) as Lookup;
  offline[STUBBED] = true;
  dns.lookup = offline;
}
