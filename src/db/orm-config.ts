import type { Options } from '@mikro-orm/postgresql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from './migrations';

export interface OrmConfigInput {
  url: string;
  poolMax?: number;
  /** Receives every SQL statement (tests count queries with it). */
  onQuery?: (sql: string) => void;
  timeouts?: Partial<DbTimeouts>;
  /** Shown in pg_stat_activity (default checkproof-directory). */
  applicationName?: string;
  /**
   * Connect (and check the database exists) at start, the default; false opens connections only
   * when first needed, so a server that is down at start does not fail it (read replicas).
   */
  connectAtStart?: boolean;
}

/** How long the service waits on PostgreSQL before giving up (and answering 503). */
export interface DbTimeouts {
  /** PostgreSQL cancels a statement that runs longer (statement_timeout). */
  statementTimeoutMs: number;
  /** PostgreSQL ends a session idle inside a transaction for longer (idle_in_transaction_session_timeout). */
  idleInTransactionTimeoutMs: number;
  /** Longest wait for a pooled connection. */
  acquireTimeoutMs: number;
  /** Longest wait for a new connection to be established. */
  connectTimeoutMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = {
  statementTimeoutMs: 15_000,
  idleInTransactionTimeoutMs: 10_000,
  acquireTimeoutMs: 3_000,
  connectTimeoutMs: 2_000,
};

/**
 * How long the client waits for any answer: the statement timeout plus a margin. PostgreSQL's own
 * timeouts cannot fire when the server is frozen or the network is gone; this one can.
 */
export function queryReadTimeoutMs(t: DbTimeouts): number {
  return t.statementTimeoutMs > 0 ? t.statementTimeoutMs + 2_000 : 0;
}

/** For migrations: an index build on a large table may rightly take minutes. */
export const NO_STATEMENT_TIMEOUTS: Partial<DbTimeouts> = {
  statementTimeoutMs: 0,
  idleInTransactionTimeoutMs: 0,
};

/**
 * Settings sent in every connection's startup packet (libpq's `options`): JIT off. This service
 * runs short statements whose plans are often generic or estimated from recursive CTEs, where
 * PostgreSQL's JIT costs hundreds of milliseconds of compiling for nothing (ADR 0020).
 */
export const SESSION_OPTIONS = '-c jit=off';

const quiet = () => undefined;

/** MikroORM options. Migrations are listed explicitly so tsc output and jest agree. */
export function ormConfig(input: OrmConfigInput): Options {
  const timeouts = { ...DEFAULT_DB_TIMEOUTS, ...input.timeouts };
  return {
    driver: PostgreSqlDriver,
    clientUrl: input.url,
    // No entities: the schema's one source is the migrations, and the domain writes its SQL by hand
    // (ADR 0009). MikroORM is here for the pool, transactions and the migrator.
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    connect: input.connectAtStart ?? true,
    // No implicit transactions around single statements (hot paths).
    implicitTransactions: false,
    forceUtcTimezone: true,
    pool: {
      min: 0,
      max: input.poolMax ?? 10,
      acquireTimeoutMillis: timeouts.acquireTimeoutMs,
      createTimeoutMillis: timeouts.connectTimeoutMs,
      // A failed connect is retried after this long while a request still waits (bounded by the
      // acquire timeout), not in a tight loop.
      createRetryIntervalMillis: 250,
    },
    debug: input.onQuery ? ['query'] : false,
    logger: input.onQuery ? (message: string) => input.onQuery?.(message) : () => undefined,
    allowGlobalContext: false,
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    driverOptions: {
      // knex would print plain-text lines ("Connection Error: …") to the console; the probe and
      // the request log already say when the database is unreachable, as JSON.
      log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
      connection: {
        application_name: input.applicationName ?? 'checkproof-directory',
        // JIT compiles any statement whose estimate passes jit_above_cost, and the estimates of the
        // closure triggers' recursive CTEs and of generic plans are far off: a nesting change that
        // runs in 70 ms spent 500 ms more compiling (ADR 0020). Off for every connection we open.
        options: SESSION_OPTIONS,
        // pg sends these only when non-zero; 0 leaves the server's default (none).
        statement_timeout: timeouts.statementTimeoutMs,
        idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
        query_timeout: queryReadTimeoutMs(timeouts) || undefined,
        connectionTimeoutMillis: timeouts.connectTimeoutMs,
        // Notice a vanished server or network on idle connections too.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      },
    },
  };
}
