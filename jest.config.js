// Tests run against real PostgreSQL: DATABASE_URL when set, an embedded server otherwise (test/support/global-setup.mjs).
const swc = require('./.swcrc.jest.json');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The browser suite (Playwright, npm run test:browser) and the console's sources are not jest's.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/web/'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  // @as-integrations/koa and jose ship ESM only: let swc compile them to CommonJS (koa is also mapped to its file: its exports have only an `import` condition).
  transformIgnorePatterns: ['/node_modules/(?!(@as-integrations/koa|jose)/)'],
  moduleNameMapper: {
    '^@as-integrations/koa$': '<rootDir>/node_modules/@as-integrations/koa/dist/index.js',
  },
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
