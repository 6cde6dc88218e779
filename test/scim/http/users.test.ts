import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { scimTenant } from '../../support/scim';
import { useScimApp } from '../../support/use-app';

const { app, scim } = useScimApp();

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: `ext-${userName}`,
    userName,
    active: true,
    displayName: 'Test User',
    name: { givenName: 'Test', familyName: 'User', formatted: null },
    emails: [{ primary: true, type: 'work', value: userName }],
    phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
    preferredLanguage: 'en-US',
    roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }],
    meta: { resourceType: 'User' },
    ...extra,
  };
}

describe('SCIM /Users', () => {
  it('answers the Test Connection probe with 200 and an empty list (no Accept or Content-Type)', async () => {
    const res = await fetch(`${scim.base}/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, {
      headers: { authorization: `Bearer ${scim.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(await res.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
  });

  it('creates a user (201, Location, meta, ETag) and finds it case-insensitively by userName', async () => {
    const res = await scim.req('POST', '/Users', entraUser('Ada@Contoso.com'));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(
      `http://directory.test/scim/v2/${scim.tenantId}/Users/${res.body.id}`,
    );
    expect(res.body.meta.location).toBe(res.headers.get('location'));
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body.roles).toEqual([expect.objectContaining({ value: 'Admin', primary: true })]);
    expect(res.body.active).toBe(true);
    const found = await scim.req('GET', '/users?filter=userName eq "ada@contoso.COM"');
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(res.body.id);
    const dup = await scim.req('POST', '/Users', entraUser('ADA@contoso.com'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('applies Entra PATCH shapes and answers 204; "False" disables and GET still returns the user', async () => {
    const created = await scim.req('POST', '/Users', entraUser('patch@contoso.com'));
    const id = created.body.id;
    const patch = await scim.req('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Renamed' },
        { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0199' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Finance' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    });
    expect(patch.status).toBe(204);
    const got = await scim.req('GET', `/Users/${id}`);
    expect(got.body.displayName).toBe('Renamed');
    expect(got.body.active).toBe(false);
    expect(got.body[ENTERPRISE].department).toBe('Finance');
    expect(got.body.phoneNumbers).toContainEqual({ type: 'work', value: '+1 555 0199' });
    const filtered = await scim.req(
      'GET',
      `/Users?filter=active eq false and userName eq "patch@contoso.com"`,
    );
    expect(filtered.body.totalResults).toBe(1);
  });

  it('deletes: 204, then GET 404, then DELETE 404', async () => {
    const created = await scim.req('POST', '/Users', entraUser('gone@contoso.com'));
    expect((await scim.req('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    const get = await scim.req('GET', `/Users/${created.body.id}`);
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
    });
    expect((await scim.req('DELETE', `/Users/${created.body.id}`)).status).toBe(404);
  });

  it('rejects a wrong, missing or other tenant token with a 401 SCIM error', async () => {
    const other = await scimTenant(app);
    for (const auth of [undefined, 'Bearer nope', `Bearer ${other.token}`, 'Bearer ']) {
      const res = await fetch(`${scim.base}/Users`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/scim\+json/);
      expect(((await res.json()) as { status: string }).status).toBe('401');
    }
  });

  it('answers malformed JSON with 400 invalidSyntax and a bad filter with 400 invalidFilter', async () => {
    const bad = await scim.req('POST', '/Users', '{"userName": ');
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidSyntax');
    const filter = await scim.req('GET', '/Users?filter=userName zz "x"');
    expect(filter.status).toBe(400);
    expect(filter.body.scimType).toBe('invalidFilter');
    const unknown = await scim.req('GET', '/Users?filter=shoeSize eq "x"');
    expect(unknown.status).toBe(400);
    expect(unknown.body.scimType).toBe('invalidFilter');
  });

  it('tolerates a Provisioning URL pasted with a trailing slash (…//Users) and long filters', async () => {
    const res = await scim.req('GET', '/Users'.replace('/', '//') + '?filter=userName+eq+%22nobody%22');
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    const long = Array.from({ length: 400 }, (_, i) => `userName eq "someone-${i}@contoso.com"`).join(' or ');
    const big = await scim.req('GET', `/Users?filter=${encodeURIComponent(long)}`);
    expect(big.status).toBe(200);
    expect(big.body.totalResults).toBe(0);
  });

  it('answers a method a known path does not support with 405, Allow and a SCIM error', async () => {
    const res = await scim.req('DELETE', '/Users');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(res.headers.get('content-type')).toMatch(/scim\+json/);
    expect(res.body).toMatchObject({ status: '405' });
    const post = await scim.req('POST', `/Users/${crypto.randomUUID()}`, {});
    expect(post.status).toBe(405);
    expect((await scim.req('GET', '/Nothing')).status).toBe(404);
  });
});

describe('SCIM /Users: the read-only groups attribute (returned on request)', () => {
  const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
  let userId: string;
  let team: string;
  let division: string;
  beforeAll(async () => {
    userId = (await scim.req('POST', '/Users', entraUser('grouped@contoso.com'))).body.id;
    team = (
      await scim.req('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'Team',
        members: [{ value: userId }],
      })
    ).body.id;
    division = (
      await scim.req('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'Division',
        members: [{ value: team }],
      })
    ).body.id;
    await scim.req('POST', '/Groups', { schemas: [GROUP], displayName: 'Unrelated' });
  });

  const ref = (id: string) =>
    expect.stringMatching(new RegExp(`^https?://[^/]+/scim/v2/${scim.tenantId}/Groups/${id}$`));
  const expected = () => [
    { value: division, $ref: ref(division), display: 'Division', type: 'indirect' },
    { value: team, $ref: ref(team), display: 'Team', type: 'direct' },
  ];

  it('is left out of a default representation (no membership query for Entra’s reads)', async () => {
    const res = await scim.req('GET', `/Users/${userId}`);
    expect(res.status).toBe(200);
    expect(res.body.groups).toBeUndefined();
  });

  it('lists direct and nested groups when attributes names it, on a read and on a list', async () => {
    const one = await scim.req('GET', `/Users/${userId}?attributes=userName,groups`);
    expect(one.body).toEqual({
      schemas: [USER_SCHEMA],
      id: userId,
      userName: 'grouped@contoso.com',
      active: true,
      groups: expected(),
    });
    const urn = await scim.req('GET', `/Users/${userId}?attributes=${USER_SCHEMA}:groups.display`);
    expect(urn.body.groups).toEqual([{ display: 'Division' }, { display: 'Team' }]);
    const list = await scim.req(
      'GET',
      `/Users?attributes=groups&filter=${encodeURIComponent('userName eq "grouped@contoso.com"')}`,
    );
    expect(list.body.Resources).toEqual([
      { schemas: [USER_SCHEMA], id: userId, active: true, groups: expected() },
    ]);
    const search = await scim.req('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      attributes: ['groups'],
      filter: `groups.value eq "${team}"`,
    });
    expect(search.body.Resources.map((r: { id: string }) => r.id)).toEqual([userId]);
    expect(search.body.Resources[0].groups).toEqual(expected());
  });

  it('is absent (unassigned) for a user in no group, and follows membership changes', async () => {
    const loner = (await scim.req('POST', '/Users', entraUser('loner@contoso.com'))).body.id;
    const lonely = await scim.req('GET', `/Users/${loner}?attributes=groups`);
    expect(lonely.body).toEqual({ schemas: [USER_SCHEMA], id: loner, active: true });
    await scim.req('PATCH', `/Groups/${team}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }],
    });
    // Out of Team, the user is no longer in Division either (Division holds Team, not the user).
    expect((await scim.req('GET', `/Users/${userId}?attributes=groups`)).body.groups).toBeUndefined();
    await scim.req('PATCH', `/Groups/${division}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
    });
    expect((await scim.req('GET', `/Users/${userId}?attributes=groups`)).body.groups).toEqual([
      { value: division, $ref: ref(division), display: 'Division', type: 'direct' },
    ]);
  });

  it('cannot be written: a PATCH of groups is refused with mutability and changes nothing', async () => {
    const res = await scim.req('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'groups', value: [{ value: division }] }],
    });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('mutability');
  });
});
