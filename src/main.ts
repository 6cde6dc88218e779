import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { createLogger } from './http/logger';
import { buildApp } from './compose';
import { closeServer, listen } from './http/server';

/** Composition root: config → database → app → listen; drains and stops on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPgPort,
    poolMax: config.dbPoolMax,
    log: (msg) => log.info(msg),
  });
  let shuttingDown = false;
  const shutdownHooks: Array<() => Promise<void>> = [];
  const app = await buildApp({ config, log, orm: db.orm, isShuttingDown: () => shuttingDown, shutdownHooks });
  const { server, port } = await listen(app, config.port, config.host);
  const base = config.publicUrl;
  log.info(
    { port, embeddedDatabase: db.embedded, graphql: `${base}/graphql` },
    'CheckProof Directory is ready',
  );
  if (config.adminTokenGenerated) {
    // Printed once, on purpose, so a newcomer can call createTenant at once. Not logged as a field.
    process.stdout.write(
      `\n  GraphQL:     ${base}/graphql\n  Admin token: ${config.adminToken}\n` +
        `  (generated for this run; set ADMIN_TOKEN to keep one)\n\n`,
    );
  }

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down: draining requests');
    await closeServer(server, config.shutdownTimeoutMs);
    for (const hook of shutdownHooks)
      await hook().catch((err: unknown) => log.warn({ err }, 'shutdown hook failed'));
    await db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // When started through `npm start`, a signal may reach only npm; if our parent goes away, stop too
  // rather than leave the embedded PostgreSQL orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 1000).unref();
}

main().catch((err: unknown) => {
  console.error(`CheckProof Directory failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
