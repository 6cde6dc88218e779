import { randomUUID } from 'node:crypto';
import { buildGroup, buildUser } from '../support/factories';
import { query, sql } from '../../src/domain/sql';
import { codeOf, gqlTenant, useGqlApp } from './support';

const { db, app, t } = useGqlApp();

const USER_FIELDS = `id userName externalId active displayName name { givenName familyName formatted }
  emails { type value primary } phoneNumbers { type value primary } preferredLanguage title department
  manager { id userName } roles { value display type primary } source version createdAt updatedAt`;

async function ok(q: string, variables: Record<string, unknown> = {}, token = t.keys.all) {
  const res = await app.graphql(q, variables, token);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!;
}

describe('users: queries and mutations', () => {
  it('creates, reads, updates, deactivates and deletes a user through the domain services', async () => {
    const boss = await buildUser(t.ctx, { userName: 'boss@example.com' });
    const created = (
      await ok(`mutation($i: CreateUserInput!) { createUser(input: $i) { ${USER_FIELDS} } }`, {
        i: {
          userName: 'Ada@Example.com',
          displayName: 'Ada Lovelace',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
          phoneNumbers: [{ value: '+44 1', type: 'mobile' }],
          title: 'Analyst',
          department: 'Research',
          managerId: boss.id,
          roles: [{ value: 'Admin', primary: true }, { value: 'Reader' }],
        },
      })
    ).createUser;
    expect(created).toMatchObject({
      userName: 'Ada@Example.com',
      active: true,
      source: 'API',
      version: 1,
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: null },
      emails: [{ type: 'work', value: 'ada@example.com', primary: true }],
      phoneNumbers: [{ type: 'mobile', value: '+44 1', primary: false }],
      manager: { id: boss.id, userName: 'boss@example.com' },
      roles: [
        { value: 'Admin', display: null, type: null, primary: true },
        { value: 'Reader', display: null, type: null, primary: false },
      ],
    });
    const byName = await ok(`query { userByUserName(userName: "ada@EXAMPLE.com") { id } }`);
    expect(byName.userByUserName.id).toBe(created.id);

    const updated = (
      await ok(
        `mutation($id: ID!, $v: Int) { updateUser(id: $id, version: $v, input: { title: null, name: { formatted: "Ada L." } }) { title department name { givenName formatted } version } }`,
        { id: created.id, v: 1 },
      )
    ).updateUser;
    expect(updated).toEqual({
      title: null,
      department: 'Research',
      name: { givenName: 'Ada', formatted: 'Ada L.' },
      version: 2,
    });
    const stale = await app.graphql(
      `mutation($id: ID!) { updateUser(id: $id, version: 1, input: { title: "x" }) { id } }`,
      { id: created.id },
      t.keys.write,
    );
    expect(codeOf(stale.body)).toBe('VERSION_MISMATCH');

    const inactive = await ok(`mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }`, {
      id: created.id,
    });
    expect(inactive.setUserActive.active).toBe(false);
    const roles = await ok(
      `mutation($id: ID!) { a: assignRole(userId: $id, role: "Auditor", primary: true) { roles { value primary } } }`,
      { id: created.id },
    );
    expect(roles.a.roles).toEqual([
      { value: 'Admin', primary: false },
      { value: 'Auditor', primary: true },
      { value: 'Reader', primary: false },
    ]);
    const un = await ok(
      `mutation($id: ID!) { unassignRole(userId: $id, role: "Admin") { roles { value } } }`,
      { id: created.id },
    );
    expect(un.unassignRole.roles.map((r: { value: string }) => r.value)).toEqual(['Auditor', 'Reader']);
    const role = await ok(`{ role(value: "Auditor") { value } missing: role(value: "nope") { value } }`);
    expect(role).toEqual({ role: { value: 'Auditor' }, missing: null });

    const deleted = await ok(`mutation($id: ID!) { deleteUser(id: $id) { id userName } }`, {
      id: created.id,
    });
    expect(deleted.deleteUser.userName).toBe('Ada@Example.com');
    expect((await ok(`query($id: ID!) { user(id: $id) { id } }`, { id: created.id })).user).toBeNull();
    const events = await query<{ action: string; actor: string }>(
      db.em(),
      sql`select action, actor from audit_event where resource_id = ${created.id} order by id`,
    );
    // The change feed's types: roles given at creation and by assignRole are events of their own,
    // and deactivation is user.disabled.
    expect(events.map((e) => e.action)).toEqual([
      'user.created',
      'role.assigned',
      'role.assigned',
      'user.updated',
      'user.disabled',
      'user.updated',
      'role.assigned',
      'user.updated',
      'role.unassigned',
      'user.deleted',
    ]);
    expect(events[0]!.actor).toMatch(/^apiKey:/);
  });

  it('answers domain errors with their codes', async () => {
    await buildUser(t.ctx, { userName: 'taken@example.com' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [`mutation { createUser(input: { userName: "TAKEN@example.com" }) { id } }`, {}, 'USER_NAME_TAKEN'],
      [`mutation { createUser(input: { userName: "  " }) { id } }`, {}, 'BAD_USER_INPUT'],
      [
        `mutation($m: ID!) { createUser(input: { userName: "m@example.com", managerId: $m }) { id } }`,
        { m: randomUUID() },
        'BAD_USER_INPUT',
      ],
      [
        `mutation($id: ID!) { setUserActive(id: $id, active: true) { id } }`,
        { id: randomUUID() },
        'NOT_FOUND',
      ],
      [`mutation { deleteUser(id: "not-a-uuid") { id } }`, {}, 'NOT_FOUND'],
      [`mutation($id: ID!) { assignRole(userId: $id, role: "") { id } }`, { id: randomUUID() }, 'NOT_FOUND'],
      [`query { users(scimFilter: "userName eq") { totalCount } }`, {}, 'BAD_USER_INPUT'],
      [`query { users(scimFilter: "nosuch eq 1") { totalCount } }`, {}, 'BAD_USER_INPUT'],
      [`query { users(after: "garbage") { totalCount } }`, {}, 'BAD_USER_INPUT'],
      [`query { users(first: -1) { totalCount } }`, {}, 'BAD_USER_INPUT'],
      [
        `query { users(filter: { createdAt: { gt: "yesterday" } }) { totalCount } }`,
        {},
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        `query($f: UserFilter) { users(filter: $f) { totalCount } }`,
        { f: { createdAt: { gt: 'yesterday' } } },
        'BAD_USER_INPUT',
      ],
      [`query { users(orderBy: { field: NOPE }) { totalCount } }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
      // PostgreSQL cannot store NUL in text or jsonb: a client mistake, not an internal error.
      [`mutation { createUser(input: { userName: "nul\\u0000@example.com" }) { id } }`, {}, 'BAD_USER_INPUT'],
      [
        `mutation($e: [TypedValueInput!]) { createUser(input: { userName: "nul2@example.com", emails: $e }) { id } }`,
        { e: [{ value: 'a\u0000b@example.com' }] },
        'BAD_USER_INPUT',
      ],
      [`mutation { createGroup(input: { displayName: "G\\u0000" }) { id } }`, {}, 'BAD_USER_INPUT'],
    ];
    for (const [q, v, code] of cases) {
      const { body } = await app.graphql(q, v, t.keys.all);
      expect({ q, code: codeOf(body) }).toEqual({ q, code });
      expect(JSON.stringify(body)).not.toMatch(/stacktrace|\bat \w+ \(/);
    }
    const nul = await app.graphql(
      `{ users(filter: { userName: { startsWith: "nul" } }) { totalCount } }`,
      {},
      t.keys.all,
    );
    expect(nul.body.data).toEqual({ users: { totalCount: 0 } });
  });

  it('keeps tenants apart: another tenant’s records are simply not found', async () => {
    const other = await gqlTenant(app, db);
    const theirs = await buildUser(other.ctx, { userName: 'theirs@example.com' });
    const theirGroup = await buildGroup(other.ctx, { displayName: 'Theirs' });
    const mine = await buildGroup(t.ctx, { displayName: 'Mine' });
    const seen = await ok(
      `query($u: ID!, $g: ID!) { user(id: $u) { id } group(id: $g) { id } userByUserName(userName: "theirs@example.com") { id }
         users(filter: { userName: { equals: "theirs@example.com" } }) { totalCount } }`,
      { u: theirs.id, g: theirGroup.id },
    );
    expect(seen).toEqual({ user: null, group: null, userByUserName: null, users: { totalCount: 0 } });
    const writes: Array<[string, Record<string, unknown>]> = [
      [`mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }`, { id: theirs.id }],
      [`mutation($id: ID!) { deleteGroup(id: $id) { id } }`, { id: theirGroup.id }],
      [
        `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`,
        { g: mine.id, m: [theirs.id] },
      ],
      [
        `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`,
        { g: theirGroup.id, m: [] },
      ],
      [
        `query($u: ID!, $g: [ID!]!) { checkMembership(userId: $u, groupIds: $g) }`,
        { u: theirs.id, g: [theirGroup.id] },
      ],
    ];
    for (const [q, v] of writes) {
      const { body } = await app.graphql(q, v, t.keys.all);
      expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(codeOf(body));
    }
    const still = await ok(`query($u: ID!) { user(id: $u) { active } }`, { u: theirs.id }, other.keys.read);
    expect(still.user.active).toBe(true);
  });

  it('creates and changes groups and their members, returning the changed group', async () => {
    const [a, b] = [await buildUser(t.ctx), await buildUser(t.ctx)];
    const sub = await buildGroup(t.ctx, { displayName: 'Sub' });
    const created = await ok(
      `mutation($m: [ID!]) { createGroup(input: { displayName: "Engineering", memberIds: $m }) { id source memberCount } }`,
      { m: [a.id, sub.id] },
    );
    const id = created.createGroup.id;
    expect(created.createGroup).toMatchObject({ source: 'API', memberCount: 2 });
    const added = await ok(
      `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { version memberCount members(kind: USER) { totalCount } } }`,
      { g: id, m: [b.id, a.id] },
    );
    expect(added.addGroupMembers).toEqual({ version: 2, memberCount: 3, members: { totalCount: 2 } });
    const unknown = await app.graphql(
      `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`,
      { g: id, m: [randomUUID()] },
      t.keys.write,
    );
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      domainCode: 'INVALID_MEMBER',
    });
    const removed = await ok(
      `mutation($g: ID!, $m: [ID!]!) { removeGroupMembers(groupId: $g, memberIds: $m) { memberCount } }`,
      { g: id, m: [a.id, 'not-an-id'] },
    );
    expect(removed.removeGroupMembers.memberCount).toBe(2);
    const renamed = await ok(
      `mutation($g: ID!) { updateGroup(id: $g, input: { displayName: "Eng", externalId: "x1" }) { displayName externalId } }`,
      { g: id },
    );
    expect(renamed.updateGroup).toEqual({ displayName: 'Eng', externalId: 'x1' });
    await buildGroup(t.ctx, { displayName: 'Taken' });
    const dup = await app.graphql(
      `mutation($g: ID!) { updateGroup(id: $g, input: { displayName: "TAKEN" }) { id } }`,
      { g: id },
      t.keys.write,
    );
    expect(codeOf(dup.body)).toBe('GROUP_NAME_TAKEN');
    const gone = await ok(`mutation($g: ID!) { deleteGroup(id: $g) { displayName } }`, { g: id });
    expect(gone.deleteGroup.displayName).toBe('Eng');
    const after = await ok(`query($u: ID!) { user(id: $u) { groups { totalCount } } }`, { u: b.id });
    expect(after.user.groups.totalCount).toBe(0);
  });

  it('lists roles as a connection', async () => {
    for (const value of ['R1', 'R2', 'R3']) await buildUser(t.ctx, { roles: [{ value }] });
    const page = await ok(
      `{ roles(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { value } } } }`,
    );
    expect(page.roles.totalCount).toBeGreaterThanOrEqual(3);
    const rest = await ok(
      `query($a: String) { roles(first: 500, after: $a) { pageInfo { hasNextPage } edges { node { value } } } }`,
      {
        a: page.roles.pageInfo.endCursor,
      },
    );
    const all = [...page.roles.edges, ...rest.roles.edges].map(
      (e: { node: { value: string } }) => e.node.value,
    );
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['R1', 'R2', 'R3']));
  });
});
