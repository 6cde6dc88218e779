import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant } from '../support/factories';
import { pruneProvisioningLog } from '../../src/domain/provisioning/provisioning-log.service';
import { query, sql } from '../../src/domain/sql';
import { startProvisioningLogRetention } from '../../src/scim/http/provisioning-retention';
import { createLogger } from '../../src/http/logger';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** `n` log entries of `tenantId` written `daysAgo` days ago (written in that order, so ids rise with time). */
async function entries(tenantId: string, daysAgo: number, n: number, path = '/Users'): Promise<void> {
  await query(
    db.em(),
    sql`insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, created_at)
     select ${tenantId}, 'r' || g, 'GET', ${path}, 200, 1, now() - make_interval(days => ${daysAgo}) from generate_series(1, ${n}) g`,
  );
}

const remaining = async (tenantId: string) =>
  (
    await query<{ path: string; n: number }>(
      db.em(),
      sql`select path, count(*)::int as n from provisioning_log where tenant_id = ${tenantId} group by path order by path`,
    )
  ).map((r) => `${r.path}:${r.n}`);

describe('provisioning-log retention', () => {
  it('deletes every entry older than the cut-off, in batches, and keeps the newer ones', async () => {
    const { tenant } = await buildTenant(db);
    await entries(tenant.id, 45, 120, '/old');
    await entries(tenant.id, 31, 7, '/older-than-30');
    await entries(tenant.id, 29, 5, '/recent');
    await entries(tenant.id, 0, 3, '/today');
    const cutoff = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    expect(await pruneProvisioningLog(db.em(), cutoff, 50)).toBe(127);
    expect(await remaining(tenant.id)).toEqual(['/recent:5', '/today:3']);
    // Nothing older is left: a second run deletes nothing.
    expect(await pruneProvisioningLog(db.em(), cutoff, 50)).toBe(0);
  });

  it('deletes everything when every entry is older than the cut-off, and nothing from an empty log', async () => {
    const { tenant } = await buildTenant(db);
    await entries(tenant.id, 40, 10, '/old');
    expect(await pruneProvisioningLog(db.em(), new Date(), 4)).toBeGreaterThanOrEqual(10);
    expect(await remaining(tenant.id)).toEqual([]);
    expect(await pruneProvisioningLog(db.em(), new Date())).toBe(0);
  });

  it('runs by itself after start, and stops cleanly', async () => {
    const { tenant } = await buildTenant(db);
    await entries(tenant.id, 90, 6, '/old');
    await entries(tenant.id, 1, 2, '/new');
    const job = startProvisioningLogRetention(db.em(), 30, createLogger('silent'), { firstRunMs: 10 });
    for (let i = 0; i < 100 && (await remaining(tenant.id)).length > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await job.stop();
    expect(await remaining(tenant.id)).toEqual(['/new:2']);
  });
});
