/**
 * Entra sends membership PATCHes in parallel, one member each, and retries creates: the server must
 * neither lose members nor answer 500 or store duplicates under concurrency.
 */
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { useScimApp } from '../../support/use-app';

const { db, scim } = useScimApp();

async function createUsers(n: number, prefix: string): Promise<string[]> {
  const res = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      scim.req('POST', '/Users', { userName: `${prefix}-${i}@contoso.com`, active: true }),
    ),
  );
  expect(res.map((r) => r.status)).toEqual(res.map(() => 201));
  return res.map((r) => r.body.id as string);
}

async function createGroup(displayName: string, members: string[] = []): Promise<string> {
  const res = await scim.req('POST', '/Groups', {
    displayName,
    members: members.map((value) => ({ value })),
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function memberIds(groupId: string): Promise<string[]> {
  const res = await scim.req('GET', `/Groups/${groupId}?attributes=members`);
  return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
}

const addOne = (groupId: string, id: string) =>
  scim.req('PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }],
  });
const removeOne = (groupId: string, id: string) =>
  scim.req('PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
  });

describe('parallel membership PATCHes on one group', () => {
  it('keeps all 64 members added by 64 parallel single-member adds', async () => {
    const users = await createUsers(64, 'par');
    const group = await createGroup('Parallel 64');
    const res = await Promise.all(users.map((id) => addOne(group, id)));
    expect(res.map((r) => r.status)).toEqual(users.map(() => 204));
    expect(await memberIds(group)).toEqual([...users].sort());
    const counted = await scim.req(
      'GET',
      `/Groups?filter=${encodeURIComponent(`displayName eq "Parallel 64"`)}`,
    );
    expect(counted.body.Resources[0].members).toHaveLength(64);
  });

  it('ends in the exact set after parallel adds and removes (both dialects) and repeated adds', async () => {
    const initial = await createUsers(24, 'mix-old');
    const added = await createUsers(16, 'mix-new');
    const group = await createGroup('Mixed', initial);
    const removed = initial.slice(0, 16);
    const requests = [
      ...added.map((id) => addOne(group, id)),
      ...removed.slice(0, 8).map((id) => removeOne(group, id)),
      ...removed.slice(8).map((id) =>
        scim.req('PATCH', `/Groups/${group}?aadOptscim062020`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
        }),
      ),
      // Entra retries: re-adding members already present, and re-removing gone ones, are no-ops.
      ...initial.slice(16).map((id) => addOne(group, id)),
      ...added.slice(0, 4).map((id) => addOne(group, id)),
    ];
    const res = await Promise.all(requests);
    expect(res.filter((r) => r.status !== 204)).toEqual([]);
    expect(await memberIds(group)).toEqual([...initial.slice(16), ...added].sort());
  });

  it('serialises parallel user PATCHes: 16 parallel role adds on one user keep all 16 roles', async () => {
    const [user] = await createUsers(1, 'roles');
    const res = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        scim.req('PATCH', `/Users/${user}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'roles', value: [{ value: `Role${String(i).padStart(2, '0')}` }] }],
        }),
      ),
    );
    expect(res.map((r) => r.status)).toEqual(res.map(() => 204));
    const got = await scim.req('GET', `/Users/${user}`);
    expect(got.body.roles.map((r: { value: string }) => r.value)).toHaveLength(16);
  });
});

describe('parallel creates', () => {
  it('gives one 201 and 409 uniqueness to the rest of 16 same-userName creates (any case), and one row', async () => {
    const name = `race-${crypto.randomUUID()}@contoso.com`;
    const res = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        scim.req('POST', '/Users', { userName: i % 2 ? name.toUpperCase() : name, active: true }),
      ),
    );
    const statuses = res.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(15).fill(409)]);
    for (const r of res.filter((x) => x.status === 409)) {
      expect(r.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
      expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    }
    const rows = await db
      .em()
      .execute(`select count(*)::int as n from app_user where lower(user_name) = lower(?)`, [name]);
    expect(rows[0]!.n).toBe(1);
  });

  it('gives one 201 for 16 same-displayName group creates, and new roles shared by parallel creates exist once', async () => {
    const res = await Promise.all(
      Array.from({ length: 16 }, () =>
        scim.req('POST', '/Groups', { displayName: 'Race Group', members: [] }),
      ),
    );
    expect(res.map((r) => r.status).sort()).toEqual([201, ...Array<number>(15).fill(409)]);
    const users = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        scim.req('POST', '/Users', {
          userName: `shared-role-${i}@contoso.com`,
          roles: [{ value: 'BrandNewRole', primary: 'True' }],
        }),
      ),
    );
    expect(users.map((r) => r.status)).toEqual(users.map(() => 201));
    const roles = await db
      .em()
      .execute(`select count(*)::int as n from role where tenant_id = ? and value = 'BrandNewRole'`, [
        scim.tenantId,
      ]);
    expect(roles[0]!.n).toBe(1);
  });
});

describe("Entra's single-member add, as one statement", () => {
  it('is one statement outside a transaction, and 16 in parallel each version the group once', async () => {
    const users = await createUsers(16, 'one-stmt');
    const group = await createGroup('One statement');
    db.queries.length = 0;
    expect((await addOne(group, users[0]!)).status).toBe(204);
    const seen = db.queries.filter((q) => !/provisioning_log|pg_notify/.test(q));
    // The member lookup, then one write that versions the group and adds the member.
    const writes = seen.filter((q) => /insert into membership|update "group"/.test(q));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/update "group"[\s\S]*insert into membership/);

    const res = await Promise.all(users.slice(1).map((id) => addOne(group, id)));
    expect(res.map((r) => r.status)).toEqual(res.map(() => 204));
    expect(await memberIds(group)).toEqual([...users].sort());
    const got = await scim.req('GET', `/Groups/${group}?excludedAttributes=members`);
    expect(got.body.meta.version).toBe('W/"17"');

    // Each request is one transaction: its group.updated event, then its member's event, naming
    // the version that request gave the group.
    const events = await db
      .em()
      .getConnection()
      .execute<Array<{ txid: string; action: string; version: number; member: string | null }>>(
        `select txid::text, action, coalesce((data->>'version')::int, (data->'group'->>'version')::int) as version,
           data->'member'->>'id' as member
         from audit_event where resource_id = ? and action in ('group.updated', 'group.member_added') order by txid, id`,
        [group],
      );
    const byTx = new Map<string, typeof events>();
    for (const e of events) byTx.set(e.txid, [...(byTx.get(e.txid) ?? []), e]);
    expect(byTx.size).toBe(16);
    for (const tx of byTx.values()) {
      expect(tx.map((e) => e.action)).toEqual(['group.updated', 'group.member_added']);
      expect(tx[1]!.version).toBe(tx[0]!.version);
    }
    expect([...byTx.values()].map((tx) => tx[0]!.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 2),
    );
    expect(new Set(events.map((e) => e.member).filter(Boolean))).toEqual(new Set(users));
  });

  it('skips unknown ids with a warning and still versions the group, as the transaction did', async () => {
    const [user] = await createUsers(1, 'one-stmt-unknown');
    const group = await createGroup('One statement, unknown member');
    const res = await scim.req('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [{ value: user }, { value: '00000000-0000-4000-8000-000000000000' }],
        },
      ],
    });
    expect(res.status).toBe(204);
    expect(await memberIds(group)).toEqual([user]);
    expect((await scim.req('GET', `/Groups/${group}`)).body.meta.version).toBe('W/"2"');
    expect((await addOne(group, '00000000-0000-4000-8000-000000000001')).status).toBe(204);
    expect((await scim.req('GET', `/Groups/${group}`)).body.meta.version).toBe('W/"3"');
  });

  it('answers 404 for a group that does not exist, and adds nothing', async () => {
    const [user] = await createUsers(1, 'one-stmt-404');
    const res = await addOne('00000000-0000-4000-8000-00000000abcd', user!);
    expect(res.status).toBe(404);
    const rows = await db
      .em()
      .getConnection()
      .execute(`select 1 from membership where member_user_id = ?`, [user]);
    expect(rows).toHaveLength(0);
  });
});
