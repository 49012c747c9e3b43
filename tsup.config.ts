// The published build: ESM (.mjs + .d.mts) and CommonJS (.js + .d.ts) for the four
// entry points, in dist/. `npm run check:package` proves the result installs and loads.
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * A module that loads a dependency lazily with `require()` (undiciTransport loads
 * undici only when one is built) gets a real `require` in the ESM build, made by
 * `createRequire(import.meta.url)`: esbuild's own stand-in throws "Dynamic require
 * is not supported" under Node's ESM. Only such modules get it, so the core entry
 * still imports no `node:` module.
 */
const requireInEsm: Plugin = {
  name: 'require-in-esm',
  setup(build) {
    // tsup builds CommonJS with splitting as ESM and converts it afterwards: tell the two apart by extension.
    if (build.initialOptions.outExtension?.['.js'] !== '.mjs') return;
    build.onLoad({ filter: /[\\/]lib[\\/].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!/^[^/*\n]*\brequire\(/m.test(source)) return undefined;
      const banner = "import { createRequire as __createRequire } from 'node:module';\n" + 'const require = __createRequire(import.meta.url);\n';
      return { contents: banner + source, loader: 'ts' };
    });
  },
};

export default defineConfig({
  entry: {
    index: 'lib/index.ts',
    'http/index': 'lib/http/index.ts',
    'testing/index': 'lib/testing/index.ts',
    'redis/index': 'lib/redis/index.ts',
    'angular/index': 'lib/angular/index.ts',
  },
  format: ['esm', 'cjs'],
  outDir: 'dist',
  target: 'es2022',
  platform: 'node',
  // Shared chunks in both formats, so that each class (CancelledError, Semaphore...) is
  // defined once: `rxjs-asyncio` and `rxjs-asyncio/http` hand out the same one.
  splitting: true,
  // Declarations bundled per entry, with shared chunks as for the code.
  dts: true,
  sourcemap: false,
  clean: true,
  // Keep `node:` in imports (tsup strips it by default), so bundlers see built-ins for what they are.
  removeNodeProtocol: false,
  // rxjs and ioredis (peers), axios and undici (dependencies) stay imports.
  skipNodeModulesBundle: true,
  esbuildPlugins: [requireInEsm],
});
