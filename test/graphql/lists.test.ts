import { buildGroup, buildUser } from '../support/factories';
import { addMembers, codeOf, useGqlApp } from './support';

const { app, t } = useGqlApp();
const userIds: string[] = [];
let big: string;
let nested: string;
let midpoint = '';

const GIVEN = ['Ann', 'Bob', 'Cid', 'Dee', null];
beforeAll(async () => {
  for (let i = 0; i < 37; i++) {
    const user = await buildUser(t.ctx, {
      userName: `user${String(i).padStart(2, '0')}@example.${i % 3 === 0 ? 'org' : 'com'}`,
      displayName: i % 4 === 0 ? null : `Person ${i % 7}`,
      active: i % 5 !== 0,
      title: i % 6 === 0 ? 'Lead' : null,
      name: { givenName: GIVEN[i % 5] ?? null, familyName: i % 2 ? 'Johnson' : 'Smith' } as never,
      emails: [{ value: `p${i}@example.${i % 3 === 0 ? 'org' : 'com'}`, type: 'work' }],
      enterprise: { department: i % 4 === 1 ? 'Sales' : 'Ops', managerId: userIds[0] ?? null } as never,
      roles: i % 3 === 1 ? [{ value: 'Admin' }] : [],
    });
    userIds.push(user.id);
    if (i === 18) {
      await new Promise((r) => setTimeout(r, 5));
      midpoint = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  big = (await buildGroup(t.ctx, { displayName: 'Big' })).id;
  nested = (await buildGroup(t.ctx, { displayName: 'Nested' })).id;
  await addMembers(t.ctx, big, [...userIds.slice(0, 20), nested]);
  await addMembers(t.ctx, nested, userIds.slice(15, 30));
});

type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { id: string } }>;
};

/** Follows endCursor until the end; returns every node id in order and the page count. */
async function walk(
  select: (data: Record<string, unknown>) => Page,
  q: string,
  vars: Record<string, unknown>,
) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let total = -1;
  for (;;) {
    const res = await app.graphql(q, { ...vars, after }, t.keys.read);
    expect(res.body.errors).toBeUndefined();
    const page = select(res.body.data!);
    total = page.totalCount;
    ids.push(...page.edges.map((e) => e.node.id));
    pages++;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    expect(pages).toBeLessThan(100);
  }
  return { ids, pages, total };
}

describe('Relay pagination walks every item exactly once', () => {
  const USERS = `query($after: String, $o: UserOrder, $f: UserFilter) { users(first: 7, after: $after, orderBy: $o, filter: $f) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`;

  it.each([
    [undefined],
    [{ field: 'USER_NAME' }],
    [{ field: 'DISPLAY_NAME', direction: 'DESC' }],
    [{ field: 'GIVEN_NAME' }],
    [{ field: 'CREATED_AT', direction: 'DESC' }],
  ])('users ordered by %j', async (o) => {
    const { ids, pages, total } = await walk((d) => d.users as Page, USERS, { o });
    expect(total).toBe(37);
    expect(pages).toBe(6);
    expect(new Set(ids).size).toBe(37);
    expect([...ids].sort()).toEqual([...userIds].sort());
  });

  it('users with a filter', async () => {
    const { ids, total } = await walk((d) => d.users as Page, USERS, { f: { active: true } });
    expect(total).toBe(29);
    expect(new Set(ids).size).toBe(29);
  });

  it('members at each depth and a user’s groups', async () => {
    const members = (depth: string) =>
      walk(
        (d) => (d.group as { members: Page }).members,
        `query($after: String, $g: ID!) { group(id: $g) {
        members(membership: ${depth}, first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor }
          edges { node { ... on User { id } ... on Group { id } } } } } }`,
        { g: big },
      );
    const direct = await members('DIRECT');
    expect(direct.total).toBe(21);
    expect(new Set(direct.ids).size).toBe(21);
    const all = await members('ALL');
    expect(all.total).toBe(31);
    expect(new Set(all.ids).size).toBe(31);
    const inherited = await members('INHERITED');
    expect(inherited.ids.sort()).toEqual(userIds.slice(20, 30).sort());
    const groups = await walk(
      (d) => (d.user as { groups: Page }).groups,
      `query($after: String, $u: ID!) { user(id: $u) {
      groups(first: 1, after: $after, membership: ALL) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
      { u: userIds[16] },
    );
    expect(groups).toEqual({ ids: [big, nested], pages: 2, total: 2 });
  });

  it('rejects first above 500 with a clear message, and a cursor from another list', async () => {
    const res = await app.graphql(`{ users(first: 501) { totalCount } }`, {}, t.keys.read);
    expect(codeOf(res.body)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/first must be between 0 and 500/);
    const nestedRes = await app.graphql(
      `query($g: ID!) { group(id: $g) { members(first: 1000) { totalCount } } }`,
      { g: big },
      t.keys.read,
    );
    expect(codeOf(nestedRes.body)).toBe('BAD_USER_INPUT');
    const page = await app.graphql(
      `{ users(first: 1, orderBy: { field: USER_NAME }) { pageInfo { endCursor } } }`,
      {},
      t.keys.read,
    );
    const cursor = page.body.data!.users.pageInfo.endCursor;
    const wrong = await app.graphql(
      `query($a: String) { users(first: 1, after: $a, orderBy: { field: TITLE }) { totalCount } }`,
      { a: cursor },
      t.keys.read,
    );
    expect(codeOf(wrong.body)).toBe('BAD_USER_INPUT');
    const zero = await app.graphql(`{ users(first: 0) { totalCount edges { cursor } } }`, {}, t.keys.read);
    expect(zero.body.data!.users).toEqual({ totalCount: 37, edges: [] });
  });
});

describe('a SCIM filter and the equivalent typed filter return the same rows', () => {
  const run = async (kind: 'users' | 'groups', vars: Record<string, unknown>) => {
    const type = kind === 'users' ? 'UserFilter' : 'GroupFilter';
    const res = await app.graphql(
      `query($f: ${type}, $s: String) { ${kind}(first: 500, filter: $f, scimFilter: $s) { totalCount edges { node { id } } } }`,
      vars,
      t.keys.read,
    );
    expect(res.body.errors).toBeUndefined();
    const conn = res.body.data![kind];
    expect(conn.edges).toHaveLength(conn.totalCount);
    return conn.edges.map((e: { node: { id: string } }) => e.node.id).sort();
  };

  const cases = (): Array<[string, unknown]> => [
    ['userName sw "user1"', { userName: { startsWith: 'USER1' } }],
    ['active eq false', { active: false }],
    ['roles.value eq "admin"', { role: { equals: 'Admin' } }],
    ['emails.value co "example.org"', { email: { contains: 'example.org' } }],
    [
      'department eq "Sales" or title pr',
      { or: [{ department: { equals: 'Sales' } }, { title: { present: true } }] },
    ],
    [
      'not (name.givenName eq "Ann" or name.givenName eq "Bob")',
      { not: { givenName: { in: ['Ann', 'Bob'] } } },
    ],
    [`meta.created ge "${midpoint}"`, { createdAt: { gte: midpoint } }],
    ['name.familyName ew "son" and active eq true', { familyName: { endsWith: 'son' }, active: true }],
    ['not (displayName pr)', { displayName: { present: false } }],
    [`manager.value eq "${userIds[0]}"`, { manager: { equals: userIds[0] } }],
    [
      'displayName co "son 3" and not (roles pr)',
      { displayName: { contains: 'SON 3' }, role: { present: false } },
    ],
  ];

  it('for users', async () => {
    for (const [scim, typed] of cases()) {
      const viaScim = await run('users', { s: scim });
      const viaTyped = await run('users', { f: typed });
      expect({ scim, ids: viaTyped }).toEqual({ scim, ids: viaScim });
      expect(viaScim.length).toBeGreaterThan(0);
      expect(viaScim.length).toBeLessThan(userIds.length);
      const both = await run('users', { f: typed, s: scim });
      expect(both).toEqual(viaScim);
    }
  });

  it('for groups', async () => {
    const groupCases: Array<[string, unknown]> = [
      ['displayName sw "bi"', { displayName: { startsWith: 'Bi' } }],
      [`members.value eq "${userIds[16]}"`, { member: { equals: userIds[16] } }],
      [`members.value eq "${nested}"`, { member: { equals: nested } }],
    ];
    for (const [scim, typed] of groupCases) {
      expect(await run('groups', { f: typed })).toEqual(await run('groups', { s: scim }));
    }
    expect(await run('groups', { f: { memberOfAny: false } })).toEqual([big]);
    expect(await run('groups', { f: { memberOf: { groupId: big } } })).toEqual([nested]);
  });
});
