import type { EntityManager } from '@mikro-orm/postgresql';
import { databaseStatusOf, query, sql } from './sql';

/**
 * True when the database answers. With a probe running (every served process has one) this reads
 * its verdict and never waits; otherwise it asks the database, giving up after `timeoutMs`.
 */
export async function databaseReachable(em: EntityManager, timeoutMs = 1000): Promise<boolean> {
  const status = databaseStatusOf(em);
  if (status) return status.ready();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      query(em, sql`select 1`).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
