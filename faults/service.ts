import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../bench/service';
import { childPids } from './cluster';
import { request, sleep } from './http';

/**
 * The service under test: the built `node dist/src/main.js`, as production runs it, in its own
 * process group (so the suite can always kill it and its workers), its stdout/stderr appended to a
 * log file that the suite reads back.
 */
export interface ServiceOptions {
  databaseUrl: string;
  logFile: string;
  workers: number;
  adminToken: string;
  shutdownTimeoutMs: number;
  extraEnv?: Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() at exit. */
  at: number;
}

export class Service {
  readonly url: string;
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly options: ServiceOptions,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: performance.now() };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: ServiceOptions, readyTimeoutMs = 60_000): Promise<Service> {
    const port = await freePort();
    const fd = openSync(options.logFile, 'a');
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        DATABASE_URL: options.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        // Plain http on loopback: a production build measured on this machine, with no proxy in front.
        ALLOW_INSECURE_PUBLIC_URL: 'true',
        ADMIN_TOKEN: options.adminToken,
        LOG_LEVEL: 'warn',
        WORKERS: String(options.workers),
        SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs),
        // Settings to try without editing the suite, e.g. FAULTS_SERVICE_ENV='{"MAX_INFLIGHT":"32"}'.
        ...(JSON.parse(process.env.FAULTS_SERVICE_ENV ?? '{}') as Record<string, string>),
        ...(options.extraEnv ?? {}),
      },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    const service = new Service(child, port, options);
    live.add(service);
    void service.exited.then(() => live.delete(service));
    const deadline = performance.now() + readyTimeoutMs;
    while (performance.now() < deadline) {
      if (service.exit) throw new Error(`service exited during start (code ${service.exit.code})`);
      const r = await request(`${url}/readyz`, { timeoutMs: 2000 });
      if (r.kind === 'response' && r.status === 200) return service;
      await sleep(100);
    }
    service.killSync();
    throw new Error(`service not ready within ${readyTimeoutMs} ms`);
  }

  /** Sends SIGTERM to the primary only (as an orchestrator would). */
  terminate(): void {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL to the whole process group after `graceMs`. Resolves on exit. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.terminate();
    const t = setTimeout(() => this.killSync(), graceMs);
    const exit = await this.exited;
    clearTimeout(t);
    this.killGroup('SIGKILL'); // workers left behind, if any
    return exit;
  }

  private killGroup(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, sig);
    } catch {
      // group gone
    }
  }

  killSync(): void {
    this.killGroup('SIGKILL');
  }

  /** Pids of the primary and its workers. */
  pids(): number[] {
    if (this.exit) return [];
    return [this.pid, ...childPids(this.pid)];
  }

  /** Resident set size in MiB of the primary plus its workers (Linux /proc). */
  rssMiB(): number {
    let kb = 0;
    for (const pid of this.pids()) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) kb += Number(m[1]);
      } catch {
        // gone meanwhile
      }
    }
    return kb / 1024;
  }
}

/** Every service started and not yet exited: the suite's teardown kills them. */
export const live = new Set<Service>();

export interface LogStats {
  lines: number;
  nonJson: string[];
  /** Lines at level error or fatal (pino: ≥ 50), by message. */
  errors: Map<string, number>;
  warnings: Map<string, number>;
}

export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Reads the log from `from` (bytes) to its end: non-JSON lines and error/warn messages. */
export function readLog(file: string, from: number): LogStats {
  const stats: LogStats = { lines: 0, nonJson: [], errors: new Map(), warnings: new Map() };
  let text: string;
  try {
    text = readFileSync(file).subarray(from).toString('utf8');
  } catch {
    return stats;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    stats.lines++;
    let entry: { level?: number; msg?: string; status?: number; err?: string | { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
      if (typeof entry !== 'object' || entry === null) throw new Error('not an object');
    } catch {
      stats.nonJson.push(line.slice(0, 300));
      continue;
    }
    const err = typeof entry.err === 'string' ? entry.err : entry.err?.message;
    const key = [entry.msg ?? '', entry.status ?? '', err?.slice(0, 160) ?? '']
      .filter((x) => x !== '')
      .join(' ');
    const into =
      (entry.level ?? 0) >= 50 ? stats.errors : (entry.level ?? 0) >= 40 ? stats.warnings : undefined;
    if (into) into.set(key, (into.get(key) ?? 0) + 1);
  }
  return stats;
}
