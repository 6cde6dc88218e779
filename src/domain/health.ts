import type { EntityManager } from '@mikro-orm/postgresql';

/** True when the database answers a trivial query. */
export async function databaseReachable(em: EntityManager): Promise<boolean> {
  try {
    await em.execute('select 1');
    return true;
  } catch {
    return false;
  }
}
