import { fastFetch } from './http-client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  url: string;
  pid: number | undefined;
  adminToken: string;
  stop(): Promise<void>;
}

/**
 * Starts the built service (dist/) as its own process, as production would run it, and waits until
 * it is ready (migrations included): readyTimeoutMs, 20 s unless given.
 */
export async function startService(
  databaseUrl: string,
  { readyTimeoutMs = 20_000 }: { readyTimeoutMs?: number } = {},
): Promise<RunningService> {
  const port = await freePort();
  const adminToken = `bench-admin-${Date.now()}-0123456789abcdef`;
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      // Plain http on loopback: a production build measured on this machine, with no proxy in front.
      ALLOW_INSECURE_PUBLIC_URL: 'true',
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '20',
      // The webhook bench's receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    try {
      if ((await fastFetch(`${url}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error('service exited during start');
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`service not ready after ${readyTimeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    adminToken,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The bare reference handler (bench/reference-server.ts) in its own process. */
export async function startReferenceServer(
  databaseUrl: string,
): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'reference-server.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('reference server exited during start')));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
