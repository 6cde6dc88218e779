import { randomUUID } from 'node:crypto';
import { query, sql } from '../../src/domain/sql';
import type { TestApp } from '../support/app';
import type { TestDatabase } from '../support/db';
import { scimTenant, type ScimClient } from '../support/scim';
import { useTestApp } from '../support/use-app';
import { until } from '../support/wait';
import { codeOf, gqlTenant, type GqlTenant } from './support';

const { db, app } = useTestApp();

const ENTRY = `id createdAt method path status operation resourceType resourceId resourceName requestBody responseBody actor`;
const ACTIVITY = `query($first: Int, $after: String, $filter: ProvisioningActivityFilter) {
  provisioningActivity(first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor }
  }
}`;

type Entry = Record<string, unknown>;

/** A tenant with API keys and a SCIM client for its token. */
async function tenantWithScim(app: TestApp, db: TestDatabase): Promise<GqlTenant & { scim: ScimClient }> {
  const t = await gqlTenant(app, db);
  const scim = await scimTenant(app);
  // scimTenant makes its own tenant; point a client at t's tenant with t's token instead.
  const base = scim.base.replace(scim.tenantId, t.tenantId);
  return {
    ...t,
    scim: {
      ...scim,
      base,
      token: t.scimToken,
      tenantId: t.tenantId,
      req: async (method, path, body, headers = {}) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${t.scimToken}`,
            ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      },
    },
  };
}

async function activity(t: GqlTenant, variables: Record<string, unknown> = {}) {
  const res = await app.graphql(ACTIVITY, { first: 200, ...variables }, t.keys.admin);
  expect(res.body.errors).toBeUndefined();
  const conn = res.body.data!.provisioningActivity;
  return {
    total: conn.totalCount as number,
    entries: conn.edges.map((e: { node: Entry }) => e.node) as Entry[],
    pageInfo: conn.pageInfo as { hasNextPage: boolean; endCursor: string | null },
  };
}

async function waitForEntries(t: GqlTenant, n: number) {
  await until(`${n} log entries are written`, async () => (await activity(t)).total >= n);
}

describe('provisioningActivity', () => {
  let t: GqlTenant & { scim: ScimClient };
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    t = await tenantWithScim(app, db);
    const { scim } = t;
    const guid = randomUUID();
    expect(
      (await scim.req('GET', `/Users?filter=${encodeURIComponent(`userName eq "${guid}"`)}`)).status,
    ).toBe(200);
    const created = await scim.req('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'alice@x.test',
      displayName: 'Alice',
      password: 'Secr3t-password!',
      active: true,
    });
    expect(created.status).toBe(201);
    userId = created.body.id;
    const patch = (ops: unknown[]) =>
      scim.req('PATCH', `/Users/${userId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: ops,
      });
    expect((await patch([{ op: 'Replace', path: 'displayName', value: 'Alice A' }])).status).toBe(204);
    expect((await patch([{ op: 'Replace', path: 'active', value: 'False' }])).status).toBe(204);
    expect((await scim.req('GET', `/Users/${userId}`)).status).toBe(200);
    const group = await scim.req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Finance',
    });
    groupId = group.body.id;
    expect((await scim.req('POST', '/Users', { userName: 'ALICE@x.test' })).status).toBe(409);
    expect((await scim.req('DELETE', `/Users/${userId}`)).status).toBe(204);
    await waitForEntries(t, 8);
  });

  it('classifies each request: READ, CREATE, UPDATE, DISABLE, DELETE, with the resource it touched', async () => {
    const { entries } = await activity(t);
    expect(entries.map((e) => [e.method, e.status, e.operation, e.resourceType, e.resourceName])).toEqual([
      ['DELETE', 204, 'DELETE', 'USER', 'alice@x.test'],
      ['POST', 409, 'CREATE', 'USER', 'ALICE@x.test'],
      ['POST', 201, 'CREATE', 'GROUP', 'Finance'],
      ['GET', 200, 'READ', 'USER', 'alice@x.test'],
      ['PATCH', 204, 'DISABLE', 'USER', 'alice@x.test'],
      ['PATCH', 204, 'UPDATE', 'USER', 'alice@x.test'],
      ['POST', 201, 'CREATE', 'USER', 'alice@x.test'],
      ['GET', 200, 'READ', 'USER', expect.stringMatching(/^[0-9a-f-]{36}$/)],
    ]);
    expect(entries[0]!.resourceId).toBe(userId);
    expect(entries[2]!.resourceId).toBe(groupId);
    expect(entries[6]!.resourceId).toBe(userId);
    expect(entries.every((e) => e.actor === 'Initial provisioning token')).toBe(true);
  });

  it('keeps request and response bodies without secrets', async () => {
    const { entries } = await activity(t, { filter: { operation: 'CREATE', resourceType: 'USER' } });
    const created = entries.find((e) => e.status === 201)!;
    expect(created.requestBody).toMatchObject({ userName: 'alice@x.test', password: '[redacted]' });
    expect(created.responseBody).toMatchObject({ id: userId, userName: 'alice@x.test' });
    const failed = entries.find((e) => e.status === 409)!;
    expect(failed.responseBody).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const all = JSON.stringify((await activity(t)).entries);
    expect(all).not.toContain('Secr3t-password!');
    expect(all).not.toContain(t.scimToken);
    const [raw] = await query<{ body: string }>(
      db.em(),
      sql`select string_agg(coalesce(operations::text, '') || coalesce(response_body::text, ''), '') as body from provisioning_log where tenant_id = ${t.tenantId}`,
    );
    expect(raw!.body).not.toContain('Secr3t-password!');
    expect(raw!.body).not.toContain(t.scimToken);
  });

  it('filters by outcome, operation, resource type, name prefix and time', async () => {
    const ops = async (filter: Record<string, unknown>) =>
      (await activity(t, { filter })).entries.map((e) => `${e.method} ${e.status}`);
    expect(await ops({ outcome: 'FAILURE' })).toEqual(['POST 409']);
    expect((await ops({ outcome: 'SUCCESS' })).length).toBe(7);
    expect(await ops({ operation: 'DISABLE' })).toEqual(['PATCH 204']);
    expect(await ops({ operation: 'DELETE' })).toEqual(['DELETE 204']);
    expect(await ops({ resourceType: 'GROUP' })).toEqual(['POST 201']);
    expect(await ops({ search: 'FIN' })).toEqual(['POST 201']);
    expect((await ops({ search: 'alice@' })).length).toBe(6);
    expect(await ops({ search: '%' })).toEqual([]);
    expect(await ops({ search: 'alice', outcome: 'FAILURE', operation: 'CREATE' })).toEqual(['POST 409']);
    expect(await ops({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect((await ops({ to: new Date(Date.now() + 60_000).toISOString() })).length).toBe(8);
    expect(await ops({ to: new Date(Date.now() - 3_600_000).toISOString() })).toEqual([]);
  });

  it('pages with a stable keyset cursor, even while new entries arrive', async () => {
    const all = (await activity(t)).entries.map((e) => e.id);
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await activity(t, { first: 3, after });
      seen.push(...page.entries.map((e) => e.id));
      if (i === 0) {
        await t.scim.req('GET', '/Groups');
        await waitForEntries(t, all.length + 1);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('rejects a bad cursor and an oversized page', async () => {
    const bad = await app.graphql(ACTIVITY, { after: 'bm9wZQ' }, t.keys.admin);
    expect(codeOf(bad.body)).toBe('BAD_USER_INPUT');
    const big = await app.graphql(ACTIVITY, { first: 201 }, t.keys.admin);
    expect(codeOf(big.body)).toBe('BAD_USER_INPUT');
  });

  it('is for tenant admins, and shows one tenant only its own entries', async () => {
    const read = await app.graphql(ACTIVITY, {}, t.keys.read);
    expect(codeOf(read.body)).toBe('FORBIDDEN');
    const other = await gqlTenant(app, db);
    expect((await activity(other)).entries).toEqual([]);
    const health = await app.graphql(`{ provisioningHealth { requestsLast24h } }`, {}, other.keys.admin);
    expect(health.body.data!.provisioningHealth.requestsLast24h).toBe(0);
    const conn = await app.graphql(
      `{ provisioning { connection { state userCount groupCount testConnectionAt } } }`,
      {},
      other.keys.admin,
    );
    expect(conn.body.data!.provisioning.connection).toEqual({
      state: 'WAITING',
      userCount: 0,
      groupCount: 0,
      testConnectionAt: null,
    });
  });

  it('reports the connection: Test Connection, first and last request, counts, state', async () => {
    const res = await app.graphql(
      `{ provisioning { connection { testConnectionAt firstRequestAt lastRequestAt userCount groupCount state } } }`,
      {},
      t.keys.admin,
    );
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!.provisioning.connection;
    expect(c.state).toBe('PROVISIONING');
    expect(c.testConnectionAt).toBe(c.firstRequestAt);
    expect(c.userCount).toBe(0);
    expect(c.groupCount).toBe(1);
    expect(Date.parse(c.lastRequestAt)).toBeGreaterThanOrEqual(Date.parse(c.firstRequestAt));
  });

  it('says TEST_RECEIVED after only a Test Connection, and a found userName is no Test Connection', async () => {
    const fresh = await tenantWithScim(app, db);
    const state = async () =>
      (await app.graphql(`{ provisioning { connection { state testConnectionAt } } }`, {}, fresh.keys.admin))
        .body.data!.provisioning.connection;
    expect((await state()).state).toBe('WAITING');
    await fresh.scim.req('GET', `/Users?filter=${encodeURIComponent('userName eq "bob@x.test"')}`);
    await waitForEntries(fresh, 1);
    expect(await state()).toEqual({ state: 'WAITING', testConnectionAt: null });
    await fresh.scim.req('GET', `/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`);
    await waitForEntries(fresh, 2);
    expect((await state()).state).toBe('TEST_RECEIVED');
  });

  it("names a DELETE's resource from an entry written in an earlier batch", async () => {
    const before = (await activity(t)).total;
    const created = await t.scim.req('POST', '/Groups', { displayName: 'Short-lived' });
    await waitForEntries(t, before + 1);
    expect((await t.scim.req('DELETE', `/Groups/${created.body.id}`)).status).toBe(204);
    await waitForEntries(t, before + 2);
    const [deleted] = (
      await activity(t, { first: 1, filter: { operation: 'DELETE', resourceType: 'GROUP' } })
    ).entries;
    expect(deleted).toMatchObject({ resourceId: created.body.id, resourceName: 'Short-lived' });
  });
});

describe('provisioningHealth', () => {
  const HEALTH = `{ provisioningHealth { requestsLastHour failuresLastHour requestsLast24h failuresLast24h failureRate24h lastRequestAt cycleInProgress quarantineRisk } }`;

  /** Log rows for the tenant: `n` requests `ago` back, `failed` of them with status 500. */
  async function seed(tenantId: string, n: number, failed: number, ago: string) {
    await query(
      db.em(),
      sql`insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, created_at)
       select ${tenantId}::uuid, 'r' || i, 'GET', '/Users', case when i <= ${failed} then 500 else 200 end, 1,
         now() - ${ago}::interval
       from generate_series(1, ${n}) as i`,
    );
  }

  async function health(t: GqlTenant) {
    const res = await app.graphql(HEALTH, {}, t.keys.admin);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.provisioningHealth;
  }

  it('counts the last hour and 24 hours and sees a running cycle', async () => {
    const t = await gqlTenant(app, db);
    expect(await health(t)).toMatchObject({
      requestsLast24h: 0,
      quarantineRisk: 'NONE',
      lastRequestAt: null,
    });
    await seed(t.tenantId, 30, 3, '30 seconds');
    await seed(t.tenantId, 70, 7, '3 hours');
    await seed(t.tenantId, 50, 50, '30 hours');
    expect(await health(t)).toMatchObject({
      requestsLastHour: 30,
      failuresLastHour: 3,
      requestsLast24h: 100,
      failuresLast24h: 10,
      failureRate24h: 0.1,
      cycleInProgress: true,
      quarantineRisk: 'NONE',
    });
  });

  it('is APPROACHING above 20 % or 2,500 failures, LIKELY above 40 % with 5,000 failures', async () => {
    const a = await gqlTenant(app, db);
    await seed(a.tenantId, 100, 21, '2 hours');
    expect(await health(a)).toMatchObject({ quarantineRisk: 'APPROACHING', cycleInProgress: false });
    const b = await gqlTenant(app, db);
    await seed(b.tenantId, 20_000, 2_501, '2 hours');
    expect((await health(b)).quarantineRisk).toBe('APPROACHING');
    const c = await gqlTenant(app, db);
    await seed(c.tenantId, 10_000, 4_100, '2 hours');
    expect((await health(c)).quarantineRisk).toBe('APPROACHING');
    const d = await gqlTenant(app, db);
    await seed(d.tenantId, 12_000, 5_000, '2 hours');
    expect((await health(d)).quarantineRisk).toBe('LIKELY');
  });
});
