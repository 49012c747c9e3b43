/**
 * The bench measures the library as its users run it: compiled JavaScript.
 *
 * tsx, which runs the runner, compiles with esbuild's `keepNames`: every closure that
 * gets a name from its context (`next: (v) => ...`, `const f = () => ...`) is wrapped
 * in a `__name()` call, an `Object.defineProperty` per closure created. dist/ is built
 * by tsup without it. On Semaphore over 100,000 jobs subscribed with an observer
 * literal the wrapper cost 2.4x (about 600 ms against 250 ms), a cost neither the
 * published package nor p-limit (plain JavaScript in node_modules) pays. So before the
 * runs, bench/ and lib/ are transpiled file by file (no bundling: each module stays a
 * module, relative imports keep working) into .bench-build/ with the options tsup uses
 * for dist/ (target es2022, no `keepNames`), and the child processes run that.
 *
 * `BENCH_TSX=1` runs the TypeScript sources under tsx instead, as earlier results did.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** Every `.ts` file under `dir` (not `.d.ts`), recursively. */
function typeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...typeScriptFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/**
 * Transpiles `root`'s lib/ and bench/ into `outDir` (emptied first), keeping the layout,
 * and returns a function mapping a source file to its compiled counterpart.
 */
export function compileForBench(root: string, outDir: string): (source: string) => string {
  fs.rmSync(outDir, { recursive: true, force: true });
  buildSync({
    // scripts/browser.ts too: the browser scenario's children start Chromium as the checks do.
    entryPoints: [...typeScriptFiles(path.join(root, 'lib')), ...typeScriptFiles(path.join(root, 'bench')), path.join(root, 'scripts', 'browser.ts')],
    outbase: root,
    outdir: outDir,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    logLevel: 'warning',
  });
  return (source) => path.join(outDir, path.relative(root, source)).replace(/\.ts$/, '.js');
}
