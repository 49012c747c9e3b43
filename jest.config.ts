/** @jest-config-loader ts-node */
/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // No DNS query leaves the machine: names other than localhost fail with ENOTFOUND.
  setupFiles: ['<rootDir>/spec/setup/offline.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // Angular ships ES modules only (fesm2022/*.mjs): turned into CommonJS for spec/angular.
    '^.+\\.mjs$': ['ts-jest', { tsconfig: { allowJs: true, target: 'ES2022', module: 'commonjs', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  // Several specs start real servers; 2 shared cores.
  maxWorkers: 2,
  testTimeout: 30_000,
};

export default config;
