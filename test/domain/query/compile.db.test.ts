// Runs compiled filters against real PostgreSQL through query(), over rows inserted with plain SQL
// (em.execute, knex `?` placeholders) so these checks do not depend on the domain services.
import { randomUUID } from 'node:crypto';
import type { Filter, ResourceKind } from '../../../src/domain/query/ast';
import { compileFilter, compileSort } from '../../../src/domain/query/compile';
import { parseFilter, parseSortBy } from '../../../src/domain/query/filter/parser';
import { query, sql } from '../../../src/domain/sql';
import { createTestDatabase, type TestDatabase } from '../../support/db';

let db: TestDatabase;
const tenantId = randomUUID();
const otherTenantId = randomUUID();
const ids = {
  alice: randomUUID(),
  bob: randomUUID(),
  carol: randomUUID(),
  admins: randomUUID(),
  ops: randomUUID(),
  oncall: randomUUID(),
  empty: randomUUID(),
  role: randomUUID(),
};

async function exec(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.em().execute(sql, params, 'all')) as Record<string, unknown>[];
}

async function insertUser(id: string, tenant: string, cols: Record<string, unknown>): Promise<void> {
  const names = ['id', 'tenant_id', 'source', ...Object.keys(cols)];
  const values = [
    id,
    tenant,
    'SCIM',
    ...Object.values(cols).map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v)),
  ];
  await exec(
    `insert into app_user (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`,
    values,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (const [id, slug] of [
    [tenantId, 'filters'],
    [otherTenantId, 'other'],
  ] as const) {
    await exec(`insert into tenant (id, slug, name) values (?, ?, ?)`, [id, `${slug}-${id}`, slug]);
  }
  await insertUser(ids.alice, tenantId, {
    user_name: 'Alice@Example.com',
    external_id: 'EXT-1',
    title: 'CEO',
    given_name: 'Alice',
    department: 'Sales',
    emails: [
      { type: 'work', value: 'Alice@Example.com', primary: true },
      { type: 'home', value: 'a@home.net' },
    ],
    created_at: '2026-01-01T00:00:00Z',
  });
  await insertUser(ids.bob, tenantId, {
    user_name: 'bob',
    external_id: 'ext-1',
    active: false,
    title: '',
    manager_id: ids.alice,
    emails: [{ type: 'Work', value: 'bob@x.com', primary: 'True' }],
    phone_numbers: [{ type: 'mobile', value: '+1 555' }],
    created_at: '2026-02-01T00:00:00Z',
  });
  await insertUser(ids.carol, tenantId, {
    user_name: 'carol',
    display_name: '50%_off\\',
    addresses: [{ type: 'work', postalCode: '10001', country: 'US' }],
    created_at: '2026-03-01T00:00:00Z',
  });
  await insertUser(randomUUID(), otherTenantId, { user_name: 'alice@example.com' });
  for (const [id, name] of [
    [ids.admins, 'Admins'],
    [ids.ops, 'Ops'],
    [ids.oncall, 'On-call'],
    [ids.empty, 'Empty'],
  ]) {
    await exec(`insert into "group" (id, tenant_id, display_name, source) values (?, ?, ?, 'SCIM')`, [
      id,
      tenantId,
      name,
    ]);
  }
  // Admins ⊃ {alice, Ops}; Ops ⊃ {bob, On-call}; On-call ⊃ {carol, alice}.
  const memberships: [string, string, 'user' | 'group'][] = [
    [ids.admins, ids.alice, 'user'],
    [ids.admins, ids.ops, 'group'],
    [ids.ops, ids.bob, 'user'],
    [ids.ops, ids.oncall, 'group'],
    [ids.oncall, ids.carol, 'user'],
    [ids.oncall, ids.alice, 'user'],
  ];
  for (const [group, member, type] of memberships) {
    await exec(`insert into membership (tenant_id, group_id, member_${type}_id) values (?, ?, ?)`, [
      tenantId,
      group,
      member,
    ]);
  }
  await exec(`insert into role (id, tenant_id, value) values (?, ?, 'Admin')`, [ids.role, tenantId]);
  await exec(`insert into user_role (tenant_id, user_id, role_id, "primary") values (?, ?, ?, true)`, [
    tenantId,
    ids.alice,
    ids.role,
  ]);
});

afterAll(async () => {
  await db.drop();
});

async function names(kind: ResourceKind, filter: Filter): Promise<string[]> {
  const where = compileFilter(kind, filter);
  const rows = await query(
    db.em(),
    kind === 'User'
      ? sql`select u.user_name as name from app_user u where u.tenant_id = ${tenantId} and (${where}) order by 1`
      : sql`select g.display_name as name from "group" g where g.tenant_id = ${tenantId} and (${where}) order by 1`,
  );
  return rows.map((r) => String(r['name']));
}

describe('compiled user filters on PostgreSQL', () => {
  it.each([
    ['userName eq "alice@example.COM"', ['Alice@Example.com']],
    ['externalId eq "EXT-1"', ['Alice@Example.com']],
    ['externalId eq "ext-1"', ['bob']],
    ['userName eq "00000000-0000-0000-0000-000000000000"', []],
    [`id eq "${ids.bob.toUpperCase()}"`, ['bob']],
    ['id eq "not-a-uuid"', []],
    ['id ne "not-a-uuid"', ['Alice@Example.com', 'bob', 'carol']],
    ['active eq "False"', ['bob']],
    ['active eq true', ['Alice@Example.com', 'carol']],
    ['title pr', ['Alice@Example.com']],
    ['title eq null', ['bob', 'carol']],
    ['title ne "CEO"', ['bob', 'carol']],
    ['not (title eq "ceo")', ['bob', 'carol']],
    ['not (title eq "ceo" or active eq false)', ['carol']],
    ['displayName co "50%_"', ['carol']],
    ['displayName ew "%_off\\\\"', ['carol']],
    ['displayName co "0%x"', []],
    ['userName sw "B"', ['bob']],
    ['userName gt "bob"', ['carol']],
    ['meta.created ge "2026-02-01T00:00:00Z"', ['bob', 'carol']],
    ['meta.created lt "2026-01-15"', ['Alice@Example.com']],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"',
      ['Alice@Example.com'],
    ],
    [`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "${ids.alice}"`, ['bob']],
    ['manager eq "not-a-uuid"', []],
    ['manager.displayName pr', []],
    ['emails[type eq "work"].value eq "ALICE@example.com"', ['Alice@Example.com']],
    ['emails[value eq "bob@x.com" and type eq "WORK"]', ['bob']],
    ['emails[type eq "work"].value eq "a@home.net"', []],
    ['emails[type eq "home"].value eq "a@home.net"', ['Alice@Example.com']],
    ['emails co "@x.com"', ['bob']],
    ['emails.value ew ".net"', ['Alice@Example.com']],
    // Any address, not only the work one, in any case; each operator holds within one address,
    // never across two (the second address does not continue the first).
    ['emails.value eq "A@HOME.net"', ['Alice@Example.com']],
    ['emails eq "home.net"', []],
    ['emails.value sw "a@"', ['Alice@Example.com']],
    ['emails.value sw "home"', []],
    ['emails.value ew "@HOME.NET"', ['Alice@Example.com']],
    ['emails.value ew "example"', []],
    ['emails co "e.com\\na@h"', []],
    ['emails co "x.co"', ['bob']],
    ['emails co "_"', []],
    ['not (emails co "home")', ['bob', 'carol']],
    ['emails pr', ['Alice@Example.com', 'bob']],
    ['not (emails pr)', ['carol']],
    ['emails[primary eq true]', ['Alice@Example.com', 'bob']],
    ['emails[not (primary eq true)]', ['Alice@Example.com']],
    ['phoneNumbers[type eq "mobile"].value pr', ['bob']],
    ['addresses[postalCode sw "100" and country eq "us"]', ['carol']],
    ['roles.value eq "admin"', ['Alice@Example.com']],
    ['roles[primary eq "True"]', ['Alice@Example.com']],
    ['name[givenName eq "alice"]', ['Alice@Example.com']],
    ['userName eq Test_User_abc or (active eq true and title pr)', ['Alice@Example.com']],
  ])('%s', async (filter, expected) => {
    expect(await names('User', parseFilter(filter))).toStrictEqual(expected);
  });

  it('compiles `in` for case-insensitive and uuid attributes', async () => {
    expect(
      await names('User', { kind: 'in', path: { attr: 'userName' }, values: ['BOB', 'carol'] }),
    ).toStrictEqual(['bob', 'carol']);
    expect(await names('User', { kind: 'in', path: { attr: 'id' }, values: [ids.alice, 'x'] })).toStrictEqual(
      ['Alice@Example.com'],
    );
  });

  it.each([
    ['DIRECT', ids.admins, ['Alice@Example.com']],
    ['ALL', ids.admins, ['Alice@Example.com', 'bob', 'carol']],
    ['INHERITED', ids.admins, ['bob', 'carol']],
    ['INHERITED', ids.ops, ['Alice@Example.com', 'carol']],
    ['ALL', ids.empty, []],
    ['ALL', randomUUID(), []],
  ] as const)('memberOf %s', async (depth, groupId, expected) => {
    expect(await names('User', { kind: 'memberOf', groupId, depth })).toStrictEqual(expected);
  });

  it('sorts with a compiled ORDER BY', async () => {
    const order = compileSort('User', parseSortBy('userName', 'descending'));
    const rows = await query(
      db.em(),
      sql`select u.user_name from app_user u where u.tenant_id = ${tenantId} order by ${order}`,
    );
    expect(rows.map((r) => r['user_name'])).toStrictEqual(['carol', 'bob', 'Alice@Example.com']);
  });
});

describe('compiled group filters on PostgreSQL', () => {
  it.each([
    ['displayName eq "admins"', ['Admins']],
    [`members eq "${ids.alice}"`, ['Admins', 'On-call']],
    [`members[value eq "${ids.ops}"]`, ['Admins']],
    ['members.value eq "not-a-uuid"', []],
    ['members[type eq "group"]', ['Admins', 'Ops']],
    ['not (members pr)', ['Empty']],
  ])('%s', async (filter, expected) => {
    expect(await names('Group', parseFilter(filter))).toStrictEqual(expected);
  });

  it('finds groups nested in a group with memberOf ALL', async () => {
    expect(await names('Group', { kind: 'memberOf', groupId: ids.admins, depth: 'ALL' })).toStrictEqual([
      'On-call',
      'Ops',
    ]);
  });
});
