import { codeOf, gqlTenant, type GqlTenant } from './support';
import { useTestApp } from '../support/use-app';
import type { TestApp } from '../support/app';
import { massDeprovisioningChecksSettled } from '../../src/domain/deprovisioning/mass-deprovisioning.service';
import { query, sql } from '../../src/domain/sql';

const { db, app } = useTestApp();

function scim(app: TestApp, t: GqlTenant) {
  const base = `${app.url}/scim/v2/${t.tenantId}`;
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${t.scimToken}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  };
}

const DELETED_USERS = `query($s: String) { deletedUsers(first: 10, search: $s) {
  totalCount edges { node { id userName active roles groupCount deletedBy requestId deletedAt } } } }`;
const RESTORE_USER = `mutation($id: ID!) { restoreUser(id: $id) { id userName roles { value } groups(first: 10) { edges { node { id } } } } }`;

describe('restorable deletes over SCIM and GraphQL', () => {
  it('a SCIM DELETE is a 404 at once with the userName free; restoreUser brings back id, roles and groups', async () => {
    const t = await gqlTenant(app, db);
    const req = scim(app, t);
    const created = await req('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'gone@x.test',
      roles: [{ value: 'Approver', primary: true }],
    });
    expect(created.status).toBe(201);
    const id = created.body!.id as string;
    const group = await req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Approvers',
      members: [{ value: id }],
    });
    const before = await req('GET', `/Groups/${group.body!.id}`);

    expect((await req('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await req('GET', `/Users/${id}`)).status).toBe(404);
    const gql = await app.graphql(`query($id: ID!) { user(id: $id) { id } }`, { id }, t.keys.read);
    expect(gql.body.data?.user ?? null).toBeNull();
    const listed = await app.graphql(DELETED_USERS, { s: 'GONE' }, t.keys.admin);
    expect(listed.body.data!.deletedUsers).toMatchObject({
      totalCount: 1,
      edges: [{ node: { id, userName: 'gone@x.test', active: true, roles: ['Approver'], groupCount: 1 } }],
    });
    expect(listed.body.data!.deletedUsers.edges[0].node.deletedBy).toMatch(/^scim:/);

    // The name is free: a new user takes it, so restoring is a clear conflict.
    const taker = await req('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'GONE@x.test',
    });
    expect(taker.status).toBe(201);
    const clash = await app.graphql(RESTORE_USER, { id }, t.keys.admin);
    expect(codeOf(clash.body)).toBe('USER_NAME_TAKEN');
    expect(clash.body.errors![0]!.message).toContain(taker.body!.id);
    expect(clash.body.errors![0]!.message).toContain('gone@x.test');

    expect((await req('DELETE', `/Users/${taker.body!.id}`)).status).toBe(204);
    const restored = await app.graphql(RESTORE_USER, { id }, t.keys.admin);
    expect(restored.body.errors).toBeUndefined();
    expect(restored.body.data!.restoreUser).toMatchObject({
      id,
      userName: 'gone@x.test',
      roles: [{ value: 'Approver' }],
      groups: { edges: [{ node: { id: group.body!.id } }] },
    });
    const after = await req('GET', `/Groups/${group.body!.id}`);
    expect(after.body!.members).toEqual(before.body!.members);
    expect((await req('GET', `/Users/${id}`)).status).toBe(200);
  });

  it('restoreGroup brings a group back; deletedGroups lists it until then', async () => {
    const t = await gqlTenant(app, db);
    const req = scim(app, t);
    const group = await req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Finance',
    });
    const id = group.body!.id as string;
    expect((await req('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await req('GET', `/Groups/${id}`)).status).toBe(404);
    const listed = await app.graphql(
      `{ deletedGroups(search: "fin") { totalCount edges { node { id displayName memberCount } } } }`,
      {},
      t.keys.admin,
    );
    expect(listed.body.data!.deletedGroups).toEqual({
      totalCount: 1,
      edges: [{ node: { id, displayName: 'Finance', memberCount: 0 } }],
    });
    const restored = await app.graphql(
      `mutation($id: ID!) { restoreGroup(id: $id) { id displayName } }`,
      { id },
      t.keys.admin,
    );
    expect(restored.body.data!.restoreGroup).toEqual({ id, displayName: 'Finance' });
    expect((await req('GET', `/Groups/${id}`)).status).toBe(200);
    const events = await query<{ action: string }>(
      db.em(),
      sql`select action from audit_event where tenant_id = ${t.tenantId} and resource_id = ${id} order by id`,
    );
    expect(events.map((e) => e.action)).toEqual(['group.created', 'group.deleted', 'group.restored']);
  });

  it('needs TENANT_ADMIN, and keeps tenants apart', async () => {
    const a = await gqlTenant(app, db);
    const b = await gqlTenant(app, db);
    const req = scim(app, a);
    const created = await req('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a-only@x.test',
    });
    const id = created.body!.id as string;
    await req('DELETE', `/Users/${id}`);
    const write = await app.graphql(DELETED_USERS, {}, a.keys.write);
    expect(codeOf(write.body)).toBe('FORBIDDEN');
    expect(codeOf((await app.graphql(RESTORE_USER, { id }, a.keys.write)).body)).toBe('FORBIDDEN');
    const other = await app.graphql(DELETED_USERS, {}, b.keys.admin);
    expect(other.body.data!.deletedUsers.totalCount).toBe(0);
    expect(codeOf((await app.graphql(RESTORE_USER, { id }, b.keys.admin)).body)).toBe('NOT_FOUND');
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const bulk = await app.graphql(
      `mutation($s: DateTimeISO!) { restoreUsers(since: $s) { restored reenabled conflicts { id } } }`,
      { s: since },
      b.keys.admin,
    );
    expect(bulk.body.data!.restoreUsers).toEqual({ restored: 0, reenabled: 0, conflicts: [] });
    expect((await req('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('alerts on mass deprovisioning without refusing Entra, and restoreUsers(since) undoes it', async () => {
    const t = await gqlTenant(app, db);
    const req = scim(app, t);
    const set = await app.graphql(
      `mutation { setMassDeprovisioningAlert(input: { percent: 20, minUsers: 3 }) { tenantId percent minUsers lastAlertAt } }`,
      {},
      t.keys.admin,
    );
    expect(set.body.data!.setMassDeprovisioningAlert).toEqual({
      tenantId: t.tenantId,
      percent: 20,
      minUsers: 3,
      lastAlertAt: null,
    });
    const since = new Date(Date.now() - 1000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await req('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `mass-${i}@x.test`,
      });
      ids.push(r.body!.id as string);
    }
    const disable = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    };
    // Entra's requests all succeed, before and after the alert.
    for (const id of ids.slice(0, 2)) expect((await req('PATCH', `/Users/${id}`, disable)).status).toBe(204);
    for (const id of ids.slice(2, 4)) expect((await req('DELETE', `/Users/${id}`)).status).toBe(204);
    await massDeprovisioningChecksSettled();
    const alert = await app.graphql(`{ massDeprovisioningAlert { lastAlertAt } }`, {}, t.keys.admin);
    expect(alert.body.data!.massDeprovisioningAlert.lastAlertAt).not.toBeNull();
    const events = await query<{ changed_fields: string[] }>(
      db.em(),
      sql`select changed_fields from audit_event where tenant_id = ${t.tenantId} and action = 'directory.mass_deprovisioning'`,
    );
    expect(events).toHaveLength(1);

    const bulk = await app.graphql(
      `mutation($s: DateTimeISO!) { restoreUsers(since: $s) { restored reenabled conflicts { id } } }`,
      { s: since },
      t.keys.admin,
    );
    expect(bulk.body.data!.restoreUsers).toEqual({ restored: 2, reenabled: 2, conflicts: [] });
    for (const id of ids.slice(0, 4)) {
      const u = await req('GET', `/Users/${id}`);
      expect([u.status, u.body!.active]).toEqual([200, true]);
    }
  });

  it('lets the operator set a tenant’s thresholds, and a tenant admin only its own', async () => {
    const a = await gqlTenant(app, db);
    const b = await gqlTenant(app, db);
    const SET = `mutation($i: MassDeprovisioningAlertInput!) { setMassDeprovisioningAlert(input: $i) { tenantId percent minUsers } }`;
    const op = await app.graphql(SET, { i: { tenantId: a.tenantId, minUsers: 50 } });
    expect(op.body.data!.setMassDeprovisioningAlert).toEqual({
      tenantId: a.tenantId,
      percent: 10,
      minUsers: 50,
    });
    const cross = await app.graphql(SET, { i: { tenantId: a.tenantId, minUsers: 5 } }, b.keys.admin);
    expect(codeOf(cross.body)).toBe('FORBIDDEN');
    const bad = await app.graphql(SET, { i: { percent: 150 } }, b.keys.admin);
    expect(codeOf(bad.body)).toBe('BAD_USER_INPUT');
    const read = await app.graphql(`{ massDeprovisioningAlert { minUsers } }`, {}, a.keys.read);
    expect(codeOf(read.body)).toBe('FORBIDDEN');
  });
});
