/**
 * Tenant isolation: a tenant's token opens only its own Provisioning URL, and ids of another
 * tenant's resources behave exactly like ids that do not exist (404, skipped, never linked).
 */
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { scimTenant, type ScimClient } from '../../support/scim';
import { useScimApp } from '../../support/use-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const { db, app, scim: a } = useScimApp();
let b: ScimClient;
const ids = { aUser: '', aGroup: '', bUser: '', bGroup: '' };

beforeAll(async () => {
  b = await scimTenant(app);
  ids.aUser = (
    await a.req('POST', '/Users', { userName: 'shared@contoso.com', displayName: 'A user' })
  ).body.id;
  ids.aGroup = (await a.req('POST', '/Groups', { displayName: 'Shared name' })).body.id;
  ids.bUser = (
    await b.req('POST', '/Users', { userName: 'shared@contoso.com', displayName: 'B user' })
  ).body.id;
  ids.bGroup = (
    await b.req('POST', '/Groups', { displayName: 'Shared name', members: [{ value: ids.bUser }] })
  ).body.id;
});

const patchBody = {
  schemas: [PATCH_OP],
  Operations: [{ op: 'replace', path: 'displayName', value: 'hijacked' }],
};
const userBody = { userName: 'hijacked@contoso.com' };
const groupBody = { displayName: 'hijacked' };

/** Every endpoint of a Provisioning URL, with a body where the method takes one. */
function endpoints(): Array<[string, string, unknown?]> {
  return [
    ['GET', '/Users'],
    ['GET', '/Users?filter=userName eq "shared@contoso.com"'],
    ['POST', '/Users', userBody],
    ['POST', '/Users/.search', { filter: 'userName eq "shared@contoso.com"' }],
    ['GET', `/Users/${ids.aUser}`],
    ['PUT', `/Users/${ids.aUser}`, userBody],
    ['PATCH', `/Users/${ids.aUser}`, patchBody],
    ['DELETE', `/Users/${ids.aUser}`],
    ['GET', '/Groups'],
    ['POST', '/Groups', groupBody],
    ['POST', '/Groups/.search', {}],
    ['GET', `/Groups/${ids.aGroup}`],
    ['PUT', `/Groups/${ids.aGroup}`, groupBody],
    ['PATCH', `/Groups/${ids.aGroup}`, patchBody],
    ['DELETE', `/Groups/${ids.aGroup}`],
    ['POST', '/.search', {}],
    ['GET', '/ServiceProviderConfig'],
    ['GET', '/ResourceTypes'],
    ['GET', '/ResourceTypes/User'],
    ['GET', '/Schemas'],
    ['GET', `/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`],
    ['GET', '/NoSuchEndpoint'],
  ];
}

describe("tenant B's token on tenant A's Provisioning URL", () => {
  it('is refused with 401 on every endpoint, and nothing of tenant A changes', async () => {
    for (const [method, path, body] of endpoints()) {
      const res = await fetch(`${a.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const parsed = (await res.json()) as { status: string; detail: string };
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(parsed).toMatchObject({
        status: '401',
        detail: expect.stringMatching(/Secret Token is not valid/),
      });
    }
    const user = await a.req('GET', `/Users/${ids.aUser}`);
    expect(user.body).toMatchObject({
      userName: 'shared@contoso.com',
      displayName: 'A user',
      meta: { version: 'W/"1"' },
    });
    expect((await a.req('GET', `/Groups/${ids.aGroup}`)).body).toMatchObject({ displayName: 'Shared name' });
    expect((await a.req('GET', '/Users')).body.totalResults).toBe(1);
    expect((await a.req('GET', '/Groups')).body.totalResults).toBe(1);
  });

  it('is refused on a URL naming a tenant id that is not a UUID or does not exist', async () => {
    for (const tenant of ['not-a-uuid', crypto.randomUUID()]) {
      const res = await fetch(`${a.base.replace(a.tenantId, tenant)}/Users`, {
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(res.status).toBe(401);
    }
  });
});

describe("tenant A's token with tenant B's resource ids", () => {
  it.each([
    ['GET', undefined],
    ['PUT', 'put'],
    ['PATCH', patchBody],
    ['DELETE', undefined],
  ] as const)(
    'answers %s on the other tenant’s user and group with 404, changing nothing',
    async (method, body) => {
      for (const [kind, id] of [
        ['Users', ids.bUser],
        ['Groups', ids.bGroup],
      ] as const) {
        const payload = body === 'put' ? (kind === 'Users' ? userBody : groupBody) : body;
        const res = await a.req(method, `/${kind}/${id}`, payload);
        expect({ method, kind, status: res.status }).toEqual({ method, kind, status: 404 });
        expect(res.body).toMatchObject({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '404',
        });
        expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      }
      expect((await b.req('GET', `/Users/${ids.bUser}`)).body).toMatchObject({
        displayName: 'B user',
        meta: { version: 'W/"1"' },
      });
      const group = await b.req('GET', `/Groups/${ids.bGroup}`);
      expect(group.body).toMatchObject({ displayName: 'Shared name', members: [{ value: ids.bUser }] });
    },
  );

  it('finds nothing of tenant B through filters and searches', async () => {
    for (const f of [
      `id eq "${ids.bUser}"`,
      `userName eq "shared@contoso.com" and displayName eq "B user"`,
    ]) {
      expect((await a.req('GET', `/Users?filter=${encodeURIComponent(f)}`)).body.totalResults).toBe(0);
    }
    expect(
      (await a.req('GET', `/Groups?filter=${encodeURIComponent(`members.value eq "${ids.bUser}"`)}`)).body
        .totalResults,
    ).toBe(0);
    expect((await a.req('POST', '/.search', { filter: `id eq "${ids.bGroup}"` })).body.totalResults).toBe(0);
  });

  it("never links tenant B's user into tenant A: member adds and PUTs skip it, manager stays empty", async () => {
    const add = await a.req('PATCH', `/Groups/${ids.aGroup}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [{ value: ids.bUser }, { value: ids.bGroup }, { value: ids.aUser }],
        },
      ],
    });
    expect(add.status).toBe(204);
    const members = (await a.req('GET', `/Groups/${ids.aGroup}`)).body.members.map(
      (m: { value: string }) => m.value,
    );
    expect(members).toEqual([ids.aUser]);
    const put = await a.req('PUT', `/Groups/${ids.aGroup}`, {
      displayName: 'Shared name',
      members: [{ value: ids.bUser }],
    });
    expect(put.status).toBe(200);
    expect(put.body.members ?? []).toEqual([]);
    await a.req('PATCH', `/Users/${ids.aUser}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: `${ENTERPRISE}:manager`, value: ids.bUser }],
    });
    expect((await a.req('GET', `/Users/${ids.aUser}`)).body[ENTERPRISE]?.manager).toBeUndefined();
    const rows = await db.em().execute(
      `select count(*)::int as n from membership m join "group" g on g.id = m.group_id
       where g.tenant_id = ? and (m.member_user_id = ? or m.member_group_id = ?)`,
      [a.tenantId, ids.bUser, ids.bGroup],
    );
    expect(rows[0]!.n).toBe(0);
  });
});
