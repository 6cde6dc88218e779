import type { DbSession, DomainLogger } from '../context';
import { query, sql } from '../sql';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes archived users and groups deleted before `before`, and the deprovisioning records of the
 * same age, `batch` rows per statement (oldest first, along the deleted_at / at indexes) so no
 * statement holds locks or WAL for long. Returns how many archive rows went.
 */
export async function purgeDeleted(em: DbSession, before: Date, batch = 1000): Promise<number> {
  let purged = 0;
  for (const [table, column] of [
    ['deleted_user', 'deleted_at'],
    ['deleted_group', 'deleted_at'],
    ['user_deprovisioning', 'at'],
  ] as const) {
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    for (;;) {
      const rows = await query<{ n: string }>(
        em,
        sql`with d as (delete from ${t} where ctid = any(array(
             select ctid from ${t} where ${c} < ${before} order by ${c} limit ${batch})) returning 1)
         select count(*) as n from d`,
      );
      const n = Number(rows[0]?.n ?? 0);
      if (table !== 'user_deprovisioning') purged += n;
      if (n < batch) break;
    }
  }
  return purged;
}

/**
 * Purges what deletes archived once it is older than `days` days: shortly after start and then
 * every `intervalMs`, like the provisioning log's retention. Every process may run it; concurrent
 * purges delete disjoint or already deleted rows. Failures are logged and retried at the next run.
 */
export function startDeletedRetention(
  em: DbSession,
  days: number,
  log: DomainLogger,
  opts: { firstRunMs?: number; intervalMs?: number } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = purgeDeleted(em, new Date(Date.now() - days * DAY_MS))
      .then((purged) => {
        if (purged > 0)
          log.info({ purged, retentionDays: days }, 'purged deleted users and groups past retention');
      })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'could not purge deleted users and groups'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, opts.firstRunMs ?? 90_000);
  const every = setInterval(run, opts.intervalMs ?? 60 * 60 * 1000);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
