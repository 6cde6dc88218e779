/**
 * The membership closure (ADR 0014): after every kind of change, `membership_closure` equals the
 * closure recomputed from the membership rows, and the answers read from it (memberCount,
 * checkMembership, a member's groups at every depth) are right.
 */
import type { DirectoryContext } from '../../src/domain/context';
import { restoreGroup } from '../../src/domain/deleted/deleted-group.service';
import { restoreUser } from '../../src/domain/deleted/deleted-user.service';
import { changeGroup, deleteGroup } from '../../src/domain/groups/group.service';
import { checkMembership, groupsOfUsers, memberCounts } from '../../src/domain/memberships/membership.graph';
import { groupsContaining, membersOf } from '../../src/domain/memberships/membership.pages';
import { query, sql } from '../../src/domain/sql';
import { deleteUser } from '../../src/domain/users/user.service';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser, tenantContext } from '../support/factories';
import { closureDifferences } from '../support/closure';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const add = (ctx: DirectoryContext, g: string, ...ids: string[]) =>
  changeGroup(ctx, g, [{ kind: 'addMembers', members: ids.map((value) => ({ value })) }]);
const remove = (ctx: DirectoryContext, g: string, ...ids: string[]) =>
  changeGroup(ctx, g, [{ kind: 'removeMembers', ids }]);
const countAll = async (ctx: DirectoryContext, g: string) =>
  (await memberCounts(ctx, [g], 'ALL', 'User')).get(g);
const page = { first: 50, withTotal: true };

/** top ⊃ div ⊃ team ⊃ {u1, u2}; u3 directly in div. */
async function hierarchy(ctx: DirectoryContext) {
  const [top, div, team] = [await buildGroup(ctx), await buildGroup(ctx), await buildGroup(ctx)];
  const [u1, u2, u3] = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
  await add(ctx, team.id, u1.id, u2.id);
  await add(ctx, div.id, team.id, u3.id);
  await add(ctx, top.id, div.id);
  return { top: top.id, div: div.id, team: team.id, u1: u1.id, u2: u2.id, u3: u3.id };
}

describe('membership closure', () => {
  afterEach(async () => {
    expect(await closureDifferences(db)).toEqual([]);
  });

  it('nesting a group brings its members into every group above, and removing it takes them out', async () => {
    const { ctx } = await buildTenant(db);
    const h = await hierarchy(ctx);
    expect(await countAll(ctx, h.top)).toBe(3);
    expect((await memberCounts(ctx, [h.top], 'ALL', 'Group')).get(h.top)).toBe(2);
    expect((await memberCounts(ctx, [h.top], 'INHERITED', 'User')).get(h.top)).toBe(3);
    expect((await memberCounts(ctx, [h.div], 'INHERITED', 'User')).get(h.div)).toBe(2);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div, h.team])).toEqual([h.top, h.div, h.team]);
    const groups = (await groupsContaining(ctx, [h.u1], 'INHERITED', page)).get(h.u1);
    expect(groups?.items.map((g) => g.id).sort()).toEqual([h.top, h.div].sort());
    const members = (await membersOf(ctx, [h.top], 'ALL', 'User', page)).get(h.top);
    expect(members?.items.map((m) => m.id).sort()).toEqual([h.u1, h.u2, h.u3].sort());

    await remove(ctx, h.div, h.team);
    expect(await countAll(ctx, h.top)).toBe(1);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div, h.team])).toEqual([h.team]);
    expect((await groupsOfUsers(ctx, [h.u1])).get(h.u1)?.map((g) => g.id)).toEqual([h.team]);
  });

  it('a member reachable two ways stays in until the last way goes', async () => {
    const { ctx } = await buildTenant(db);
    const h = await hierarchy(ctx);
    await add(ctx, h.div, h.u1); // u1: directly in div, and through team
    await add(ctx, h.top, h.team); // team: directly in top, and through div
    expect(await countAll(ctx, h.top)).toBe(3);
    await remove(ctx, h.div, h.u1);
    expect(await checkMembership(ctx, h.u1, [h.div])).toEqual([h.div]);
    await remove(ctx, h.div, h.team);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div])).toEqual([h.top]);
    expect(await countAll(ctx, h.div)).toBe(1);
    await remove(ctx, h.top, h.team);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div])).toEqual([]);
  });

  it('replacing and clearing members in one PATCH keeps the closure exact', async () => {
    const { ctx } = await buildTenant(db);
    const h = await hierarchy(ctx);
    await changeGroup(ctx, h.div, [
      { kind: 'replaceMembers', members: [{ value: h.u1 }] },
      { kind: 'addMembers', members: [{ value: h.team }] },
    ]);
    expect(await countAll(ctx, h.top)).toBe(2);
    await changeGroup(ctx, h.top, [{ kind: 'removeAllMembers' }]);
    expect(await countAll(ctx, h.top)).toBe(0);
  });

  it('deleting a nested group or a user takes them out of every group above; restoring puts them back', async () => {
    const { ctx } = await buildTenant(db);
    const h = await hierarchy(ctx);
    await deleteGroup(ctx, h.team);
    expect(await countAll(ctx, h.top)).toBe(1);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div])).toEqual([]);
    expect(await closureDifferences(db)).toEqual([]);

    await restoreGroup(ctx, h.team);
    expect(await countAll(ctx, h.top)).toBe(3);
    expect(await checkMembership(ctx, h.u1, [h.top, h.div, h.team])).toEqual([h.top, h.div, h.team]);
    expect(await closureDifferences(db)).toEqual([]);

    await deleteUser(ctx, h.u2);
    expect(await countAll(ctx, h.top)).toBe(2);
    const rows = await query(db.em(), sql`select 1 from membership_closure where member_id = ${h.u2}::uuid`);
    expect(rows).toHaveLength(0);
    expect(await closureDifferences(db)).toEqual([]);

    await restoreUser(ctx, h.u2);
    expect(await countAll(ctx, h.top)).toBe(3);
    expect(await checkMembership(ctx, h.u2, [h.top])).toEqual([h.top]);
  });

  it('deleting the top group leaves no rows of it, and other tenants are untouched', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const ha = await hierarchy(a.ctx);
    const hb = await hierarchy(b.ctx);
    await deleteGroup(a.ctx, ha.top);
    const rows = await query(db.em(), sql`select 1 from membership_closure where group_id = ${ha.top}::uuid`);
    expect(rows).toHaveLength(0);
    expect(await countAll(b.ctx, hb.top)).toBe(3);
    // Another tenant's group is never counted or checked.
    expect(await checkMembership(a.ctx, ha.u1, [hb.top])).toEqual([]);
  });

  it('the check against the recursive closure notices a row the triggers did not keep', async () => {
    const { ctx } = await buildTenant(db);
    const h = await hierarchy(ctx);
    await query(
      db.em(),
      sql`delete from membership_closure where group_id = ${h.top}::uuid and member_id = ${h.u1}::uuid`,
    );
    expect(await closureDifferences(db)).toEqual([
      expect.objectContaining({ diff: 'missing', member_id: h.u1 }),
    ]);
    await query(db.em(), sql`select cp_closure_recompute(array[${h.top}::uuid])`);
  });

  it('concurrent PATCHes on groups that share ancestors neither deadlock nor lose rows', async () => {
    const { tenant, ctx } = await buildTenant(db);
    const top = (await buildGroup(ctx)).id;
    const divs = [(await buildGroup(ctx)).id, (await buildGroup(ctx)).id];
    const teams: string[] = [];
    for (let i = 0; i < 6; i++) teams.push((await buildGroup(ctx)).id);
    for (const d of divs) await add(ctx, top, d);
    const users: string[] = [];
    for (let i = 0; i < 48; i++) users.push((await buildUser(ctx)).id);
    // Each request has a context (and session) of its own, as concurrent HTTP requests do.
    const fresh = () => tenantContext(db, tenant.id);
    const work: Array<Promise<unknown>> = [];
    // Single-member adds into all teams at once (Entra's shape), while the teams are nested into
    // the divisions, moved between them, and one division leaves the top and comes back.
    users.forEach((u, i) => work.push(add(fresh(), teams[i % teams.length]!, u)));
    teams.forEach((t, i) => work.push(add(fresh(), divs[i % 2]!, t)));
    work.push(
      (async () => {
        await remove(fresh(), top, divs[1]!);
        await add(fresh(), top, divs[1]!);
      })(),
    );
    work.push(
      (async () => {
        await add(fresh(), divs[1]!, teams[0]!);
        await remove(fresh(), divs[1]!, teams[0]!);
      })(),
    );
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await countAll(ctx, top)).toBe(48);
    expect(await checkMembership(ctx, users[0]!, [top, divs[0]!])).toEqual([top, divs[0]!]);
    // Users leave in parallel, from all teams at once.
    const leaving = users.slice(0, 24);
    const out = await Promise.allSettled(leaving.map((u, i) => remove(fresh(), teams[i % teams.length]!, u)));
    expect(out.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await countAll(ctx, top)).toBe(24);
  });
});
