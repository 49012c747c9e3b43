/**
 * What the browser build and the browser checks share: the esbuild plugin that puts each
 * module's `.browser.ts` sibling in its place, and how headless Chromium is started
 * (Debian's `chromium`, the flags ../shared/TOOLCHAIN.md lists). tsup.config.ts builds
 * dist/browser with the plugin; scripts/check-package.ts and the bench's browser scenario
 * bundle pages with it and drive Chromium with these flags.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The browser build: a module of lib/ with a `.browser.ts` sibling (lib/http/decode.ts and
 * lib/http/decode.browser.ts) is replaced by it, so the Node-only pieces (`node:` modules,
 * `Buffer`, undici, Node's agents) are not in it; a Node-only function there keeps its name
 * and fails clearly.
 */
export const browserModules: Plugin = {
  name: 'browser-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir, importer }) => {
      const browser = `${resolve(resolveDir, path)}.browser.ts`;
      return browser !== importer && existsSync(browser) ? { path: browser } : undefined;
    });
  },
};

/** Debian's Chromium, unless `CHROME_BIN` names another. */
export const CHROMIUM = process.env.CHROME_BIN ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing that would reach the network on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
