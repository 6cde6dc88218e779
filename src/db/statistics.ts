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
  'list_continuation',
  'list_count',
];

/** Autovacuum's own defaults: analyze after 50 + 10 % of the table's rows have changed. */
const THRESHOLD_ROWS = 50;
const THRESHOLD_SHARE = 0.1;
/** And vacuum after 50 + 20 % of its rows died, or 1,000 + 20 % were inserted. */
const VACUUM_DEAD_ROWS = 50;
const VACUUM_INSERTED_ROWS = 1000;
const VACUUM_SHARE = 0.2;

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
 * When autovacuum is off it says so once and, every `intervalMs`, analyzes each table past
 * autovacuum's default threshold. ANALYZE invalidates the cached plans of every session, which
 * re-plan with the new statistics. It also vacuums (never FULL) each table past autovacuum's vacuum
 * thresholds: besides reclaiming dead rows, that sets the visibility map, without which no scan is
 * index-only. A deep startIndex page without a continuation finds its ids by an index-only scan
 * (ADR 0019): measured at 200,000 users, an OFFSET through the index of a table never vacuumed
 * fetches every row it skips from the heap.
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
    const due = await query<{ relname: string; analyze: boolean; vacuum: boolean }>(
      session,
      sql`select s.relname, s.n_mod_since_analyze > ${THRESHOLD_ROWS} + ${THRESHOLD_SHARE} * greatest(c.reltuples, 0) as analyze,
         (s.n_dead_tup > ${VACUUM_DEAD_ROWS} + ${VACUUM_SHARE} * greatest(c.reltuples, 0)
          or s.n_ins_since_vacuum > ${VACUUM_INSERTED_ROWS} + ${VACUUM_SHARE} * greatest(c.reltuples, 0)) as vacuum
       from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.schemaname = current_schema() and s.relname = any(${pgArray(TABLES)}::text[])`,
    );
    const vacuum = due.filter((t) => t.vacuum).map((t) => t.relname);
    const stale = due.filter((t) => t.analyze).map((t) => t.relname);
    if (vacuum.length === 0 && stale.length === 0) return;
    // One statement each, outside any transaction: an ANALYZE holds a transaction id while it
    // runs, and that holds back the change feed's horizon for the whole cluster, so keep each short.
    // A (lazy) VACUUM takes no transaction id. Two processes may both do a table now and then; that
    // costs a little, never a wrong plan. The names come from TABLES above, never from a request.
    for (const relname of vacuum) await query(session, sql`vacuum ${sql.identifier(relname)}`);
    for (const relname of stale) await query(session, sql`analyze ${sql.identifier(relname)}`);
    if (vacuum.length > 0) log.info({ tables: vacuum }, 'vacuumed');
    if (stale.length > 0) log.info({ tables: stale }, 'analyzed');
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
