import type { Options } from '@mikro-orm/postgresql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../domain/entities';
import { migrationsList } from './migrations';

export interface OrmConfigInput {
  url: string;
  poolMax?: number;
  /** Receives every SQL statement (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

/** MikroORM options for our schema. Migrations are listed explicitly so tsc output and jest agree. */
export function ormConfig(input: OrmConfigInput): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: input.url,
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // Entities are fetched explicitly; no implicit transactions around single statements (hot paths).
    implicitTransactions: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: input.poolMax ?? 10 },
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
      connection: { application_name: 'checkproof-directory' },
    },
  };
}
