import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A throwaway PostgreSQL 15 cluster for the fault suite: its own data directory under /tmp, its own
 * port, trust authentication on 127.0.0.1, fsync on. PostgreSQL refuses to run as root, so the
 * directory belongs to the `postgres` OS user and initdb/pg_ctl run as that user.
 */
const BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_USER = 'postgres';

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', PG_USER, '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} ${args[0] ?? ''} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free TCP port in 20000–32000 (below the kernel's ephemeral range, so no client takes it meanwhile). */
export async function freeLowPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port in 20000–32000');
}

/** Child pids of a process (from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export class Cluster {
  readonly dir: string;
  readonly dataDir: string;
  readonly logFile: string;
  private frozen: number[] = [];
  private constructor(readonly port: number) {
    this.dir = mkdtempSync('/tmp/cpd-faults-');
    this.dataDir = path.join(this.dir, 'data');
    this.logFile = path.join(this.dir, 'postgres.log');
  }

  /** Admin URL (database `postgres`) and the URL of the service's database. */
  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  get databaseUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/directory`;
  }

  /** `options` are added to the server's (`-c name=value`; a later one wins), e.g. fsync=off for tests. */
  static async create(options: string[] = []): Promise<Cluster> {
    const cluster = new Cluster(await freeLowPort());
    try {
      const uid = Number(execFileSync('id', ['-u', PG_USER]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', PG_USER]).toString().trim());
      if (process.getuid?.() === 0) chownSync(cluster.dir, uid, gid);
      await run(`${BIN}/initdb`, [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      await cluster.start([
        '-c listen_addresses=127.0.0.1',
        `-c port=${cluster.port}`,
        `-c unix_socket_directories=${cluster.dir}`,
        '-c fsync=on',
        '-c synchronous_commit=on',
        '-c full_page_writes=on',
        '-c shared_buffers=32MB',
        '-c max_connections=300',
        ...options,
      ]);
      const admin = new Client({ connectionString: cluster.adminUrl });
      await admin.connect();
      await admin.query('create database directory');
      await admin.end();
      return cluster;
    } catch (err) {
      cluster.destroySync();
      throw err;
    }
  }

  /**
   * A hot standby of `primary` streaming from it: pg_basebackup (-R writes primary_conninfo and
   * standby.signal; -X stream; -c fast so it does not wait for a checkpoint) into a directory of
   * its own, started on its own port. initdb's pg_hba already lets 127.0.0.1 replicate (-A trust)
   * and PostgreSQL 15's defaults (wal_level=replica, max_wal_senders=10) allow it.
   */
  static async standbyOf(primary: Cluster, options: string[] = []): Promise<Cluster> {
    const standby = new Cluster(await freeLowPort());
    try {
      const uid = Number(execFileSync('id', ['-u', PG_USER]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', PG_USER]).toString().trim());
      if (process.getuid?.() === 0) chownSync(standby.dir, uid, gid);
      await run(`${BIN}/pg_basebackup`, [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        standby.dataDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
        '--no-sync',
      ]);
      await standby.start([
        '-c listen_addresses=127.0.0.1',
        `-c port=${standby.port}`,
        `-c unix_socket_directories=${standby.dir}`,
        '-c hot_standby=on',
        '-c shared_buffers=32MB',
        // A standby needs at least the primary's max_connections.
        '-c max_connections=300',
        ...options,
      ]);
      return standby;
    } catch (err) {
      standby.destroySync();
      throw err;
    }
  }

  private startOptions: string[] = [];

  /** pg_ctl start -w; the options of the first start are kept for the restarts. */
  async start(options?: string[]): Promise<void> {
    if (options) this.startOptions = options;
    await run(
      `${BIN}/pg_ctl`,
      ['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile, '-o', this.startOptions.join(' ')],
      90_000,
    );
  }

  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await run(`${BIN}/pg_ctl`, ['stop', '-w', '-t', '60', '-m', mode, '-D', this.dataDir], 90_000);
  }

  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** The postmaster's pid, from postmaster.pid's first line; undefined when stopped. */
  postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGSTOP the postmaster first (so it forks nothing new), then every child (backends, walwriter…). */
  freeze(): number {
    const pm = this.postmasterPid();
    if (pm === undefined) throw new Error('cluster is not running');
    signal(pm, 'SIGSTOP');
    const stopped = new Set<number>([pm]);
    // Twice: a child forked just before the postmaster stopped is caught by the second pass.
    for (let pass = 0; pass < 2; pass++) {
      for (const pid of childPids(pm)) {
        if (!stopped.has(pid)) {
          signal(pid, 'SIGSTOP');
          stopped.add(pid);
        }
      }
    }
    this.frozen = [...stopped];
    return stopped.size;
  }

  /** SIGCONT the children, then the postmaster. Safe to call when not frozen. */
  thaw(): void {
    const pm = this.postmasterPid();
    const pids = new Set<number>(this.frozen);
    if (pm !== undefined) for (const pid of childPids(pm)) pids.add(pid);
    for (const pid of pids) if (pid !== pm) signal(pid, 'SIGCONT');
    if (pm !== undefined) signal(pm, 'SIGCONT');
    this.frozen = [];
  }

  /** Every PostgreSQL process of this cluster (postmaster and children). */
  pids(): number[] {
    const pm = this.postmasterPid();
    return pm === undefined ? [] : [pm, ...childPids(pm)];
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /**
   * If this process dies without running its teardown (SIGKILL), a detached shell notices within a
   * second, thaws and stops the cluster and removes its directory. Returns its pid.
   */
  armWatchdog(): number | undefined {
    const pgCtl = `${BIN}/pg_ctl`;
    const asPg = process.getuid?.() === 0 ? `runuser -u ${PG_USER} -- ` : '';
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `if [ -f '${this.dataDir}/postmaster.pid' ]; then pm=$(head -1 '${this.dataDir}/postmaster.pid');` +
        ` kill -CONT $pm $(pgrep -P $pm) 2>/dev/null;` +
        ` ${asPg}${pgCtl} stop -m immediate -D '${this.dataDir}' >/dev/null 2>&1; fi`,
      `rm -rf '${this.dir}'`,
    ].join('\n');
    const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    child.unref();
    this.watchdog = child.pid;
    return child.pid;
  }
  private watchdog: number | undefined;

  /**
   * Synchronous teardown, safe in exit and signal handlers: thaw, stop immediately (SIGKILL what
   * is left), remove the directory.
   */
  destroySync(): void {
    this.thaw();
    const pm = this.postmasterPid();
    if (pm !== undefined) {
      try {
        const argv = ['stop', '-w', '-t', '20', '-m', 'immediate', '-D', this.dataDir];
        const opts = { stdio: 'ignore' as const, timeout: 30_000 };
        if (process.getuid?.() === 0)
          execFileSync('runuser', ['-u', PG_USER, '--', `${BIN}/pg_ctl`, ...argv], opts);
        else execFileSync(`${BIN}/pg_ctl`, argv, opts);
      } catch {
        for (const pid of [...childPids(pm), pm]) signal(pid, 'SIGKILL');
      }
    }
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    if (this.watchdog !== undefined) signal(this.watchdog, 'SIGTERM');
    this.watchdog = undefined;
  }
}
