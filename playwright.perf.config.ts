// The console's first-render figures on a large tenant (npm run bench:console): the browser
// suite's setup and browser, but only test/browser/perf/*.perf.ts, which seed 100,000 users.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  ...base,
  testDir: 'test/browser/perf',
  testMatch: '**/*.perf.ts',
  globalSetup: './test/browser/global-setup.ts',
  timeout: 20 * 60_000,
});
