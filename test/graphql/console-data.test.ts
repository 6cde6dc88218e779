import { query, sql } from '../../src/domain/sql';
import { groupPathsOf } from '../../src/domain/memberships/membership.paths';
import { assignRole } from '../../src/domain/roles/role.service';
import { patchUserAttributes, setUserActive } from '../../src/domain/users/user.service';
import { ADMIN_TOKEN } from '../support/app';
import { buildGroup, buildUser } from '../support/factories';
import { useTestApp } from '../support/use-app';
import { addMembers, codeOf, gqlTenant, type GqlTenant } from './support';

const { db, app } = useTestApp();

/** `n` provisioning-log rows `ago` back, `failed` of them answered 500. */
async function seedLog(tenantId: string, n: number, failed: number, ago = '1 hour') {
  await query(
    db.em(),
    sql`insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, created_at)
     select ${tenantId}::uuid, 'r' || i, 'GET', '/Users', case when i <= ${failed} then 500 else 200 end, 1,
       now() - ${ago}::interval
     from generate_series(1, ${n}) as i`,
  );
}

describe('tenants (operator)', () => {
  it('gives each tenant its counts, last request and 24 h health, in one statement for all', async () => {
    const [failing, warning, healthy, idle] = [
      await gqlTenant(app, db),
      await gqlTenant(app, db),
      await gqlTenant(app, db),
      await gqlTenant(app, db),
    ];
    await buildUser(failing.ctx);
    await buildUser(failing.ctx);
    await buildGroup(failing.ctx);
    await seedLog(failing.tenantId, 100, 30);
    await seedLog(warning.tenantId, 100, 5);
    await seedLog(healthy.tenantId, 100, 1);
    await seedLog(idle.tenantId, 10, 10, '2 days');
    db.queries.length = 0;
    const res = await app.graphql(`{ tenants { id userCount groupCount lastRequestAt health } }`);
    expect(res.body.errors).toBeUndefined();
    const byId = new Map(
      (res.body.data!.tenants as Array<Record<string, unknown>>).map((t) => [t.id, t] as const),
    );
    expect(byId.get(failing.tenantId)).toMatchObject({ userCount: 2, groupCount: 1, health: 'FAILING' });
    expect(byId.get(warning.tenantId)).toMatchObject({ userCount: 0, health: 'WARNING' });
    expect(byId.get(healthy.tenantId)).toMatchObject({ health: 'HEALTHY' });
    expect(byId.get(idle.tenantId)).toMatchObject({ health: 'IDLE' });
    expect(byId.get(idle.tenantId)!.lastRequestAt).not.toBeNull();
    expect(db.queries.filter((q) => q.includes('provisioning_log'))).toHaveLength(1);
  });

  it('is for the operator only', async () => {
    const t = await gqlTenant(app, db);
    const res = await app.graphql(`{ tenants { id health } }`, {}, t.keys.all);
    expect(codeOf(res.body)).toBe('FORBIDDEN');
  });
});

describe('tenantsConnection (operator)', () => {
  const Q = `query($after: String, $search: String) { tenantsConnection(first: 2, after: $after, search: $search) {
    totalCount edges { node { slug userCount } } pageInfo { hasNextPage endCursor } } }`;

  it('pages every tenant in slug order, with the counts', async () => {
    const all = await query(db.em(), sql`select slug from tenant order by slug`);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await app.graphql(Q, { after });
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data!.tenantsConnection as {
        totalCount: number;
        edges: Array<{ node: { slug: string; userCount: number } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      expect(conn.totalCount).toBe(all.length);
      expect(conn.edges.length).toBeLessThanOrEqual(2);
      seen.push(...conn.edges.map((e) => e.node.slug));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((r) => r.slug));
  });

  it('finds a tenant by a part of its name or the start of its slug, wildcards taken literally', async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const created = await app.graphql(
      `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { slug } } }`,
      { input: { slug: `acme-${tag}`, name: `Acme ${tag} Holdings` } },
    );
    expect(created.body.errors).toBeUndefined();
    const slugs = async (search: string) =>
      (
        (await app.graphql(Q, { search })).body.data!.tenantsConnection as {
          edges: Array<{ node: { slug: string } }>;
        }
      ).edges.map((e) => e.node.slug);
    expect(await slugs(`ACME-${tag}`)).toEqual([`acme-${tag}`]);
    expect(await slugs(`${tag} hold`)).toEqual([`acme-${tag}`]);
    expect(await slugs(`cme-${tag}`)).toEqual([]); // the slug matches from its start only
    expect(await slugs('%')).toEqual([]);
  });

  it('is for the operator only', async () => {
    const t = await gqlTenant(app, db);
    const res = await app.graphql(`{ tenantsConnection { totalCount } }`, {}, t.keys.all);
    expect(codeOf(res.body)).toBe('FORBIDDEN');
  });
});

describe('Role.users', () => {
  it('pages the holders of a role in PostgreSQL, and only in the tenant', async () => {
    const t = await gqlTenant(app, db);
    const holders = [];
    for (let i = 0; i < 5; i++) {
      const u = await buildUser(t.ctx);
      await assignRole(t.ctx, u.id, { value: 'Admin' });
      holders.push(u.id);
    }
    await buildUser(t.ctx);
    const other = await gqlTenant(app, db);
    const stranger = await buildUser(other.ctx);
    await assignRole(other.ctx, stranger.id, { value: 'Admin' });

    const Q = `query($after: String) { role(value: "Admin") { users(first: 2, after: $after) {
      totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await app.graphql(Q, { after }, t.keys.read);
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data!.role.users;
      expect(conn.totalCount).toBe(5);
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...holders].sort());
    const theirs = await app.graphql(
      `{ role(value: "Admin") { users { totalCount } } }`,
      {},
      other.keys.read,
    );
    expect(theirs.body.data!.role.users.totalCount).toBe(1);
  });
});

describe('User.auditEvents', () => {
  it("lists a user's recent changes newest first, batched for a page of users", async () => {
    const t = await gqlTenant(app, db);
    const a = await buildUser(t.ctx);
    const b = await buildUser(t.ctx);
    await patchUserAttributes(t.ctx, a.id, { displayName: 'A' });
    await setUserActive(t.ctx, a.id, false);
    const res = await app.graphql(
      `query($id: ID!) { user(id: $id) { auditEvents { action changedFields actor createdAt } } }`,
      { id: a.id },
      t.keys.read,
    );
    expect(res.body.errors).toBeUndefined();
    const events = res.body.data!.user.auditEvents as Array<Record<string, unknown>>;
    expect(events.map((e) => [e.action, e.changedFields])).toEqual([
      ['user.disabled', ['active']],
      ['user.updated', ['display_name']],
      ['user.created', ['*']],
    ]);
    expect(events[0]!.actor).toBe('scim:test');

    const limited = await app.graphql(
      `query($id: ID!) { user(id: $id) { auditEvents(first: 1) { action } } }`,
      { id: a.id },
      t.keys.read,
    );
    expect(limited.body.data!.user.auditEvents).toHaveLength(1);

    db.queries.length = 0;
    const page = await app.graphql(
      `{ users(first: 10) { edges { node { id auditEvents { action } } } } }`,
      {},
      t.keys.read,
    );
    const counts = Object.fromEntries(
      page.body.data!.users.edges.map((e: { node: { id: string; auditEvents: unknown[] } }) => [
        e.node.id,
        e.node.auditEvents.length,
      ]),
    );
    expect(counts).toEqual({ [a.id]: 3, [b.id]: 1 });
    expect(db.queries.filter((q) => q.includes('audit_event'))).toHaveLength(1);
  });

  it("never shows another tenant's events", async () => {
    const t: GqlTenant = await gqlTenant(app, db);
    const other = await gqlTenant(app, db);
    const u = await buildUser(other.ctx);
    const res = await app.graphql(
      `query($id: ID!) { user(id: $id) { auditEvents { action } } }`,
      { id: u.id },
      t.keys.read,
    );
    expect(res.body.data!.user).toBeNull();
    const rows = await query(db.em(), sql`select 1 from audit_event where resource_id = ${u.id}`);
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('User.groupPaths', () => {
  it('lists direct and inherited groups, each with its shortest path, batched for a page', async () => {
    const t = await gqlTenant(app, db);
    const [top, mid, team, side, other] = [
      await buildGroup(t.ctx, { displayName: 'Top' }),
      await buildGroup(t.ctx, { displayName: 'Mid' }),
      await buildGroup(t.ctx, { displayName: 'Team' }),
      await buildGroup(t.ctx, { displayName: 'Side' }),
      await buildGroup(t.ctx, { displayName: 'Other' }),
    ];
    const u = await buildUser(t.ctx);
    const v = await buildUser(t.ctx);
    // u: Team ⊂ Mid ⊂ Top, and Side ⊂ Top directly: Top is reached in two ways, the shorter wins.
    await addMembers(t.ctx, team.id, [u.id]);
    await addMembers(t.ctx, side.id, [u.id]);
    await addMembers(t.ctx, mid.id, [team.id]);
    await addMembers(t.ctx, top.id, [mid.id, side.id]);
    await addMembers(t.ctx, other.id, [v.id]);
    const Q = `{ users(first: 10) { edges { node { id groupPaths { depth group { displayName } path { displayName } } } } } }`;
    db.queries.length = 0;
    const res = await app.graphql(Q, {}, t.keys.read);
    expect(res.body.errors).toBeUndefined();
    const paths = new Map(
      res.body.data!.users.edges.map(
        (e: {
          node: {
            id: string;
            groupPaths: Array<{
              depth: number;
              group: { displayName: string };
              path: Array<{ displayName: string }>;
            }>;
          };
        }) => [
          e.node.id,
          e.node.groupPaths.map((p) => [
            p.depth,
            p.group.displayName,
            p.path.map((g) => g.displayName).join(' > '),
          ]),
        ],
      ),
    );
    expect(paths.get(u.id)).toEqual([
      [1, 'Side', 'Side'],
      [1, 'Team', 'Team'],
      [2, 'Mid', 'Team > Mid'],
      [2, 'Top', 'Side > Top'],
    ]);
    expect(paths.get(v.id)).toEqual([[1, 'Other', 'Other']]);
    expect(db.queries.filter((q) => q.includes('with recursive walk'))).toHaveLength(1);
  });

  it("never walks another tenant's memberships", async () => {
    const t = await gqlTenant(app, db);
    const other = await gqlTenant(app, db);
    const g = await buildGroup(other.ctx);
    const u = await buildUser(other.ctx);
    await addMembers(other.ctx, g.id, [u.id]);
    expect(await groupPathsOf(t.ctx, [u.id], 100)).toEqual(new Map());
    expect((await groupPathsOf(other.ctx, [u.id], 100)).get(u.id)).toHaveLength(1);
  });
});

describe('the operator acting in a tenant (X-CheckProof-Tenant)', () => {
  it('reads the Activity, Health and Connection of the named tenant only', async () => {
    const t = await gqlTenant(app, db);
    const other = await gqlTenant(app, db);
    await seedLog(t.tenantId, 3, 1, '1 minute');
    await seedLog(other.tenantId, 5, 0, '1 minute');
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'x-checkproof-tenant': t.tenantId,
      },
      body: JSON.stringify({
        query: `{ provisioningActivity { totalCount } provisioningHealth { requestsLastHour failuresLastHour }
          provisioning { connection { state } } }`,
      }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      provisioningActivity: { totalCount: 3 },
      provisioningHealth: { requestsLastHour: 3, failuresLastHour: 1 },
      provisioning: { connection: { state: 'WAITING' } },
    });
  });
});
