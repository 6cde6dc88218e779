import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser } from '../support/factories';
import type { DirectoryContext } from '../../src/domain/context';
import { changeGroup, deleteGroup } from '../../src/domain/groups/group.service';
import { checkMembership, membershipPath, memberCounts } from '../../src/domain/memberships/membership.graph';
import { membershipHistory } from '../../src/domain/memberships/membership.history';
import { groupsContaining, membersOf } from '../../src/domain/memberships/membership.pages';
import { deleteUser } from '../../src/domain/users/user.service';
import { inTransaction, query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const add = (ctx: DirectoryContext, groupId: string, ids: string[]) =>
  changeGroup(ctx, groupId, [{ kind: 'addMembers', members: ids.map((value) => ({ value })) }]);
const remove = (ctx: DirectoryContext, groupId: string, ids: string[]) =>
  changeGroup(ctx, groupId, [{ kind: 'removeMembers', ids }]);

/** The database's clock just after the last change committed, then a tick so the next change is later. */
async function instant(): Promise<Date> {
  const t = new Date(Date.now() + 1);
  while (Date.now() <= t.getTime()) await new Promise((r) => setTimeout(r, 1));
  return t;
}

const history = (ctx: DirectoryContext, q: { groupId?: string; memberId?: string }) =>
  membershipHistory(ctx, { ...q, first: 100 }).then((p) => p.items);

describe('membership history', () => {
  it('records who added and removed a member, and answers checkMembership at each instant', async () => {
    const { ctx } = await buildTenant(db);
    const u = await buildUser(ctx);
    const g = await buildGroup(ctx);
    const before = await instant();
    await add({ ...ctx, requestId: 'req-add' }, g.id, [u.id]);
    const during = await instant();
    await remove({ ...ctx, actor: { kind: 'apiKey', id: 'k1' }, requestId: 'req-remove' }, g.id, [u.id]);
    const after = await instant();

    const [interval, ...rest] = await history(ctx, { groupId: g.id });
    expect(rest).toEqual([]);
    expect(interval).toMatchObject({
      groupId: g.id,
      groupDisplayName: g.displayName,
      memberId: u.id,
      memberType: 'User',
      addedBy: 'scim:test',
      addedRequestId: 'req-add',
      removedBy: 'apiKey:k1',
      removedRequestId: 'req-remove',
    });
    expect(interval!.validFrom.getTime()).toBeLessThan(during.getTime());
    expect(interval!.validTo!.getTime()).toBeGreaterThan(during.getTime());
    expect(await checkMembership(ctx, u.id, [g.id], before)).toEqual([]);
    expect(await checkMembership(ctx, u.id, [g.id], during)).toEqual([g.id]);
    expect(await checkMembership(ctx, u.id, [g.id], after)).toEqual([]);
    expect(await checkMembership(ctx, u.id, [g.id])).toEqual([]);
  });

  it('keeps no interval for a member added and removed in one transaction, and one unbroken interval for a remove and re-add', async () => {
    const { ctx } = await buildTenant(db);
    const [u, v] = [await buildUser(ctx), await buildUser(ctx)];
    const g = await buildGroup(ctx);
    await add(ctx, g.id, [v.id]);
    await changeGroup(ctx, g.id, [
      { kind: 'addMembers', members: [{ value: u.id }] },
      { kind: 'removeMembers', ids: [u.id, v.id] },
      { kind: 'addMembers', members: [{ value: v.id }] },
    ]);
    const rows = await history(ctx, { groupId: g.id });
    expect(rows.map((r) => [r.memberId, r.validTo])).toEqual([[v.id, null]]);
    // A SCIM PUT replaces the member set: the members it keeps are not touched.
    await changeGroup(ctx, g.id, [{ kind: 'replaceMembers', members: [{ value: v.id }, { value: u.id }] }]);
    expect((await history(ctx, { groupId: g.id })).map((r) => [r.memberId, r.validTo])).toEqual([
      [v.id, null],
      [u.id, null],
    ]);
  });

  it('closes the intervals of a deleted user and group with the deleting actor, and keeps the group nameable', async () => {
    const { ctx } = await buildTenant(db);
    const [u, w] = [await buildUser(ctx), await buildUser(ctx)];
    const [top, mid] = [await buildGroup(ctx), await buildGroup(ctx)];
    await add(ctx, top.id, [mid.id]);
    await add(ctx, mid.id, [u.id, w.id]);
    const both = await instant();
    await deleteUser({ ...ctx, requestId: 'req-del-user' }, w.id);
    const withoutW = await instant();
    await deleteGroup({ ...ctx, requestId: 'req-del-group' }, mid.id);
    const after = await instant();

    const wRows = await history(ctx, { memberId: w.id });
    expect(wRows).toMatchObject([
      { groupId: mid.id, removedBy: 'scim:test', removedRequestId: 'req-del-user' },
    ]);
    const midRows = await history(ctx, { groupId: mid.id });
    expect(midRows.every((r) => r.validTo !== null && r.groupDisplayName === mid.displayName)).toBe(true);
    expect((await history(ctx, { memberId: mid.id }))[0]).toMatchObject({
      groupId: top.id,
      removedRequestId: 'req-del-group',
    });

    // The deleted user is still known at a past instant; the deleted group still makes the path.
    expect(await checkMembership(ctx, w.id, [top.id, mid.id], both)).toEqual([top.id, mid.id]);
    expect(await checkMembership(ctx, w.id, [top.id], withoutW)).toEqual([]);
    expect((await membershipPath(ctx, u.id, top.id, withoutW))?.map((x) => x.displayName)).toEqual([
      mid.displayName,
      top.displayName,
    ]);
    expect(await membershipPath(ctx, u.id, top.id, after)).toBeNull();
    await expect(checkMembership(ctx, w.id, [top.id])).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });

    const page = { first: 10, withTotal: true };
    const groups = await groupsContaining(ctx, [u.id], 'ALL', page, both);
    expect(
      groups
        .get(u.id)
        ?.items.map((x) => x.id)
        .sort(),
    ).toEqual([top.id, mid.id].sort());
    const members = await membersOf(ctx, [top.id], 'ALL', 'User', page, both);
    expect(
      members
        .get(top.id)
        ?.items.map((x) => x.id)
        .sort(),
    ).toEqual([u.id, w.id].sort());
    expect(members.get(top.id)?.total).toBe(2);
    expect((await memberCounts(ctx, [top.id], 'ALL', 'User', withoutW)).get(top.id)).toBe(1);
    expect((await memberCounts(ctx, [top.id], 'ALL', 'User', after)).get(top.id)).toBe(0);
  });

  it('pages through the history with a cursor and bounds it by time', async () => {
    const { ctx } = await buildTenant(db);
    const users = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
    const g = await buildGroup(ctx);
    for (const u of users) await add(ctx, g.id, [u.id]);
    const mid = await instant();
    for (const u of users) await remove(ctx, g.id, [u.id]);
    const first = await membershipHistory(ctx, { groupId: g.id, first: 2 });
    expect(first.hasNext).toBe(true);
    const second = await membershipHistory(ctx, { groupId: g.id, first: 2, after: first.cursors[1]! });
    expect([...first.items, ...second.items].map((r) => r.memberId)).toEqual(users.map((u) => u.id));
    expect(second.hasNext).toBe(false);
    expect((await membershipHistory(ctx, { groupId: g.id, first: 10, to: mid })).items).toHaveLength(3);
    const later = new Date(Date.now() + 60_000);
    expect((await membershipHistory(ctx, { groupId: g.id, first: 10, from: later })).items).toHaveLength(0);
  });

  it('does not show another tenant its history', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const u = await buildUser(a.ctx);
    const g = await buildGroup(a.ctx);
    await add(a.ctx, g.id, [u.id]);
    expect(await history(b.ctx, { groupId: g.id })).toEqual([]);
    await expect(checkMembership(b.ctx, u.id, [g.id], new Date())).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });

  it('goes with its tenant (no application path deletes one; the foreign keys must still allow it)', async () => {
    const { ctx, tenant } = await buildTenant(db);
    const u = await buildUser(ctx);
    const [g, h] = [await buildGroup(ctx), await buildGroup(ctx)];
    await add(ctx, g.id, [u.id, h.id]);
    await deleteGroup(ctx, h.id);
    await query(db.em(), sql`delete from tenant where id = ${tenant.id}`);
    const left = await query<{ n: number }>(
      db.em(),
      sql`select (select count(*) from membership_interval where tenant_id = ${tenant.id})
        + (select count(*) from membership_deleted_group where tenant_id = ${tenant.id}) as n`,
    );
    expect(Number(left[0]!.n)).toBe(0);
  });

  it('gives each transaction one instant: its changes are all at its start', async () => {
    const { ctx } = await buildTenant(db);
    const [u, v] = [await buildUser(ctx), await buildUser(ctx)];
    const [g, h] = [await buildGroup(ctx), await buildGroup(ctx)];
    await inTransaction(ctx, async (tx) => {
      await add(tx, g.id, [u.id]);
      await new Promise((r) => setTimeout(r, 5));
      await add(tx, h.id, [v.id]);
    });
    const rows = [...(await history(ctx, { groupId: g.id })), ...(await history(ctx, { groupId: h.id }))];
    expect(rows[0]!.validFrom.getTime()).toBe(rows[1]!.validFrom.getTime());
  });
});
