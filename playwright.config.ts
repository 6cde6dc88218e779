// The browser suite (npm run test:browser): the console at /console driven in Debian's Chromium
// against the built service on a database of its own (test/browser/global-setup.ts). Jest never
// sees these files: they are *.spec.ts and jest matches *.test.ts.
import { execFileSync } from 'node:child_process';
import { defineConfig, devices } from '@playwright/test';

/** Playwright cannot download a browser here: use the system's Chromium (CHROMIUM_PATH overrides). */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not on PATH; try the next name
    }
  }
  throw new Error('No chromium on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  outputDir: 'test/browser/results',
  globalSetup: './test/browser/global-setup.ts',
  // One service and one browser on a 2-core machine: files run one at a time, tests in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // A failure leaves a trace and a screenshot in test/browser/results (npx playwright show-trace).
  reporter: 'list',
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromiumPath(),
      // Chromium's sandbox needs user namespaces it does not get as root in a container.
      args: asRoot ? ['--no-sandbox'] : [],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
