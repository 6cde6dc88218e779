import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser, tenantContext } from '../support/factories';
import { changeGroup, deleteGroup, getGroup, replaceGroup } from '../../src/domain/groups/group.service';
import { listDirectMembers } from '../../src/domain/memberships/membership.service';
import { deleteUser } from '../../src/domain/users/user.service';
import { query, sql } from '../../src/domain/sql';
import { groupsOfUsers } from '../../src/domain/memberships/membership.graph';
import { groupsContaining, membersOf } from '../../src/domain/memberships/membership.pages';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const memberIds = async (ctx: Parameters<typeof listDirectMembers>[0], groupId: string) =>
  (await listDirectMembers(ctx, groupId)).map((m) => m.value).sort();

describe('groups and memberships', () => {
  it('rejects a duplicate displayName in any case, per tenant', async () => {
    const { ctx } = await buildTenant(db);
    await buildGroup(ctx, { displayName: 'Finance' });
    await expect(buildGroup(ctx, { displayName: 'FINANCE' })).rejects.toMatchObject({
      code: 'GROUP_NAME_TAKEN',
    });
    const other = await buildTenant(db);
    await expect(buildGroup(other.ctx, { displayName: 'finance' })).resolves.toMatchObject({
      displayName: 'finance',
    });
  });

  it('adds members idempotently, skips unknown ids with a warning, removes only listed ones', async () => {
    const { ctx } = await buildTenant(db);
    const [a, b, c] = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
    const g = await buildGroup(ctx);
    await changeGroup(ctx, g.id, [
      { kind: 'addMembers', members: [{ value: a.id }, { value: b.id }, { value: 'nope' }] },
    ]);
    await changeGroup(ctx, g.id, [{ kind: 'addMembers', members: [{ value: a.id }, { value: c.id }] }]);
    expect(await memberIds(ctx, g.id)).toEqual([a.id, b.id, c.id].sort());
    expect(ctx.warnings.join()).toMatch(/nope/);
    await changeGroup(ctx, g.id, [{ kind: 'removeMembers', ids: [b.id] }]);
    expect(await memberIds(ctx, g.id)).toEqual([a.id, c.id].sort());
    await changeGroup(ctx, g.id, [{ kind: 'replaceMembers', members: [{ value: b.id }] }]);
    expect(await memberIds(ctx, g.id)).toEqual([b.id]);
    await changeGroup(ctx, g.id, [{ kind: 'removeAllMembers' }]);
    expect(await memberIds(ctx, g.id)).toEqual([]);
    expect((await getGroup(ctx, g.id)).version).toBe(6);
  });

  it('does not add members of another tenant', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const foreign = await buildUser(b.ctx);
    const g = await buildGroup(a.ctx);
    await changeGroup(a.ctx, g.id, [{ kind: 'addMembers', members: [{ value: foreign.id }] }]);
    expect(await memberIds(a.ctx, g.id)).toEqual([]);
    await expect(changeGroup(b.ctx, g.id, [{ kind: 'removeAllMembers' }])).rejects.toMatchObject({
      code: 'GROUP_NOT_FOUND',
    });
  });

  it('rejects a group containing itself directly or through nesting, and writes nothing', async () => {
    const { ctx } = await buildTenant(db);
    const [g1, g2, g3] = [await buildGroup(ctx), await buildGroup(ctx), await buildGroup(ctx)];
    await expect(
      changeGroup(ctx, g1.id, [{ kind: 'addMembers', members: [{ value: g1.id }] }]),
    ).rejects.toMatchObject({
      code: 'MEMBERSHIP_CYCLE',
    });
    await changeGroup(ctx, g1.id, [{ kind: 'addMembers', members: [{ value: g2.id }] }]);
    await changeGroup(ctx, g2.id, [{ kind: 'addMembers', members: [{ value: g3.id }] }]);
    const u = await buildUser(ctx);
    await expect(
      changeGroup(ctx, g3.id, [
        { kind: 'setAttributes', displayName: 'renamed' },
        { kind: 'addMembers', members: [{ value: u.id }, { value: g1.id }] },
      ]),
    ).rejects.toMatchObject({ code: 'MEMBERSHIP_CYCLE' });
    expect(await memberIds(ctx, g3.id)).toEqual([]);
    expect((await getGroup(ctx, g3.id)).displayName).toBe(g3.displayName);
  });

  it('keeps every member when 48 single-member adds and 16 removes run in parallel on one group', async () => {
    const { ctx, tenant } = await buildTenant(db);
    const g = await buildGroup(ctx);
    const users = await Promise.all(Array.from({ length: 64 }, () => buildUser(ctx)));
    const toRemove = users.slice(48);
    await changeGroup(ctx, g.id, [{ kind: 'addMembers', members: toRemove.map((u) => ({ value: u.id })) }]);
    await Promise.all([
      ...users
        .slice(0, 48)
        .map((u) =>
          changeGroup(tenantContext(db, tenant.id), g.id, [
            { kind: 'addMembers', members: [{ value: u.id }] },
          ]),
        ),
      ...toRemove.map((u) =>
        changeGroup(tenantContext(db, tenant.id), g.id, [{ kind: 'removeMembers', ids: [u.id] }]),
      ),
    ]);
    expect(await memberIds(ctx, g.id)).toEqual(
      users
        .slice(0, 48)
        .map((u) => u.id)
        .sort(),
    );
  });

  it('replaces a group (PUT) and removes memberships with deleted users and groups', async () => {
    const { ctx } = await buildTenant(db);
    const [u1, u2] = [await buildUser(ctx), await buildUser(ctx)];
    const parent = await buildGroup(ctx);
    const child = await buildGroup(ctx, { members: [{ value: u1.id }] });
    await replaceGroup(ctx, parent.id, {
      displayName: 'Parent',
      members: [{ value: u1.id }, { value: u2.id }, { value: child.id }],
    });
    expect((await getGroup(ctx, parent.id)).displayName).toBe('Parent');
    await deleteUser(ctx, u1.id);
    await deleteGroup(ctx, child.id);
    expect(await memberIds(ctx, parent.id)).toEqual([u2.id]);
    await expect(deleteGroup(ctx, child.id)).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });

  it('writes the audit event in the same transaction: a failed change leaves neither change nor event', async () => {
    const { ctx } = await buildTenant(db);
    const g = await buildGroup(ctx);
    const taken = await buildGroup(ctx);
    await expect(
      changeGroup(ctx, g.id, [{ kind: 'setAttributes', displayName: taken.displayName.toUpperCase() }]),
    ).rejects.toMatchObject({
      code: 'GROUP_NAME_TAKEN',
    });
    const events = await query<{ action: string }>(
      db.em(),
      sql`select action from audit_event where resource_id = ${g.id}`,
    );
    expect(events.map((e) => e.action)).toEqual(['group.created']);
    await expect(
      query(db.em(), sql`update audit_event set action = 'x' where resource_id = ${g.id}`),
    ).rejects.toThrow(/append-only/);
  });
});

describe('membership reads stay inside the tenant that asks', () => {
  it('groupsOfUsers, groupsContaining and membersOf answer nothing for another tenant’s ids', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const user = await buildUser(a.ctx);
    const team = await buildGroup(a.ctx, { displayName: 'Team', members: [{ value: user.id }] });
    const top = await buildGroup(a.ctx, { displayName: 'Top', members: [{ value: team.id }] });
    const page = { first: 10, withTotal: false };

    // The owning tenant sees the memberships (the control for the checks below).
    expect((await groupsOfUsers(a.ctx, [user.id])).get(user.id)?.map((g) => g.displayName)).toEqual([
      'Team',
      'Top',
    ]);
    expect((await groupsContaining(a.ctx, [user.id], 'ALL', page)).get(user.id)?.items).toHaveLength(2);
    expect((await membersOf(a.ctx, [top.id], 'ALL', 'User', page)).get(top.id)?.items).toEqual([
      { id: user.id, type: 'User' },
    ]);

    expect((await groupsOfUsers(b.ctx, [user.id])).get(user.id)).toEqual([]);
    expect((await groupsContaining(b.ctx, [user.id], 'ALL', page)).get(user.id)?.items).toEqual([]);
    for (const depth of ['DIRECT', 'ALL'] as const) {
      expect((await membersOf(b.ctx, [team.id], depth, 'Any', page)).get(team.id)?.items).toEqual([]);
    }
  });
});
