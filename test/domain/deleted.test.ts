import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser } from '../support/factories';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  findGroup,
  getGroup,
} from '../../src/domain/groups/group.service';
import { listDirectMembers } from '../../src/domain/memberships/membership.service';
import {
  createUser,
  deleteUser,
  findUser,
  getUser,
  setUserActive,
} from '../../src/domain/users/user.service';
import { listDeletedGroups, listDeletedUsers } from '../../src/domain/deleted/deleted.queries';
import { restoreUser, restoreUsers } from '../../src/domain/deleted/deleted-user.service';
import { restoreGroup } from '../../src/domain/deleted/deleted-group.service';
import { purgeDeleted } from '../../src/domain/deleted/deleted.retention';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const page = { first: 50, withTotal: true };
const NO_ENTERPRISE = {
  employeeNumber: null,
  costCenter: null,
  organization: null,
  division: null,
  department: null,
};
const memberIds = async (ctx: Parameters<typeof listDirectMembers>[0], groupId: string) =>
  (await listDirectMembers(ctx, groupId)).map((m) => m.value).sort();

describe('restorable deletes', () => {
  it('a deleted user is gone at once and its userName is free, yet listed as deleted', async () => {
    const { ctx } = await buildTenant(db);
    const u = await buildUser(ctx, { userName: 'jane@example.com', displayName: 'Jane' });
    await deleteUser(ctx, u.id);
    expect(await findUser(ctx, u.id)).toBeNull();
    const again = await buildUser(ctx, { userName: 'JANE@example.com' });
    expect(again.id).not.toBe(u.id);
    const listed = await listDeletedUsers(ctx, page);
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({
      id: u.id,
      userName: 'jane@example.com',
      displayName: 'Jane',
      deletedBy: 'scim:test',
      requestId: ctx.requestId,
    });
  });

  it('restores a user with the same id, attributes, roles, memberships, manager and reports', async () => {
    const { ctx } = await buildTenant(db);
    const boss = await buildUser(ctx);
    const u = await createUser(
      ctx,
      {
        userName: 'restore-me@example.com',
        displayName: 'Restore Me',
        emails: [{ value: 'r@example.com', type: 'work', primary: true }],
        enterprise: { ...NO_ENTERPRISE, managerId: boss.id },
        roles: [{ value: 'Approver', primary: true }, { value: 'Reader' }],
      },
      'SCIM',
    );
    const report = await buildUser(ctx, { enterprise: { ...NO_ENTERPRISE, managerId: u.id } });
    const g1 = await buildGroup(ctx, { members: [{ value: u.id, display: 'shown' }, { value: boss.id }] });
    const g2 = await buildGroup(ctx, { members: [{ value: u.id }] });
    const gone = await buildGroup(ctx, { members: [{ value: u.id }] });
    const before = await getUser(ctx, u.id);

    await deleteUser(ctx, u.id);
    await deleteGroup(ctx, gone.id);
    expect((await getUser(ctx, report.id)).enterprise.managerId).toBeNull();
    expect(await memberIds(ctx, g1.id)).toEqual([boss.id]);

    const restored = await restoreUser(ctx, u.id);
    expect(restored.id).toBe(u.id);
    expect(restored.version).toBe(before.version + 1);
    // The stored record comes back as it was; only the version and updatedAt move, as for any change.
    expect({ ...restored, version: 0, updatedAt: null }).toEqual({ ...before, version: 0, updatedAt: null });
    expect(restored.createdAt).toEqual(before.createdAt);
    expect(restored.roles.map((r) => [r.value, r.primary])).toEqual([
      ['Approver', true],
      ['Reader', false],
    ]);
    expect(restored.enterprise.managerId).toBe(boss.id);
    expect(await memberIds(ctx, g1.id)).toEqual([u.id, boss.id].sort());
    expect(await memberIds(ctx, g2.id)).toEqual([u.id]);
    expect((await listDirectMembers(ctx, g1.id)).find((m) => m.value === u.id)?.display).toBe('shown');
    expect((await getUser(ctx, report.id)).enterprise.managerId).toBe(u.id);
    expect((await listDeletedUsers(ctx, page)).total).toBe(0);
    const events = await query<{ action: string }>(
      ctx.em,
      sql`select action from audit_event where tenant_id = ${ctx.tenantId} and resource_id = ${u.id} and action like 'user.%' order by id`,
    );
    expect(events.map((e) => e.action)).toEqual(['user.created', 'user.deleted', 'user.restored']);
    // The feed carries the restored state, and each membership put back is a member_added event.
    const [restoredEvent] = await query<{ data: { userName: string; roles: unknown[] } }>(
      ctx.em,
      sql`select data from audit_event where resource_id = ${u.id} and action = 'user.restored'`,
    );
    expect(restoredEvent!.data.userName).toBe(before.userName);
    expect(restoredEvent!.data.roles).toHaveLength(before.roles.length);
    const readded = await query<{ group_id: string }>(
      ctx.em,
      sql`select resource_id as group_id from audit_event where action = 'group.member_added'
       and data->'member'->>'id' = ${u.id} and id > (select id from audit_event where resource_id = ${u.id} and action = 'user.deleted')`,
    );
    expect(readded.map((r) => r.group_id).sort()).toEqual([g1.id, g2.id].sort());
    // The membership history shows the deletion closing the interval and the restore opening a new
    // one, each with its actor.
    const history = await query<{
      valid_to: Date | null;
      added_by: string | null;
      removed_by: string | null;
    }>(
      ctx.em,
      sql`select valid_to, added_by, removed_by from membership_interval
       where group_id = ${g2.id} and member_id = ${u.id} order by valid_from`,
    );
    const actor = `${ctx.actor.kind}:${ctx.actor.id}`;
    expect(history).toEqual([
      expect.objectContaining({ removed_by: actor }),
      expect.objectContaining({ valid_to: null, added_by: actor }),
    ]);
    await expect(restoreUser(ctx, u.id)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('refuses to restore a user whose userName was taken meanwhile, naming the clash, and keeps it restorable', async () => {
    const { ctx } = await buildTenant(db);
    const u = await buildUser(ctx, { userName: 'clash@example.com' });
    await deleteUser(ctx, u.id);
    const taker = await buildUser(ctx, { userName: 'Clash@Example.com' });
    const err = await restoreUser(ctx, u.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USER_NAME_TAKEN', details: { conflictingId: taker.id } });
    expect((err as Error).message).toContain('clash@example.com');
    expect((err as Error).message).toContain(taker.id);
    expect((await listDeletedUsers(ctx, page)).total).toBe(1);
    await deleteUser(ctx, taker.id);
    await expect(restoreUser(ctx, u.id)).resolves.toMatchObject({ id: u.id });
  });

  it('restores a group with its members and parents that still exist, and not into a cycle', async () => {
    const { ctx } = await buildTenant(db);
    const [a, b] = [await buildUser(ctx), await buildUser(ctx)];
    const child = await buildGroup(ctx);
    const parent = await buildGroup(ctx);
    const other = await buildGroup(ctx);
    const g = await createGroup(
      ctx,
      { displayName: 'Finance', members: [{ value: a.id }, { value: b.id }, { value: child.id }] },
      'SCIM',
    );
    await changeGroup(ctx, parent.id, [{ kind: 'addMembers', members: [{ value: g.id }] }]);
    await changeGroup(ctx, other.id, [{ kind: 'addMembers', members: [{ value: g.id }] }]);
    await deleteGroup(ctx, g.id);
    expect(await findGroup(ctx, g.id)).toBeNull();
    const listed = await listDeletedGroups(ctx, { ...page, search: 'fin' });
    expect(listed.items[0]).toMatchObject({
      id: g.id,
      displayName: 'Finance',
      memberCount: 3,
      parentCount: 2,
    });
    await deleteUser(ctx, b.id);
    // While it was gone, `other` went under `child`: putting g back into `other` would be a cycle.
    await changeGroup(ctx, child.id, [{ kind: 'addMembers', members: [{ value: other.id }] }]);

    const restored = await restoreGroup(ctx, g.id);
    expect(restored).toMatchObject({ id: g.id, displayName: 'Finance', version: g.version + 1 });
    expect(await memberIds(ctx, g.id)).toEqual([a.id, child.id].sort());
    expect(await memberIds(ctx, parent.id)).toEqual([g.id]);
    expect(await memberIds(ctx, other.id)).toEqual([]);
    expect(ctx.warnings.join()).toContain(other.id);
  });

  it('refuses to restore a group whose displayName was taken meanwhile', async () => {
    const { ctx } = await buildTenant(db);
    const g = await buildGroup(ctx, { displayName: 'Sales' });
    await deleteGroup(ctx, g.id);
    const taker = await buildGroup(ctx, { displayName: 'SALES' });
    const err = await restoreGroup(ctx, g.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GROUP_NAME_TAKEN', details: { conflictingId: taker.id } });
    expect((err as Error).message).toContain('"Sales"');
    await expect(getGroup(ctx, taker.id)).resolves.toBeTruthy();
  });

  it('lists newest first, pages with a cursor and searches by a userName prefix', async () => {
    const { ctx } = await buildTenant(db);
    const users = [];
    for (const name of ['ann', 'bob', 'anna', 'carl'])
      users.push(await buildUser(ctx, { userName: `${name}@x.test` }));
    for (const u of users) await deleteUser(ctx, u.id);
    const first = await listDeletedUsers(ctx, { first: 3, withTotal: true });
    expect(first.items.map((u) => u.userName)).toEqual(['carl@x.test', 'anna@x.test', 'bob@x.test']);
    expect(first).toMatchObject({ hasNext: true, total: 4 });
    const second = await listDeletedUsers(ctx, { first: 3, withTotal: false, after: first.cursors[2]! });
    expect(second.items.map((u) => u.userName)).toEqual(['ann@x.test']);
    expect(second.hasNext).toBe(false);
    const found = await listDeletedUsers(ctx, { ...page, search: 'AN' });
    expect(found.items.map((u) => u.userName)).toEqual(['anna@x.test', 'ann@x.test']);
  });

  it("keeps tenants apart: B neither lists nor restores A's deleted users and groups", async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const u = await buildUser(a.ctx);
    const g = await buildGroup(a.ctx);
    await deleteUser(a.ctx, u.id);
    await deleteGroup(a.ctx, g.id);
    expect((await listDeletedUsers(b.ctx, page)).total).toBe(0);
    expect((await listDeletedGroups(b.ctx, page)).total).toBe(0);
    await expect(restoreUser(b.ctx, u.id)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(restoreGroup(b.ctx, g.id)).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    expect((await restoreUsers(b.ctx, new Date(0))).restored).toBe(0);
    await expect(restoreUser(a.ctx, u.id)).resolves.toMatchObject({ id: u.id });
  });

  it('purges archive rows older than the retention period, in batches, and keeps newer ones', async () => {
    const { ctx } = await buildTenant(db);
    const old = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
    const recent = await buildUser(ctx);
    const oldGroup = await buildGroup(ctx);
    for (const u of [...old, recent]) await deleteUser(ctx, u.id);
    await deleteGroup(ctx, oldGroup.id);
    await query(
      ctx.em,
      sql`update deleted_user set deleted_at = now() - interval '31 days' where tenant_id = ${ctx.tenantId} and id <> ${recent.id}`,
    );
    await query(
      ctx.em,
      sql`update deleted_group set deleted_at = now() - interval '31 days' where tenant_id = ${ctx.tenantId}`,
    );
    const cutoff = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    expect(await purgeDeleted(db.em(), cutoff, 2)).toBeGreaterThanOrEqual(4);
    expect((await listDeletedUsers(ctx, page)).items.map((u) => u.id)).toEqual([recent.id]);
    expect((await listDeletedGroups(ctx, page)).total).toBe(0);
    await expect(restoreUser(ctx, old[0]!.id)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('restoreUsers(since) restores the deleted and re-enables the disabled since then, reporting conflicts', async () => {
    const { ctx } = await buildTenant(db);
    const earlier = await buildUser(ctx);
    const disabledEarlier = await buildUser(ctx);
    await deleteUser(ctx, earlier.id);
    await setUserActive(ctx, disabledEarlier.id, false);
    await query(
      ctx.em,
      sql`update user_deprovisioning set at = now() - interval '2 hours' where tenant_id = ${ctx.tenantId}`,
    );
    await query(
      ctx.em,
      sql`update deleted_user set deleted_at = now() - interval '2 hours' where tenant_id = ${ctx.tenantId}`,
    );
    const since = new Date(Date.now() - 60_000);
    const [d1, d2, clash, x1, x2] = [
      await buildUser(ctx),
      await buildUser(ctx),
      await buildUser(ctx, { userName: 'taken@x.test' }),
      await buildUser(ctx),
      await buildUser(ctx),
    ];
    for (const u of [d1, d2, clash]) await deleteUser(ctx, u.id);
    for (const u of [x1, x2]) await setUserActive(ctx, u.id, false);
    const taker = await buildUser(ctx, { userName: 'taken@x.test' });

    const result = await restoreUsers(ctx, since);
    expect(result).toMatchObject({ restored: 2, reenabled: 2 });
    expect(result.conflicts).toEqual([
      expect.objectContaining({ id: clash.id, name: 'taken@x.test', conflictingId: taker.id }),
    ]);
    for (const u of [d1, d2, x1, x2]) expect((await getUser(ctx, u.id)).active).toBe(true);
    expect(await findUser(ctx, earlier.id)).toBeNull();
    expect((await getUser(ctx, disabledEarlier.id)).active).toBe(false);
  });
});
