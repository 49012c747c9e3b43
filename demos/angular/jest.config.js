// @ts-check
/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'cjs', 'json'],
  transform: {
    // The specs, the services and the library's own source (../../lib).
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // Angular ships ES modules only (fesm2022/*.mjs): turn them into CommonJS.
    '^.+\\.mjs$': ['ts-jest', { tsconfig: { allowJs: true, target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  // The same mapping as tsconfig.json's `paths`: the library from source, and every
  // `rxjs` import (the library's included) resolved to this package's one copy; the
  // library's axios and undici from here too, not from the repo root's node_modules.
  moduleNameMapper: {
    '^rxjs-asyncio$': '<rootDir>/../../lib/index.ts',
    '^rxjs-asyncio/(http|testing)$': '<rootDir>/../../lib/$1/index.ts',
    '^rxjs$': '<rootDir>/node_modules/rxjs',
    '^rxjs/(.*)$': '<rootDir>/node_modules/rxjs/$1',
    '^axios$': '<rootDir>/node_modules/axios/dist/node/axios.cjs',
    '^undici$': '<rootDir>/node_modules/undici',
  },
  // Its own cache (ignored with node_modules), apart from other jest projects' /tmp/jest_*.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // Two spec files that load the same Angular bundles: in one process the bundles are
  // transformed once (cold cache: ~35 s in band against ~70 s on 2 workers, here).
  maxWorkers: 1,
};

module.exports = config;
