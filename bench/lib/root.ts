import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The project's root: the nearest directory above `from` that holds bench/run.ts. A
 * scenario runs from bench/scenarios/ (under tsx) or from its compiled copy in
 * .bench-build/ (see compile.ts), so `__dirname` alone cannot say where the root is.
 */
export function projectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bench', 'run.ts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bench: no project root (a directory with bench/run.ts) above ${from}`);
  }
}
