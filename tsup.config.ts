// The published build: ESM (.mjs + .d.mts) and CommonJS (.js + .d.ts) for the four
// entry points, in dist/. `npm run check:package` proves the result installs and loads.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { browserModules } from './scripts/browser';

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

const entries = {
  index: 'lib/index.ts',
  'http/index': 'lib/http/index.ts',
  'testing/index': 'lib/testing/index.ts',
  'angular/index': 'lib/angular/index.ts',
};

/**
 * Every module of lib/ the browser entries reach (a `.browser.ts` in place of its Node
 * sibling), each as an entry of the browser build: esbuild then gives each module a file
 * of its own, so an app's bundler drops the modules it does not use (`sideEffects:
 * false`). One bundle per entry would tie them together: `import { gather }` took
 * 20 kB minified, with Task, TaskGroup, Lock and Queue, instead of 12 kB.
 */
async function browserEntries(): Promise<Record<string, string>> {
  const { metafile } = await build({
    entryPoints: Object.values(entries),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    outdir: 'dist/browser',
    packages: 'external',
    plugins: [browserModules],
    logLevel: 'silent',
  });
  const modules: Record<string, string> = {};
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('lib/')) continue;
    modules[relative('lib', input).replace(/\.ts$/, '')] = input;
  }
  return modules;
}

export default defineConfig(async () => [
  {
    entry: { ...entries, 'redis/index': 'lib/redis/index.ts' },
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
    // package.json's build script empties dist/ first (two builds write to it at once).
    clean: false,
    // Keep `node:` in imports (tsup strips it by default), so bundlers see built-ins for what they are.
    removeNodeProtocol: false,
    // rxjs and ioredis (peers), axios and undici (dependencies) stay imports.
    skipNodeModulesBundle: true,
    esbuildPlugins: [requireInEsm],
    // tsup turns the split ESM into CommonJS with sucrase, which rewrites every `?.` and
    // `??` into a call of a helper closure (tsup issue #1087): on the session's request
    // path that cost ~4 µs a request. esbuild lowers them first, in place, as plain
    // conditionals, so sucrase finds none to rewrite. The ESM build keeps them as written.
    esbuildOptions(options, { format }) {
      if (format === 'cjs') options.supported = { ...options.supported, 'optional-chain': false, 'nullish-coalescing': false };
    },
  },
  {
    // What the `browser` export condition selects (every entry but /redis): ESM only, the types are the Node build's.
    entry: await browserEntries(),
    format: ['esm'],
    outDir: 'dist/browser',
    target: 'es2022',
    platform: 'browser',
    splitting: true,
    dts: false,
    sourcemap: false,
    clean: false,
    skipNodeModulesBundle: true,
    esbuildPlugins: [browserModules],
  },
]);
