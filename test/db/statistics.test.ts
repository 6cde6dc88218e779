/**
 * With autovacuum off, nothing analyzes a growing table and prepared statements keep plans made for
 * an empty one: the service analyzes its own tables once they pass autovacuum's default threshold.
 */
import { startStatisticsKeeper } from '../../src/db/statistics';
import { query, sql } from '../../src/domain/sql';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant } from '../support/factories';
import { until } from '../support/wait';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const lastAnalyze = async (table: string) =>
  (
    await query<{ at: string | null }>(
      db.em(),
      sql`select last_analyze::text as at from pg_stat_user_tables where relname = ${table}`,
    )
  )[0]?.at ?? null;

const lastVacuum = async (table: string) =>
  (
    await query<{ at: string | null }>(
      db.em(),
      sql`select last_vacuum::text as at from pg_stat_user_tables where relname = ${table}`,
    )
  )[0]?.at ?? null;

describe('statistics keeper', () => {
  it('analyzes and vacuums a table that grew past the thresholds, and leaves the others alone', async () => {
    const logged: string[] = [];
    const log = {
      warn: (_: object, m?: string) => logged.push(`warn ${m}`),
      info: (o: object) => logged.push(JSON.stringify(o)),
    };
    const { tenant } = await buildTenant(db);
    const roleBefore = await lastAnalyze('role');
    const roleVacuumed = await lastVacuum('role');
    const keeper = await startStatisticsKeeper(db.em(), log, { intervalMs: 100, evenWithAutovacuum: true });
    try {
      await query(
        db.em(),
        sql`insert into app_user (id, tenant_id, user_name, source, emails)
         select gen_random_uuid(), ${tenant.id}, 'stat' || g || '@x.test', 'SCIM', '[]'::jsonb from generate_series(1, 2000) g`,
      );
      await until('app_user is analyzed', async () => (await lastAnalyze('app_user')) !== null, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      expect(logged.some((l) => l.includes('"app_user"'))).toBe(true);
      expect(await lastAnalyze('role')).toBe(roleBefore);
      // 2,000 inserted rows pass autovacuum's insert threshold: vacuumed too (visibility map).
      await until('app_user is vacuumed', async () => (await lastVacuum('app_user')) !== null, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      expect(await lastVacuum('role')).toBe(roleVacuumed);
    } finally {
      await keeper.stop();
    }
  });

  it('does nothing when the server runs autovacuum', async () => {
    const [row] = await query<{ on: string }>(db.em(), sql`select current_setting('autovacuum') as on`);
    const logged: string[] = [];
    const log = { warn: (_: object, m?: string) => logged.push(`${m}`), info: () => logged.push('info') };
    const keeper = await startStatisticsKeeper(db.em(), log, { intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    await keeper.stop();
    // The warning says exactly when the server's own autovacuum is off.
    expect(logged.some((l) => l.startsWith('autovacuum is off'))).toBe(row!.on === 'off');
  });
});
