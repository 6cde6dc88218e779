import { MikroORM } from '@mikro-orm/postgresql';
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
