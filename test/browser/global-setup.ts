// Starts the built service (node dist/src/main.js) on a fresh database in the machine's PostgreSQL
// (DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/postgres) and hands its address
// to the tests through the environment; the returned function stops it and drops the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { ADMIN_TOKEN, ENV } from './env';

const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function admin<T>(adminUrl: string, run: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function waitReady(url: string, server: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The service exited during start; see ${logFile}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The service was not ready within 60 s; see ${logFile}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.kill('SIGKILL'), 15_000);
    server.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    server.kill('SIGTERM');
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) {
    throw new Error('dist/src/main.js is missing: run npm run build (npm run test:browser does)');
  }
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cpd_browser_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`create database "${name}"`));
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logDir = path.join(root, 'test/browser/results');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'server.log');
  const log = createWriteStream(logFile);
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: dbUrl.toString(),
      ADMIN_TOKEN,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      WORKERS: '1',
      // The webhook tests' receiver listens on loopback, which the service refuses without this.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);

  const teardown = async () => {
    await stop(server);
    log.end();
    await admin(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
  };
  try {
    await waitReady(url, server, logFile);
  } catch (err) {
    await teardown();
    throw err;
  }
  // Workers inherit the environment of the process that ran the global setup.
  process.env[ENV.url] = url;
  process.env[ENV.databaseUrl] = dbUrl.toString();
  return teardown;
}
