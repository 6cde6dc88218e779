import { startEmbeddedPostgres } from './embedded';
import { openOrm, migrateUp, type Orm } from './orm';
import { NO_STATEMENT_TIMEOUTS, type DbTimeouts } from './orm-config';

export interface Database {
  orm: Orm;
  /** The connection URL (the embedded server's when started here). */
  url: string;
  /** True when this process started the embedded PostgreSQL. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  poolMax: number;
  timeouts?: Partial<DbTimeouts>;
  log: (msg: string) => void;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL; then applies pending migrations. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const embedded = opts.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.embeddedPort, log: opts.log });
  const url = opts.databaseUrl ?? embedded!.url;
  let orm: Orm;
  try {
    // Migrations run without the serving timeouts: an index build may rightly take minutes.
    const migrator = await openOrm({ url, poolMax: 1, timeouts: NO_STATEMENT_TIMEOUTS });
    try {
      const applied = await migrateUp(migrator);
      if (applied.length > 0) opts.log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await migrator.close(true);
    }
    orm = await openOrm({
      url,
      poolMax: opts.poolMax,
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    orm,
    url,
    embedded: embedded !== undefined,
    close: async () => {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
