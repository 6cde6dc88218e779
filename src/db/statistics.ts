import type { DbSession } from '../domain/context';
import { pgArray, query, sql } from '../domain/sql';

export interface StatisticsLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/**
 * The tables whose growth changes the plans of the hot statements: a prepared statement keeps the
 * plan it got when first run (on a new tenant, an almost empty table: a sequential scan) until the
 * table's statistics change.
 */
const TABLES = [
  'app_user',
  'group',
  'membership',
  'membership_closure',
  'membership_interval',
  'user_role',
  'role',
  'audit_event',
  'provisioning_log',
];

/** Autovacuum's own defaults: analyze after 50 + 10 % of the table's rows have changed. */
const THRESHOLD_ROWS = 50;
const THRESHOLD_SHARE = 0.1;

export interface StatisticsKeeper {
  stop(): Promise<void>;
}

/**
 * Keeps the planner's statistics of the service's tables current when the server's autovacuum is
 * off (it is on by default; some CI and hand-tuned servers turn it off). Without it nothing ever
 * analyzes a growing table, and the prepared statements keep plans made for an empty one: measured
 * on Entra's initial cycle into a new tenant, the userName filter went from ~0.1 ms to 10-35 ms by
 * 15,000 users, and onboarding slowed from ~450 to ~130 users/s, until one ANALYZE.
 *
 * When autovacuum is off it says so once (VACUUM stays the operator's job) and, every
 * `intervalMs`, analyzes each table past autovacuum's default threshold. ANALYZE invalidates the
 * cached plans of every session, which re-plan with the new statistics.
 */
export async function startStatisticsKeeper(
  session: DbSession,
  log: StatisticsLog,
  opts: { intervalMs?: number; evenWithAutovacuum?: boolean } = {},
): Promise<StatisticsKeeper> {
  const intervalMs = opts.intervalMs ?? 10_000;
  let autovacuum = 'on';
  try {
    const [row] = await query<{ on: string }>(session, sql`select current_setting('autovacuum') as on`);
    autovacuum = row?.on ?? 'on';
  } catch {
    // Unknown (the database is not answering yet): leave it to the server.
  }
  if (autovacuum === 'on' && !opts.evenWithAutovacuum) return { stop: async () => undefined };
  log.warn(
    { autovacuum },
    'autovacuum is off on this PostgreSQL server: the service analyzes its growing tables itself; dead rows are not vacuumed (run VACUUM, or turn autovacuum on)',
  );
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const stale = await query<{ relname: string }>(
      session,
      sql`select s.relname from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.schemaname = current_schema() and s.relname = any(${pgArray(TABLES)}::text[])
         and s.n_mod_since_analyze > ${THRESHOLD_ROWS} + ${THRESHOLD_SHARE} * greatest(c.reltuples, 0)`,
    );
    if (stale.length === 0) return;
    // One statement each, outside any transaction: an ANALYZE holds a transaction id while it
    // runs, and that holds back the change feed's horizon for the whole cluster, so keep each short.
    // Two processes may both analyze a table now and then; that costs a little, never a wrong plan.
    // The names come from TABLES above, never from a request.
    for (const { relname } of stale) await query(session, sql`analyze ${sql.identifier(relname)}`);
    log.info({ tables: stale.map((t) => t.relname) }, 'analyzed');
  };
  const timer = setInterval(() => {
    running = running
      .then(tick)
      .catch((err: unknown) => log.warn({ err: String(err) }, 'could not analyze; trying again later'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
