import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant, buildUser, operatorContext } from '../support/factories';
import { deleteUser, setUserActive } from '../../src/domain/users/user.service';
import {
  getMassDeprovisioningSettings,
  massDeprovisioningChecksSettled,
  setMassDeprovisioningSettings,
} from '../../src/domain/deprovisioning/mass-deprovisioning.service';
import type { DirectoryContext } from '../../src/domain/context';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const alerts = async (ctx: DirectoryContext) =>
  query<{ actor: string; changed_fields: string[]; request_id: string }>(
    ctx.em,
    sql`select actor, changed_fields, request_id from audit_event
     where tenant_id = ${ctx.tenantId} and action = 'directory.mass_deprovisioning' order by id`,
  );

async function users(ctx: DirectoryContext, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await buildUser(ctx));
  return out;
}

describe('mass-deprovisioning alert', () => {
  it('fires once when more than 10 % and at least 20 active users are deprovisioned within an hour (defaults)', async () => {
    const { ctx } = await buildTenant(db);
    const warnings: object[] = [];
    const watched = { ...ctx, log: { ...ctx.log, warn: (o: object) => void warnings.push(o) } };
    const all = await users(ctx, 30);
    // 19 of 30 is over 10 % but under the minimum of 20.
    for (const u of all.slice(0, 10)) await setUserActive(watched, u.id, false);
    for (const u of all.slice(10, 19)) await deleteUser(watched, u.id);
    await massDeprovisioningChecksSettled();
    expect(await alerts(ctx)).toEqual([]);
    await deleteUser(watched, all[19]!.id);
    await massDeprovisioningChecksSettled();
    const fired = await alerts(ctx);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.actor).toBe('system:mass-deprovisioning');
    expect(fired[0]!.changed_fields).toEqual([
      'disabled:10',
      'deleted:10',
      'activeBefore:30',
      'thresholdPercent:10',
      'minUsers:20',
      'windowMinutes:60',
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ tenantId: ctx.tenantId, disabled: 10, deleted: 10 }),
    ]);
    // Further deprovisioning within the hour does not repeat it.
    for (const u of all.slice(20, 25)) await setUserActive(watched, u.id, false);
    await massDeprovisioningChecksSettled();
    expect(await alerts(ctx)).toHaveLength(1);
    const settings = await getMassDeprovisioningSettings(operatorContext(db.em()), ctx.tenantId);
    expect(settings.lastAlertAt).toBeInstanceOf(Date);
  });

  it('stays quiet at or below the percentage, and honours per-tenant thresholds', async () => {
    const { ctx } = await buildTenant(db);
    const settings = await setMassDeprovisioningSettings(operatorContext(db.em()), ctx.tenantId, {
      percent: 25,
      minUsers: 3,
    });
    expect(settings).toMatchObject({ percent: 25, minUsers: 3, lastAlertAt: null });
    const all = await users(ctx, 16);
    // 4 of 16 is exactly 25 %: not more than it.
    for (const u of all.slice(0, 4)) await setUserActive(ctx, u.id, false);
    // Deleting a user already disabled deprovisions no active user.
    await deleteUser(ctx, all[0]!.id);
    // Re-disabling is no change, and enabling is not deprovisioning.
    await setUserActive(ctx, all[1]!.id, false);
    await setUserActive(ctx, all[5]!.id, true);
    await massDeprovisioningChecksSettled();
    expect(await alerts(ctx)).toEqual([]);
    await deleteUser(ctx, all[6]!.id);
    await massDeprovisioningChecksSettled();
    expect((await alerts(ctx)).map((a) => a.changed_fields.slice(0, 3))).toEqual([
      ['disabled:4', 'deleted:1', 'activeBefore:16'],
    ]);
  });

  it('counts only the last hour', async () => {
    const { ctx } = await buildTenant(db);
    await setMassDeprovisioningSettings(operatorContext(db.em()), ctx.tenantId, { percent: 25, minUsers: 3 });
    const all = await users(ctx, 10);
    await setUserActive(ctx, all[0]!.id, false);
    await setUserActive(ctx, all[1]!.id, false);
    await massDeprovisioningChecksSettled();
    // Three of ten within the hour would be 30 %; the first two are older than an hour.
    await query(
      ctx.em,
      sql`update user_deprovisioning set at = now() - interval '61 minutes' where tenant_id = ${ctx.tenantId}`,
    );
    await setUserActive(ctx, all[2]!.id, false);
    await massDeprovisioningChecksSettled();
    expect(await alerts(ctx)).toEqual([]);
  });

  it('rejects thresholds out of range', async () => {
    const { tenant } = await buildTenant(db);
    const op = operatorContext(db.em());
    await expect(setMassDeprovisioningSettings(op, tenant.id, { percent: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(setMassDeprovisioningSettings(op, tenant.id, { minUsers: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
