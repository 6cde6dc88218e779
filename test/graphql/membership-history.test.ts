import { buildGroup, buildUser } from '../support/factories';
import { codeOf, useGqlApp } from './support';

const { app, db, t } = useGqlApp();

const gql = async (query: string, variables: Record<string, unknown> = {}, key = t.keys.all) => {
  const res = await app.graphql(query, variables, key);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!;
};

/** An instant after everything so far, with the clock moved past it before the next change. */
async function instant(): Promise<string> {
  const t0 = Date.now() + 1;
  while (Date.now() <= t0) await new Promise((r) => setTimeout(r, 1));
  return new Date(t0).toISOString();
}

const ADD = `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`;
const REMOVE = `mutation($g: ID!, $m: [ID!]!) { removeGroupMembers(groupId: $g, memberIds: $m) { id } }`;
const DELETE_GROUP = `mutation($id: ID!) { deleteGroup(id: $id) { id } }`;

describe('asOf and membershipHistory over GraphQL', () => {
  it('answers members, counts, groups, checkMembership and membershipPath as they were', async () => {
    const [ann, bob] = [await buildUser(t.ctx), await buildUser(t.ctx)];
    const [finance, ap] = [
      await buildGroup(t.ctx, { displayName: 'Finance-H' }),
      await buildGroup(t.ctx, { displayName: 'AP-H' }),
    ];
    await gql(ADD, { g: finance.id, m: [ap.id, bob.id] });
    await gql(ADD, { g: ap.id, m: [ann.id] });
    const t1 = await instant();
    await gql(REMOVE, { g: finance.id, m: [bob.id] });
    await gql(DELETE_GROUP, { id: ap.id });
    const t2 = await instant();

    const q = `query($f: ID!, $ann: ID!, $at: DateTimeISO) {
      group(id: $f) {
        members(asOf: $at, membership: ALL) { totalCount edges { node { ... on User { id } ... on Group { id displayName } } } }
        memberCount(asOf: $at, membership: ALL)
      }
      user(id: $ann) { groups(asOf: $at, membership: ALL) { edges { node { displayName } } } }
      checkMembership(userId: $ann, groupIds: [$f], asOf: $at)
      membershipPath(userId: $ann, groupId: $f, asOf: $at) { displayName }
    }`;
    const then = await gql(q, { f: finance.id, ann: ann.id, at: t1 });
    const ids = then.group.members.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    expect(ids).toEqual([ann.id, bob.id, ap.id].sort());
    expect(then.group.members.totalCount).toBe(3);
    expect(then.group.memberCount).toBe(2);
    expect(then.user.groups.edges.map((e: { node: { displayName: string } }) => e.node.displayName)).toEqual([
      'AP-H',
      'Finance-H',
    ]);
    expect(then.checkMembership).toEqual([finance.id]);
    expect(then.membershipPath.map((g: { displayName: string }) => g.displayName)).toEqual([
      'AP-H',
      'Finance-H',
    ]);

    const now = await gql(q, { f: finance.id, ann: ann.id, at: t2 });
    expect(now.group.members.totalCount).toBe(0);
    expect(now.checkMembership).toEqual([]);
    expect(now.membershipPath).toBeNull();
    expect(await gql(q, { f: finance.id, ann: ann.id, at: null })).toEqual(now);

    const history = await gql(
      `query($f: ID!) { membershipHistory(groupId: $f) { totalCount edges { node {
        memberId memberKind groupDisplayName validFrom validTo addedBy removedBy
        member { ... on User { id } ... on Group { id } } group { id } } } } }`,
      { f: finance.id },
    );
    const nodes = history.membershipHistory.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(history.membershipHistory.totalCount).toBe(2);
    const bobRow = nodes.find((n: { memberId: string }) => n.memberId === bob.id);
    expect(bobRow).toMatchObject({
      memberKind: 'USER',
      groupDisplayName: 'Finance-H',
      member: { id: bob.id },
    });
    expect(bobRow.addedBy).toMatch(/^apiKey:/);
    expect(bobRow.removedBy).toBe(bobRow.addedBy);
    const apRow = nodes.find((n: { memberId: string }) => n.memberId === ap.id);
    expect(apRow).toMatchObject({ memberKind: 'GROUP', member: null, group: { id: finance.id } });
    expect(apRow.validTo).not.toBeNull();
  });

  it('asks for a group or a user', async () => {
    const res = await app.graphql(`{ membershipHistory { totalCount } }`, {}, t.keys.read);
    expect(codeOf(res.body)).toBe('BAD_USER_INPUT');
  });

  it('reads only the live tables when asOf is absent', async () => {
    const u = await buildUser(t.ctx);
    const g = await buildGroup(t.ctx);
    db.queries.length = 0;
    await gql(
      `query($g: ID!, $u: ID!) { group(id: $g) { members(membership: ALL) { totalCount } memberCount(membership: INHERITED) }
        user(id: $u) { groups(membership: ALL) { totalCount } } checkMembership(userId: $u, groupIds: [$g])
        membershipPath(userId: $u, groupId: $g) { id } }`,
      { g: g.id, u: u.id },
    );
    expect(db.queries.length).toBeGreaterThan(0);
    expect(db.queries.filter((s) => /membership_interval|membership_deleted_group/.test(s))).toEqual([]);
  });
});
