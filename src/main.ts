import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { adminTokenFile, keepGeneratedAdminToken } from './admin-token';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase } from './db/database';
import { openOrm } from './db/orm';
import { reportSearchIndexes } from './db/search-indexes';
import { createLogger, type Logger } from './http/logger';
import { serve, withTimeout } from './serve';
import { aggregateForWorkers } from './http/metrics';
import { handOffConnections } from './http/server';

/**
 * Composition root: config → database (embedded unless DATABASE_URL) → migrations → HTTP.
 * With WORKERS > 1 the primary owns the database and the port, and hands connections to HTTP workers.
 * SIGTERM/SIGINT drain in-flight requests, close the pool and stop the embedded database last.
 */
async function main(): Promise<void> {
  const read = readConfig();
  const log = createLogger(read.logLevel).child(cluster.isWorker ? { worker: cluster.worker?.id } : {});
  if (cluster.isWorker) return runWorker(read, log);
  // Workers are handed the primary's token (ADMIN_TOKEN), so only the primary keeps one.
  const config = keepGeneratedAdminToken(read);
  if (config.publicUrlWarning) log.warn({ publicUrl: config.publicUrl }, config.publicUrlWarning);

  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPgPort,
    poolMax: config.workers > 1 ? 2 : config.dbPoolMax,
    timeouts: config.db,
    log: (msg) => log.info(msg),
  });
  // Here, in the primary, so the warning is logged once however many workers serve.
  await reportSearchIndexes(db.orm.em, log);
  let stopServing: (deadline: number) => Promise<void>;
  let port = config.port;
  if (config.workers > 1) {
    aggregateForWorkers();
    ({ stop: stopServing, port } = await forkWorkers(config, log, db.url));
  } else {
    const serving = await serve(config, log, db.orm);
    stopServing = serving.stop;
    port = serving.port;
  }
  log.info(
    { port, workers: config.workers, embeddedDatabase: db.embedded, graphql: `${config.publicUrl}/graphql` },
    'CheckProof Directory is ready',
  );
  if (config.adminTokenGenerated) {
    // Printed once, on purpose, so a newcomer can call createTenant at once. Never logged as a field.
    process.stdout.write(
      `\n  GraphQL:     ${config.publicUrl}/graphql\n  Admin token: ${config.adminToken}\n` +
        `  (generated once and kept in ${adminTokenFile(config.dataDir)}; ADMIN_TOKEN overrides it)\n\n`,
    );
  }

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests');
    const deadline = exitBy(config.shutdownTimeoutMs, log);
    // The last moments are for closing the pool and the embedded database.
    await stopServing(deadline - Math.min(300, config.shutdownTimeoutMs / 10));
    const closed = await withTimeout(db.close(), Math.max(0, deadline - Date.now()));
    log.info({ clean: closed }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started through `npm start`, a signal may reach only npm; if our parent goes away, stop too
  // rather than leave the embedded PostgreSQL orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 1000).unref();
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Arms a timer that ends the process `timeoutMs` from now whatever is still pending (a database
 * that does not answer must not keep a deploy waiting). Returns the deadline for orderly work,
 * a little earlier, so that the process normally exits by itself, with code 0, before the timer.
 */
function exitBy(timeoutMs: number, log: Logger): number {
  const now = Date.now();
  setTimeout(() => {
    log.warn({ timeoutMs }, 'shutdown did not finish in time; exiting');
    process.exit(1);
  }, timeoutMs).unref();
  return now + timeoutMs - Math.min(200, timeoutMs / 10);
}

/**
 * Forks HTTP workers (same admin token, the primary's database URL) and, once they are ready,
 * accepts connections on the port and hands them over; replaces workers that crash.
 */
async function forkWorkers(config: Config, log: Logger, databaseUrl: string) {
  let stopping = false;
  const ready = new Set<Worker>();
  const env = { DATABASE_URL: databaseUrl, ADMIN_TOKEN: config.adminToken };
  const fork = () =>
    new Promise<void>((resolve, reject) => {
      const worker = cluster.fork(env);
      worker.on('message', (message: unknown) => {
        if (message !== WORKER_READY) return;
        ready.add(worker);
        resolve();
      });
      worker.once('exit', (code) => {
        ready.delete(worker);
        if (stopping) return;
        reject(new Error(`worker exited with code ${code} during start`));
        log.error({ code }, 'worker exited; starting a new one');
        void fork().catch(() => undefined);
      });
    });
  await Promise.all(Array.from({ length: config.workers }, fork));
  const handOff = await handOffConnections(config.port, config.host, () =>
    [...ready].filter((w) => w.isConnected()),
  );
  return {
    port: handOff.port,
    /**
     * Stops accepting first (new connections are refused, never reset), then asks every worker to
     * drain; one still running at the deadline is killed.
     */
    stop: async (deadline: number) => {
      stopping = true;
      handOff.close();
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const timer = setTimeout(() => w.process.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
              w.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** What a worker tells the primary once it can serve connections. */
const WORKER_READY = 'cpd:worker-ready';

/** A cluster worker: connects to the primary's database and serves HTTP. */
async function runWorker(config: Config, log: Logger): Promise<void> {
  const orm = await openOrm({ url: config.databaseUrl!, poolMax: config.dbPoolMax, timeouts: config.db });
  const serving = await serve(config, log, orm, true);
  process.send?.(WORKER_READY);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // A little earlier than the primary's deadline, which kills workers still running then.
    const deadline = exitBy(Math.max(0, config.shutdownTimeoutMs - 400), log);
    await serving.stop(deadline - Math.min(200, config.shutdownTimeoutMs / 10));
    await withTimeout(orm.close(true), Math.max(0, deadline - Date.now()));
    process.exit(0);
  };
  // `on`, not `once`: a second SIGTERM must not fall through to Node's default (instant exit).
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined); // the primary coordinates Ctrl-C
}

main().catch((err: unknown) => {
  console.error(`CheckProof Directory failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
