/**
 * The programs a scenario runs beside Node (nginx, wrk, Python, redis-server): found on
 * the PATH, never installed by the bench itself (bench/setup.sh installs them, once, as
 * root). A scenario without one says so and skips what needs it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The path of `command` on the PATH (or in /usr/sbin, /sbin, where Debian puts nginx), or `undefined`. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin'])) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Why something is skipped for want of `packages`: what to run to have them. */
export function notInstalled(packages: readonly string[]): string {
  return `not installed: ${packages.join(', ')} (run bench/setup.sh as root)`;
}
