import type { DbSession, DomainLogger } from '../context';
import { query, sql } from '../sql';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes change events (the audit trail) written before `before`, `batch` rows per statement so
 * no statement holds many locks or runs long. Returns how many were deleted.
 */
export async function pruneChanges(em: DbSession, before: Date, batch = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [row] = await query<{ n: number }>(
      em,
      sql`with d as (delete from audit_event where id in (
         select id from audit_event where created_at < ${before} limit ${batch}) returning 1)
       select count(*)::int as n from d`,
    );
    const n = row?.n ?? 0;
    deleted += n;
    if (n < batch) return deleted;
  }
}

/**
 * Keeps the change feed to the last `days` days (CHANGE_RETENTION_DAYS): prunes shortly after
 * start and then every `intervalMs`. Every process may run it; concurrent prunes delete disjoint
 * or already deleted rows. Failures are logged and retried at the next run.
 */
export function startChangeRetention(
  em: DbSession,
  days: number,
  log: DomainLogger,
  opts: { firstRunMs?: number; intervalMs?: number } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = pruneChanges(em, new Date(Date.now() - days * DAY_MS))
      .then((deleted) => {
        if (deleted > 0) log.info({ deleted, retentionDays: days }, 'pruned the change feed');
      })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'could not prune the change feed'))
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
