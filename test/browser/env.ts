// What the global setup hands the tests (through the environment workers inherit).
export const ADMIN_TOKEN = 'browser-suite-admin-token-0123456789abcdef';

export const ENV = {
  /** Base URL of the service under test, e.g. http://127.0.0.1:41234 (also its PUBLIC_URL). */
  url: 'CPD_BROWSER_URL',
  /** The service's own database, for the few states a test makes directly (an expired setup link). */
  databaseUrl: 'CPD_BROWSER_DATABASE_URL',
} as const;

export function fromEnv(key: keyof typeof ENV): string {
  const value = process.env[ENV[key]];
  if (!value)
    throw new Error(`${ENV[key]} is unset: run the suite with playwright test (its global setup sets it)`);
  return value;
}
