import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * The real entry point (src/main.ts, compiled on load), started as a process the way `npm start`
 * does: what it refuses, what it warns about, and the development admin token it keeps.
 */
const root = path.resolve(__dirname, '..', '..');
let db: TestDatabase;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cpd-startup-'));
});
afterAll(async () => {
  // A failed expectation leaves its process running: stop it before dropping its database.
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await db.drop();
});

interface Started {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.cjs', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** Waits for the ready line; returns the port it names. */
async function ready(s: Started): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const line = s
      .out()
      .split('\n')
      .find((l) => l.includes('"CheckProof Directory is ready"'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    if (s.child.exitCode !== null) throw new Error(`exited ${s.child.exitCode}: ${s.out()} ${s.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${s.out()} ${s.err()}`);
}

async function stop(s: Started): Promise<void> {
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

const logLines = (s: Started) =>
  s
    .out()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });

async function tenantsWith(port: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ tenants { slug } }' }),
  });
  return res.status;
}

it('refuses to start in production with a plain-http PUBLIC_URL, saying why on stderr', async () => {
  const s = start({
    NODE_ENV: 'production',
    ADMIN_TOKEN: 'startup-test-admin-token-0123456789',
    PUBLIC_URL: 'http://directory.example.com',
  });
  const code = await s.exited;
  expect(code).not.toBe(0);
  expect(s.err()).toMatch(/PUBLIC_URL: is not https \(http:\/\/directory\.example\.com\)/);
  expect(s.err()).toContain('ALLOW_INSECURE_PUBLIC_URL=true');
  expect(s.out()).not.toContain('is ready');
}, 60_000);

it('in development: warns once that Entra cannot reach it, and keeps the generated admin token across restarts', async () => {
  const first = start({ NODE_ENV: 'development' });
  const port = await ready(first);
  const warnings = logLines(first).filter((l) => l.level === 40 && l.msg.includes('Entra ID needs'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.msg).toContain('docs/deploy.md');

  const printed = /Admin token: (\S+)/.exec(first.out())?.[1];
  expect(printed).toMatch(/^cpd_admin_/);
  const file = path.join(dataDir, 'admin-token');
  expect(readFileSync(file, 'utf8').trim()).toBe(printed);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(await tenantsWith(port, printed!)).toBe(200);
  await stop(first);

  const second = start({ NODE_ENV: 'development' });
  const port2 = await ready(second);
  expect(/Admin token: (\S+)/.exec(second.out())?.[1]).toBe(printed);
  expect(await tenantsWith(port2, printed!)).toBe(200);
  await stop(second);
}, 120_000);

it('in production: uses ADMIN_TOKEN, prints no token, keeps no file, and does not warn', async () => {
  const prodDir = mkdtempSync(path.join(tmpdir(), 'cpd-startup-prod-'));
  try {
    const token = 'startup-test-admin-token-0123456789';
    const s = start({
      NODE_ENV: 'production',
      ADMIN_TOKEN: token,
      PUBLIC_URL: 'https://directory.example.com',
      DATA_DIR: prodDir,
    });
    const port = await ready(s);
    expect(s.out()).not.toContain('Admin token');
    expect(s.out()).not.toContain(token);
    expect(logLines(s).filter((l) => l.level >= 40 && l.msg.includes('PUBLIC_URL'))).toEqual([]);
    expect(existsSync(path.join(prodDir, 'admin-token'))).toBe(false);
    expect(await tenantsWith(port, token)).toBe(200);
    await stop(s);
  } finally {
    rmSync(prodDir, { recursive: true, force: true });
  }
}, 120_000);
