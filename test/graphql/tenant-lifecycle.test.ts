import { SignJWT } from 'jose';
import { startSession } from '../../src/domain/console/session.service';
import { createSetupLink } from '../../src/domain/console/setup-link.service';
import { deleteGroup } from '../../src/domain/groups/group.service';
import { recordProvisioning } from '../../src/domain/provisioning/provisioning-log.service';
import { query, sql } from '../../src/domain/sql';
import { deleteUser, setUserActive } from '../../src/domain/users/user.service';
import { createWebhookEndpoint } from '../../src/domain/webhooks/webhook.endpoint.service';
import { TENANT_SUSPENDED_DETAIL } from '../../src/scim/http/auth';
import { ADMIN_TOKEN, startTestApp, type GqlBody, type TestApp } from '../support/app';
import { buildGroup, buildUser, operatorContext, uniq } from '../support/factories';
import { addMembers, codeOf, gqlTenant, useGqlApp, type GqlTenant } from './support';

const SECRET = 'jwt-test-secret-0123456789abcdefghijklmnop';
const ENV = { JWT_HS256_SECRET: SECRET, WEBHOOK_DISPATCHER: 'false' };
const { db, app } = useGqlApp({ env: ENV });

const ORIGIN = 'http://directory.test';

const jwtFor = (tenantId: string) =>
  new SignJWT({ tid: tenantId, scope: 'DIRECTORY_READ' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('someone')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

async function scimGet(
  tenantId: string,
  token: string,
  target: TestApp = app,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${target.url}/scim/v2/${tenantId}/Users?count=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function until(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** POSTs as the console does, with a session cookie. */
async function asConsole(cookie: string, q: string): Promise<{ status: number; body: GqlBody }> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', cookie: `cpd_session=${cookie}` },
    body: JSON.stringify({ query: q }),
  });
  return { status: res.status, body: (await res.json()) as GqlBody };
}

const SUSPEND = `mutation($id: ID!, $r: String!) { suspendTenant(id: $id, reason: $r) { id suspendedAt suspendedReason suspendedBy } }`;
const RESUME = `mutation($id: ID!) { resumeTenant(id: $id) { id suspendedAt suspendedReason } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateTenantInput!) { updateTenant(id: $id, input: $input) { tenant { id slug name } previousSlug changedFields scimUrl } }`;
const DELETE = `mutation($id: ID!, $s: String!) { deleteTenant(id: $id, confirmSlug: $s) { id slug counts {
  users groups memberships membershipHistory deletedGroupMemberships roles roleAssignments scimTokens apiKeys
  provisioningLog auditEvents deletedUsers deletedGroups deprovisioningRecords webhookEndpoints webhookDeliveries
  webhookAttempts consoleSessions setupLinks } } }`;
const AUDIT = `query($id: ID!) { operatorAuditEvents(tenantId: $id) { action actor tenantSlug details } }`;

async function slugOf(tenantId: string): Promise<string> {
  const rows = await query<{ slug: string }>(db.em(), sql`select slug from tenant where id = ${tenantId}`);
  return rows[0]!.slug;
}

describe('who may manage the tenant lifecycle', () => {
  it('refuses every lifecycle operation to tenant credentials and to anonymous callers', async () => {
    const t = await gqlTenant(app, db);
    const other = await gqlTenant(app, db);
    const ops: Array<[string, Record<string, unknown>]> = [
      [UPDATE, { id: t.tenantId, input: { name: 'x' } }],
      [SUSPEND, { id: t.tenantId, r: 'x' }],
      [RESUME, { id: t.tenantId }],
      [DELETE, { id: t.tenantId, s: await slugOf(t.tenantId) }],
      [AUDIT, { id: t.tenantId }],
    ];
    for (const [q, v] of ops) {
      expect(codeOf((await app.graphql(q, v, t.keys.all)).body)).toBe('FORBIDDEN');
      expect(codeOf((await app.graphql(q, v, await jwtFor(t.tenantId))).body)).toBe('FORBIDDEN');
      expect(codeOf((await app.graphql(q, v, null)).body)).toBe('UNAUTHENTICATED');
    }
    // A tenant admin manages only its own tokens.
    for (const q of [
      `mutation($t: ID) { rotateScimToken(tenantId: $t) { scimToken } }`,
      `mutation($t: ID) { revokeScimTokens(tenantId: $t) { revoked { id } } }`,
    ]) {
      expect(codeOf((await app.graphql(q, { t: other.tenantId }, t.keys.admin)).body)).toBe('FORBIDDEN');
    }
    expect(
      codeOf((await app.graphql(`mutation { revokeScimTokens { revoked { id } } }`, {}, t.keys.read)).body),
    ).toBe('FORBIDDEN');
    // Nothing happened to either tenant.
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);
    expect((await scimGet(other.tenantId, other.scimToken)).status).toBe(200);
  });
});

describe('updateTenant', () => {
  it('renames and changes the slug; the Provisioning URL (by id) and the token keep working', async () => {
    const t = await gqlTenant(app, db);
    const before = await slugOf(t.tenantId);
    const slug = uniq('renamed');
    const { body } = await app.graphql(UPDATE, {
      id: t.tenantId,
      input: { name: ' Acme Ltd ', slug: slug.toUpperCase() },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateTenant).toEqual({
      tenant: { id: t.tenantId, slug, name: 'Acme Ltd' },
      previousSlug: before,
      changedFields: ['slug', 'name'],
      scimUrl: `${ORIGIN}/scim/v2/${t.tenantId}`,
    });
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);
    // The tenant's own feed and the operator's record both have it.
    const events = await query(
      db.em(),
      sql`select action, changes from audit_event where tenant_id = ${t.tenantId} and action = 'tenant.updated'`,
    );
    expect(events).toEqual([
      {
        action: 'tenant.updated',
        changes: { slug: { old: before, new: slug }, name: { old: 'Test', new: 'Acme Ltd' } },
      },
    ]);
    const audit = await app.graphql(AUDIT, { id: t.tenantId });
    expect(audit.body.data!.operatorAuditEvents[0]).toMatchObject({
      action: 'tenant.updated',
      actor: 'operator:operator',
      tenantSlug: slug,
    });
    // Nothing to change is no change.
    const same = await app.graphql(UPDATE, { id: t.tenantId, input: { slug } });
    expect(same.body.data!.updateTenant.changedFields).toEqual([]);
  });

  it('validates the slug as createTenant does, and says clearly when it is taken', async () => {
    const t = await gqlTenant(app, db);
    const other = await gqlTenant(app, db);
    for (const bad of ['', 'Has Space', '-leading', 'trailing-', 'x'.repeat(64), 'ünïcode']) {
      const { body } = await app.graphql(UPDATE, { id: t.tenantId, input: { slug: bad } });
      expect(codeOf(body)).toBe('BAD_USER_INPUT');
      expect(body.errors![0]!.extensions!.field).toBe('slug');
    }
    const taken = await app.graphql(UPDATE, {
      id: t.tenantId,
      input: { slug: await slugOf(other.tenantId) },
    });
    expect(codeOf(taken.body)).toBe('TENANT_SLUG_TAKEN');
    expect(taken.body.errors![0]!.message).toMatch(/already exists/);
    expect(codeOf((await app.graphql(UPDATE, { id: t.tenantId, input: {} })).body)).toBe('BAD_USER_INPUT');
    const missing = await app.graphql(UPDATE, {
      id: '00000000-0000-4000-8000-000000000000',
      input: { name: 'x' },
    });
    expect(codeOf(missing.body)).toBe('NOT_FOUND');
  });
});

describe('suspendTenant and resumeTenant', () => {
  it('answers every SCIM request 403 with a SCIM error at once, in this process and another, until resumed', async () => {
    const t = await gqlTenant(app, db);
    const bystander = await gqlTenant(app, db);
    const other = await startTestApp(db, ENV);
    try {
      // Both processes remember the verified token (the cache a suspension must get past).
      for (const target of [app, other]) {
        expect((await scimGet(t.tenantId, t.scimToken, target)).status).toBe(200);
        expect((await scimGet(t.tenantId, t.scimToken, target)).status).toBe(200);
      }
      const { body } = await app.graphql(SUSPEND, { id: t.tenantId, r: 'Unpaid invoice 2026-11' });
      expect(body.errors).toBeUndefined();
      expect(body.data!.suspendTenant).toMatchObject({
        suspendedReason: 'Unpaid invoice 2026-11',
        suspendedBy: 'operator:operator',
      });
      const denied = await scimGet(t.tenantId, t.scimToken);
      expect(denied).toEqual({
        status: 403,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '403',
          detail: TENANT_SUSPENDED_DETAIL,
        },
      });
      // The reason is for operators only; Entra is told who to contact and that the token is fine.
      expect(TENANT_SUSPENDED_DETAIL).toMatch(/suspended/);
      expect(TENANT_SUSPENDED_DETAIL).toMatch(/Contact CheckProof support/);
      expect(TENANT_SUSPENDED_DETAIL).not.toMatch(/Unpaid/);
      // Another process learns of it through PostgreSQL, well within the cache's lifetime.
      expect(await until(async () => (await scimGet(t.tenantId, t.scimToken, other)).status === 403)).toBe(
        true,
      );
      // Writes are refused too, and a wrong token is still the same 401 as anywhere.
      const post = await fetch(`${app.url}/scim/v2/${t.tenantId}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.scimToken}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: 'new@example.com' }),
      });
      expect(post.status).toBe(403);
      expect((await scimGet(t.tenantId, 'cpd_scim_wrong')).status).toBe(401);
      // Other tenants are untouched.
      expect((await scimGet(bystander.tenantId, bystander.scimToken)).status).toBe(200);

      const resumed = await app.graphql(RESUME, { id: t.tenantId });
      expect(resumed.body.data!.resumeTenant).toEqual({
        id: t.tenantId,
        suspendedAt: null,
        suspendedReason: null,
      });
      expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);
      expect((await scimGet(t.tenantId, t.scimToken, other)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("refuses the tenant's API keys, JWTs and console sessions with FORBIDDEN / TENANT_SUSPENDED; the operator still reads", async () => {
    const t = await gqlTenant(app, db);
    const session = await startSession(db.em(), 'tenant_admin', t.tenantId);
    const jwt = await jwtFor(t.tenantId);
    const READ = `{ users(first: 1) { totalCount } }`;
    for (const token of [t.keys.read, jwt])
      expect((await app.graphql(READ, {}, token)).body.errors).toBeUndefined();
    expect((await asConsole(session.secret, READ)).body.errors).toBeUndefined();

    await app.graphql(SUSPEND, { id: t.tenantId, r: 'Security review' });
    for (const answer of [
      await app.graphql(READ, {}, t.keys.read),
      await app.graphql(`{ viewer { kind } }`, {}, t.keys.admin),
      await app.graphql(`mutation { rotateScimToken { scimToken } }`, {}, t.keys.admin),
      await app.graphql(READ, {}, jwt),
      await asConsole(session.secret, READ),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.body.errors![0]!.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'TENANT_SUSPENDED',
      });
      expect(answer.body.errors![0]!.message).toMatch(/suspended/);
    }
    // The suspended tenant's administrator can still sign out.
    const out = await asConsole(session.secret, `mutation { signOut }`);
    expect(out.body.data).toEqual({ signOut: true });

    // The operator sees the suspension and can still read inside the tenant.
    const list = await app.graphql(`{ tenants { id suspendedAt suspendedReason } }`);
    expect(list.body.data!.tenants.find((x: { id: string }) => x.id === t.tenantId)).toMatchObject({
      suspendedReason: 'Security review',
    });
    const inside = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'x-checkproof-tenant': t.tenantId,
      },
      body: JSON.stringify({ query: READ }),
    });
    expect(((await inside.json()) as GqlBody).data).toEqual({ users: { totalCount: 0 } });

    await app.graphql(RESUME, { id: t.tenantId });
    for (const token of [t.keys.read, jwt])
      expect((await app.graphql(READ, {}, token)).body.errors).toBeUndefined();

    const audit = (await app.graphql(AUDIT, { id: t.tenantId })).body.data!.operatorAuditEvents;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['tenant.resumed', 'tenant.suspended']);
    expect(audit[1].details).toMatchObject({ reason: 'Security review' });
  });

  it('needs a reason, keeps the first suspension time when suspended again, and knows no unknown tenant', async () => {
    const t = await gqlTenant(app, db);
    expect(codeOf((await app.graphql(SUSPEND, { id: t.tenantId, r: '  ' })).body)).toBe('BAD_USER_INPUT');
    const first = (await app.graphql(SUSPEND, { id: t.tenantId, r: 'one' })).body.data!.suspendTenant;
    const second = (await app.graphql(SUSPEND, { id: t.tenantId, r: 'two' })).body.data!.suspendTenant;
    expect(second.suspendedAt).toBe(first.suspendedAt);
    expect(second.suspendedReason).toBe('two');
    expect(codeOf((await app.graphql(RESUME, { id: 'nope' })).body)).toBe('NOT_FOUND');
  });
});

describe("the operator's SCIM token rotation and revocation", () => {
  it('rotates like the tenant admin does (old token kept), or revokes the others at once; revokes all', async () => {
    const t = await gqlTenant(app, db);
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);
    const ROTATE = `mutation($t: ID, $r: Boolean) { rotateScimToken(tenantId: $t, name: "Entra 2027", revokeOthers: $r) { scimToken token { id name } revoked { id } } }`;
    const kept = (await app.graphql(ROTATE, { t: t.tenantId })).body.data!.rotateScimToken;
    expect(kept.token.name).toBe('Entra 2027');
    expect(kept.revoked).toEqual([]);
    expect((await scimGet(t.tenantId, kept.scimToken)).status).toBe(200);
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);

    const fresh = (await app.graphql(ROTATE, { t: t.tenantId, r: true })).body.data!.rotateScimToken;
    expect(fresh.revoked).toHaveLength(2);
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(401);
    expect((await scimGet(t.tenantId, kept.scimToken)).status).toBe(401);
    expect((await scimGet(t.tenantId, fresh.scimToken)).status).toBe(200);

    const all = await app.graphql(
      `mutation($t: ID) { revokeScimTokens(tenantId: $t) { revoked { id revokedAt } } }`,
      {
        t: t.tenantId,
      },
    );
    expect(all.body.data!.revokeScimTokens.revoked).toEqual([
      { id: fresh.token.id, revokedAt: expect.any(String) },
    ]);
    expect((await scimGet(t.tenantId, fresh.scimToken)).status).toBe(401);

    const actions = (await app.graphql(AUDIT, { id: t.tenantId })).body.data!.operatorAuditEvents.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(['scim_token.revoked', 'scim_token.rotated', 'scim_token.rotated']);
    expect(codeOf((await app.graphql(`mutation { revokeScimTokens { revoked { id } } }`)).body)).toBe(
      'BAD_USER_INPUT',
    );
  });
});

/** Every table with a tenant_id column (found in the catalog, so a new table is covered too). */
async function tenantTables(): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    db.em(),
    sql`select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'tenant_id' and table_name <> 'operator_audit_event' order by 1`,
  );
  return rows.map((r) => r.table_name);
}

/** Every row the tenant has, table by table, as JSON text in a stable order. */
async function dump(tenantId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of [...(await tenantTables()), 'tenant']) {
    const column = table === 'tenant' ? 'id' : 'tenant_id';
    const rows = await query<{ j: string }>(
      db.em(),
      sql`select to_jsonb(x)::text as j from ${sql.identifier(table)} x where ${sql.identifier(column)} = ${tenantId} order by 1`,
    );
    out[table] = rows.map((r) => r.j);
  }
  return out;
}

/** Gives the tenant rows in every table: directory, history, archives, logs, credentials, sessions, webhooks. */
async function populate(t: GqlTenant): Promise<void> {
  const op = operatorContext(db.em());
  const manager = await buildUser(t.ctx, { roles: [{ value: 'Admin' }] });
  const users = [manager];
  for (let i = 0; i < 4; i++)
    users.push(
      await buildUser(t.ctx, {
        enterprise: { managerId: manager.id },
        roles: [{ value: 'Reader' }],
      } as never),
    );
  const parent = await buildGroup(t.ctx);
  const child = await buildGroup(t.ctx);
  await addMembers(t.ctx, parent.id, [child.id, users[0]!.id, users[1]!.id]);
  await addMembers(t.ctx, child.id, [users[2]!.id, users[3]!.id]);
  await deleteUser(t.ctx, users[4]!.id);
  await deleteGroup(t.ctx, child.id);
  await setUserActive(t.ctx, users[3]!.id, false);
  await query(
    t.ctx.em,
    sql`insert into user_deprovisioning (tenant_id, user_id, kind) values (${t.tenantId}, ${users[3]!.id}, 'disabled')`,
  );
  await recordProvisioning(db.em(), {
    tenantId: t.tenantId,
    requestId: uniq('r'),
    method: 'GET',
    path: '/Users',
    status: 200,
    durationMs: 1,
    errorDetail: null,
    warnings: [],
    operations: null,
  });
  await createSetupLink(op, t.tenantId, 24);
  await startSession(db.em(), 'tenant_admin', t.tenantId);
  const { endpoint } = await createWebhookEndpoint(
    t.ctx,
    { url: 'https://hooks.example.com/directory' },
    { allowPrivate: true },
  );
  const delivery = await query<{ id: string }>(
    db.em(),
    sql`insert into webhook_delivery (tenant_id, endpoint_id, message_id, event_type, subject_key, state)
      values (${t.tenantId}, ${endpoint.id}, ${uniq('msg')}, 'user.created', 'u', 'delivered') returning id`,
  );
  await query(
    db.em(),
    sql`insert into webhook_attempt (tenant_id, delivery_id, attempted_at, status, latency_ms)
      values (${t.tenantId}, ${delivery[0]!.id}, now(), 200, 5)`,
  );
}

describe('deleteTenant', () => {
  it('requires the slug typed back exactly, and deletes nothing otherwise', async () => {
    const t = await gqlTenant(app, db);
    const slug = await slugOf(t.tenantId);
    for (const wrong of ['', slug.toUpperCase(), ` ${slug}`, `${slug}x`]) {
      const { body } = await app.graphql(DELETE, { id: t.tenantId, s: wrong });
      expect(codeOf(body)).toBe('BAD_USER_INPUT');
      expect(body.errors![0]!.extensions!.field).toBe('confirmSlug');
    }
    expect((await scimGet(t.tenantId, t.scimToken)).status).toBe(200);
    expect(
      codeOf((await app.graphql(DELETE, { id: '00000000-0000-4000-8000-000000000000', s: 'x' })).body),
    ).toBe('NOT_FOUND');
  });

  it("removes every row of the tenant with counts per kind, leaves another tenant byte-identical, and keeps the operator's record", async () => {
    const a = await gqlTenant(app, db);
    const b = await gqlTenant(app, db);
    await populate(a);
    await populate(b);
    // A's token is remembered by this process: the deletion must get past that too.
    expect((await scimGet(a.tenantId, a.scimToken)).status).toBe(200);
    expect(
      await until(async () => {
        const n = await query<{ n: number }>(
          db.em(),
          sql`select count(*)::int as n from provisioning_log where tenant_id = ${a.tenantId}`,
        );
        return n[0]!.n === 2;
      }),
    ).toBe(true);

    const tables = await tenantTables();
    const before = await dump(a.tenantId);
    // The seed reaches every tenant table, so the deletion is tested on each of them.
    for (const table of tables) expect([table, before[table]!.length > 0]).toEqual([table, true]);
    const bBefore = await dump(b.tenantId);

    const slug = await slugOf(a.tenantId);
    const { body } = await app.graphql(DELETE, { id: a.tenantId, s: slug });
    expect(body.errors).toBeUndefined();
    const counts = body.data!.deleteTenant.counts;
    const n = (table: string) => before[table]!.length;
    const kinds = (kind: string) => before.credential!.filter((j) => JSON.parse(j).kind === kind).length;
    expect(counts).toEqual({
      users: n('app_user'),
      groups: n('group'),
      memberships: n('membership'),
      membershipHistory: n('membership_interval'),
      deletedGroupMemberships: n('membership_deleted_group'),
      roles: n('role'),
      roleAssignments: n('user_role'),
      scimTokens: kinds('SCIM_TOKEN'),
      apiKeys: kinds('API_KEY'),
      provisioningLog: n('provisioning_log'),
      auditEvents: n('audit_event'),
      deletedUsers: n('deleted_user'),
      deletedGroups: n('deleted_group'),
      deprovisioningRecords: n('user_deprovisioning'),
      webhookEndpoints: n('webhook_endpoint'),
      webhookDeliveries: n('webhook_delivery'),
      webhookAttempts: n('webhook_attempt'),
      consoleSessions: n('console_session'),
      setupLinks: n('setup_link'),
    });
    expect(counts).toMatchObject({
      users: 4,
      groups: 1,
      apiKeys: 4,
      scimTokens: 1,
      deletedUsers: 1,
      deletedGroups: 1,
    });

    const after = await dump(a.tenantId);
    for (const table of [...tables, 'tenant']) expect([table, after[table]]).toEqual([table, []]);
    expect(await dump(b.tenantId)).toEqual(bBefore);

    // Its credentials stop at once, though the token was remembered.
    expect((await scimGet(a.tenantId, a.scimToken)).status).toBe(401);
    expect(codeOf((await app.graphql(`{ users(first: 1) { totalCount } }`, {}, a.keys.read)).body)).toBe(
      'UNAUTHENTICATED',
    );
    // The operator's record survives the tenant, with the counts.
    const audit = (await app.graphql(AUDIT, { id: a.tenantId })).body.data!.operatorAuditEvents;
    expect(audit[0]).toMatchObject({
      action: 'tenant.deleted',
      actor: 'operator:operator',
      tenantSlug: slug,
      details: { counts },
    });
    // Append-only.
    await expect(
      query(db.em(), sql`delete from operator_audit_event where tenant_id = ${a.tenantId}`),
    ).rejects.toThrow(/append-only/);
    // B still works.
    expect((await scimGet(b.tenantId, b.scimToken)).status).toBe(200);
  });

  it('every tenant table is removed with its tenant by a cascading foreign key (so none can be forgotten)', async () => {
    const rows = await query<{ table_name: string; cascade: boolean }>(
      db.em(),
      sql`select c.table_name, exists (
          select 1 from pg_constraint k
          where k.conrelid = format('%I', c.table_name)::regclass and k.contype = 'f'
            and k.confrelid = 'tenant'::regclass and k.confdeltype = 'c'
            and k.conkey = array[(select attnum from pg_attribute where attrelid = k.conrelid and attname = 'tenant_id')]
        ) as cascade
        from information_schema.columns c
        where c.table_schema = 'public' and c.column_name = 'tenant_id' and c.table_name <> 'operator_audit_event'`,
    );
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.filter((r) => !r.cascade)).toEqual([]);
  });
});
