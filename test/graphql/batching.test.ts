import { query, sql } from '../../src/domain/sql';
import { buildGroup, buildUser } from '../support/factories';
import { until } from '../support/wait';
import { addMembers, useGqlApp } from './support';

const { db, app, t } = useGqlApp();
let team: string;

beforeAll(async () => {
  const groups = [];
  for (let i = 0; i < 5; i++) groups.push((await buildGroup(t.ctx, { displayName: `G${i}` })).id);
  const manager = await buildUser(t.ctx, { userName: 'manager@example.com' });
  const users: string[] = [];
  for (let i = 0; i < 120; i++) {
    const u = await buildUser(t.ctx, {
      roles: [{ value: 'Reader' }, { value: i % 2 ? 'Admin' : 'Editor' }],
      enterprise: { managerId: i % 3 ? manager.id : null } as never,
    });
    users.push(u.id);
  }
  for (let i = 0; i < groups.length; i++) {
    await addMembers(
      t.ctx,
      groups[i]!,
      users.filter((_, j) => j % 5 === i || j % 7 === i),
    );
  }
  team = (await buildGroup(t.ctx, { displayName: 'Team' })).id;
  await addMembers(t.ctx, team, [...users.slice(0, 100), groups[0]!]);
  // Warm up: the first use of the key records lastUsedAt off the request path, but still as a
  // statement; wait until it has been written so that it cannot land among the ones counted below.
  await app.graphql(`{ viewer { kind } }`, {}, t.keys.read);
  await until('the read key has recorded its use', async () => {
    const used = await query(
      db.em(),
      sql`select 1 from credential where tenant_id = ${t.tenantId} and last_used_at is not null`,
    );
    return used.length > 0;
  });
});

/** Runs a query and returns the SQL statements it caused (the credential lookup excluded). */
async function statements(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  db.queries.length = 0;
  const res = await app.graphql(query, variables, t.keys.read);
  expect(res.body.errors).toBeUndefined();
  return db.queries.filter((q) => !/from credential|update credential/.test(q));
}

const USERS = `query($n: Int) { users(first: $n) { totalCount edges { node {
  id userName roles { value primary } manager { userName }
  groups { totalCount edges { node { id displayName } } } } } } }`;

describe('no N+1: the number of SQL statements does not grow with the page', () => {
  it('a page of users with roles, manager and direct groups', async () => {
    // The first full small page counts the users and remembers the total (ADR 0019: three more
    // statements, once per state of the tenant); the one compared is the next, as a client paging sees.
    await statements(USERS, { n: 2 });
    const small = await statements(USERS, { n: 2 });
    const page = await statements(USERS, { n: 100 });
    // The counting itself works (statements reach MikroORM's query log), so the bounds below can fail.
    expect(page.some((q) => /from app_user/.test(q))).toBe(true);
    // users page + exact count (remembered) + groups of every user (one batch) + managers not on the page (one batch)
    expect(page.length).toBeLessThanOrEqual(4);
    expect(small).toHaveLength(page.length);
  });

  it('a group with 100 members and each member’s groups and member count', async () => {
    const q = `query($g: ID!, $n: Int) { group(id: $g) { displayName memberCount members(first: $n) { totalCount edges { node {
      ... on User { userName roles { value } groups(membership: ALL) { edges { node { displayName memberCount(membership: ALL) } } } }
      ... on Group { displayName memberCount } } } } } }`;
    const small = await statements(q, { g: team, n: 3 });
    const page = await statements(q, { g: team, n: 101 });
    // group + its count + member page + users + member groups + their count + users' groups + their counts;
    // the two member-group statements only run when the page holds a group (members are in id order).
    expect(page.length).toBeLessThanOrEqual(8);
    expect(small.length).toBeLessThanOrEqual(8);
  });

  it('groups ordered by member count reuse the counts they sorted by', async () => {
    const q = `{ groups(first: 10, orderBy: { field: MEMBER_COUNT, direction: DESC, membership: ALL }) {
      edges { node { displayName memberCount(membership: ALL) } } } }`;
    const page = await statements(q);
    expect(page).toHaveLength(1);
  });
});
