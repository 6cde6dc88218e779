import { MikroORM } from '@mikro-orm/postgresql';
import { discardConnection } from '../domain/sql';
import { ormConfig, type OrmConfigInput } from './orm-config';

export type Orm = MikroORM;

/** Connects MikroORM to PostgreSQL (no schema changes: migrations do that). */
export async function openOrm(input: OrmConfigInput): Promise<Orm> {
  // knex's pg dialect attaches an 'error' listener to each pooled client, so a server that stops
  // first (the embedded one during shutdown) disposes the client instead of crashing the process.
  return MikroORM.init(ormConfig(input));
}

/** Applies pending migrations; returns the names applied. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** Rolls back migrations down to (and excluding) `to`, or all of them. */
export async function migrateDown(orm: Orm, to?: string): Promise<string[]> {
  const reverted = await orm.getMigrator().down(to ? { to } : { to: 0 });
  return reverted.map((m) => m.name);
}

interface TarnPoolLike {
  used: Array<{ resource: object }>;
  free: Array<{ resource: object }>;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

function tarnPool(orm: Orm): TarnPoolLike | undefined {
  const client = orm.em.getConnection().getKnex().client as { pool?: TarnPoolLike };
  return client.pool;
}

/** Connections in use, idle, awaited and being opened (for /metrics). */
export function poolStats(orm: Orm): { used: number; free: number; pending: number; creating: number } {
  const pool = tarnPool(orm);
  if (!pool) return { used: 0, free: 0, pending: 0, creating: 0 };
  return {
    used: pool.numUsed(),
    free: pool.numFree(),
    pending: pool.numPendingAcquires(),
    creating: pool.numPendingCreates(),
  };
}

/**
 * Closes the socket of every pooled connection, so statements waiting on a database that no longer
 * answers fail now (answered 503) instead of at their read timeout. knex marks each one disposed
 * and the pool replaces it when it is next needed.
 */
export function resetPool(orm: Orm): void {
  const pool = tarnPool(orm);
  if (!pool) return;
  for (const { resource } of [...pool.used, ...pool.free]) {
    discardConnection(resource, 'database unreachable: connection reset');
  }
}
