import { randomUUID } from 'node:crypto';
import { buildGroup, buildUser } from '../support/factories';
import { addMembers, codeOf, useGqlApp } from './support';

const { app, t } = useGqlApp();
// Finance ⊃ {a, b, AP}; AP ⊃ {c, d, APX}; APX ⊃ {e, a}; Other ⊃ {f}. g (Admin) and h are in no group.
const u: Record<string, string> = {};
const g: Record<string, string> = {};

beforeAll(async () => {
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
    const roles = name === 'a' || name === 'g' ? [{ value: 'Admin' }] : [];
    u[name] = (await buildUser(t.ctx, { userName: `${name}@example.com`, roles })).id;
  }
  for (const name of ['Finance', 'AP', 'APX', 'Other']) {
    g[name] = (await buildGroup(t.ctx, { displayName: name })).id;
  }
  await addMembers(t.ctx, g.Finance!, [u.a!, u.b!, g.AP!]);
  await addMembers(t.ctx, g.AP!, [u.c!, u.d!, g.APX!]);
  await addMembers(t.ctx, g.APX!, [u.e!, u.a!]);
  await addMembers(t.ctx, g.Other!, [u.f!]);
});

const names = (ids: string[]) =>
  ids.map((id) => Object.entries({ ...u, ...g }).find(([, v]) => v === id)?.[0] ?? id).sort();
const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const res = await app.graphql(query, variables, t.keys.read);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!;
};

describe('nested groups: DIRECT, INHERITED and ALL', () => {
  it('lists members and counts them at each depth', async () => {
    const data = await gql(
      `query($id: ID!) { group(id: $id) {
        direct: members { totalCount edges { node { __typename ... on User { id } ... on Group { id } } } }
        inherited: members(membership: INHERITED) { totalCount edges { node { ... on User { id } ... on Group { id } } } }
        all: members(membership: ALL) { totalCount edges { node { ... on User { id } ... on Group { id } } } }
        allUsers: members(membership: ALL, kind: USER) { totalCount }
        cDirect: memberCount cInherited: memberCount(membership: INHERITED) cAll: memberCount(membership: ALL)
        cAllGroups: memberCount(membership: ALL, kind: GROUP)
      } }`,
      { id: g.Finance },
    );
    const ids = (c: { edges: Array<{ node: { id: string } }> }) => names(c.edges.map((e) => e.node.id));
    const group = data.group;
    expect(ids(group.direct)).toEqual(['AP', 'a', 'b']);
    expect(group.direct.totalCount).toBe(3);
    expect(ids(group.inherited)).toEqual(['APX', 'c', 'd', 'e']);
    expect(ids(group.all)).toEqual(['AP', 'APX', 'a', 'b', 'c', 'd', 'e']);
    expect(group.all.totalCount).toBe(7);
    expect(group.allUsers.totalCount).toBe(5);
    expect([group.cDirect, group.cInherited, group.cAll, group.cAllGroups]).toEqual([3, 3, 5, 2]);
  });

  it("lists a user's groups and a group's parents at each depth", async () => {
    const data = await gql(
      `query($a: ID!, $e: ID!, $apx: ID!) {
        a: user(id: $a) { direct: groups { edges { node { id } } } all: groups(membership: ALL) { edges { node { id } } }
          inherited: groups(membership: INHERITED) { totalCount edges { node { id } } } }
        e: user(id: $e) { all: groups(membership: ALL) { totalCount edges { node { displayName } } } }
        apx: group(id: $apx) { direct: parents { edges { node { id } } } all: parents(membership: ALL) { edges { node { id } } }
          inherited: parents(membership: INHERITED) { edges { node { id } } } }
      }`,
      { a: u.a, e: u.e, apx: g.APX },
    );
    const ids = (c: { edges: Array<{ node: { id: string } }> }) => names(c.edges.map((e) => e.node.id));
    expect(ids(data.a.direct)).toEqual(['APX', 'Finance']);
    expect(ids(data.a.all)).toEqual(['AP', 'APX', 'Finance']);
    expect(ids(data.a.inherited)).toEqual(['AP']);
    expect(data.e.all.totalCount).toBe(3);
    // Ordered by displayName, case-insensitively.
    expect(data.e.all.edges.map((x: { node: { displayName: string } }) => x.node.displayName)).toEqual([
      'AP',
      'APX',
      'Finance',
    ]);
    expect(ids(data.apx.direct)).toEqual(['AP']);
    expect(ids(data.apx.all)).toEqual(['AP', 'Finance']);
    expect(ids(data.apx.inherited)).toEqual(['Finance']);
  });

  it('filters users by memberOf at each depth, typed and as memberOfAny', async () => {
    const q = `query($f: UserFilter) { users(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
    const run = async (f: unknown) =>
      names((await gql(q, { f })).users.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(await run({ memberOf: { groupId: g.Finance } })).toEqual(['a', 'b']);
    expect(await run({ memberOf: { groupId: g.Finance, membership: 'INHERITED' } })).toEqual(['c', 'd', 'e']);
    expect(await run({ memberOf: { groupId: g.Finance, membership: 'ALL' } })).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    // "Which users hold Admin but are in no group?"
    expect(await run({ role: { equals: 'Admin' }, memberOfAny: false })).toEqual(['g']);
    expect(await run({ or: [{ memberOfAny: false }, { userName: { equals: 'b@example.com' } }] })).toEqual([
      'b',
      'g',
      'h',
    ]);
    expect(await run({ not: { memberOfAny: true } })).toEqual(['g', 'h']);
  });

  it('answers checkMembership for many ids in one call, in the order given', async () => {
    const ids = [g.Other, g.Finance, 'not-a-uuid', randomUUID(), g.APX, g.AP];
    const many = [...ids, ...Array.from({ length: 200 }, () => randomUUID())];
    const data = await gql(`query($u: ID!, $ids: [ID!]!) { checkMembership(userId: $u, groupIds: $ids) }`, {
      u: u.e,
      ids: many,
    });
    expect(data.checkMembership).toEqual([g.Finance, g.APX, g.AP]);
    const res = await app.graphql(
      `query($u: ID!) { checkMembership(userId: $u, groupIds: []) }`,
      { u: randomUUID() },
      t.keys.read,
    );
    expect(codeOf(res.body)).toBe('NOT_FOUND');
  });

  it('explains a membership with the shortest path, or null', async () => {
    const q = `query($u: ID!, $g: ID!) { membershipPath(userId: $u, groupId: $g) { displayName } }`;
    const path = async (user: string, group: string) =>
      (await gql(q, { u: user, g: group })).membershipPath?.map(
        (x: { displayName: string }) => x.displayName,
      ) ?? null;
    expect(await path(u.e!, g.Finance!)).toEqual(['APX', 'AP', 'Finance']);
    expect(await path(u.a!, g.Finance!)).toEqual(['Finance']);
    expect(await path(u.a!, g.AP!)).toEqual(['APX', 'AP']);
    expect(await path(u.f!, g.Finance!)).toBeNull();
    const res = await app.graphql(q, { u: u.a, g: randomUUID() }, t.keys.read);
    expect(codeOf(res.body)).toBe('NOT_FOUND');
  });

  it('orders groups by member count, direct or through nesting', async () => {
    const q = `query($o: GroupOrder, $after: String) { groups(orderBy: $o, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { displayName all: memberCount(membership: ALL) } } } }`;
    const walk = async (o: unknown) => {
      const out: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const data = await gql(q, { o, after });
        expect(data.groups.totalCount).toBe(4);
        out.push(
          ...data.groups.edges.map(
            (e: { node: { displayName: string; all: number } }) => `${e.node.displayName}:${e.node.all}`,
          ),
        );
        if (!data.groups.pageInfo.hasNextPage) break;
        after = data.groups.pageInfo.endCursor;
      }
      return out;
    };
    expect(await walk({ field: 'MEMBER_COUNT', direction: 'DESC', membership: 'ALL' })).toEqual([
      'Finance:5',
      'AP:4',
      'APX:2',
      'Other:1',
    ]);
    const asc = await walk({ field: 'MEMBER_COUNT', membership: 'DIRECT' });
    expect(asc.slice(0, 2)).toEqual(['Other:1', 'APX:2']);
    expect(asc.slice(2).sort()).toEqual(['AP:4', 'Finance:5']);
  });

  it('rejects adding a group to one nested inside it', async () => {
    const res = await app.graphql(
      `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`,
      { g: g.APX, m: [g.Finance] },
      t.keys.write,
    );
    expect(codeOf(res.body)).toBe('MEMBERSHIP_CYCLE');
  });
});
