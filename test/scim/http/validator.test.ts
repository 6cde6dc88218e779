/**
 * The Microsoft SCIM Validator's test list (its published test names), request by request,
 * through the real app. Each test is named after the validator's.
 */
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { useScimApp } from '../../support/use-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const { scim } = useScimApp();

let n = 0;
function validatorUser() {
  n += 1;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: `Dale.Mohr${n}@romaguera.uk`,
    active: true,
    displayName: 'XKWLCONOGMVT',
    emails: [{ type: 'work', value: `sandy${n}@prohaska.biz`, primary: true }],
    externalId: crypto.randomUUID(),
    name: { formatted: 'Aric', familyName: 'Nia', givenName: 'Sandy' },
    phoneNumbers: [{ type: 'mobile', value: '555-555-5555' }],
    [ENTERPRISE]: { employeeNumber: `E${n}`, department: 'Purchasing' },
  };
}

async function createUser(extra: Record<string, unknown> = {}) {
  const res = await scim.req('POST', '/Users', { ...validatorUser(), ...extra });
  expect(res.status).toBe(201);
  return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- SCIM JSON
}

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
async function createGroup(displayName = `Group ${crypto.randomUUID()}`) {
  const body = { schemas: [GROUP_SCHEMA], displayName, externalId: crypto.randomUUID(), members: [] };
  const res = await scim.req('POST', '/Groups', body);
  expect(res.status).toBe(201);
  return res.body as { id: string; displayName: string };
}

const patch = (path: string, Operations: unknown[]) =>
  scim.req('PATCH', path, { schemas: [PATCH_OP], Operations });
const filterUsers = (f: string) => scim.req('GET', `/Users?filter=${encodeURIComponent(f)}`);

describe('SCIM Validator: Users', () => {
  it('POST /Users - Create a new User', async () => {
    const body = validatorUser();
    const res = await scim.req('POST', '/Users', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const { schemas: _s, ...sent } = body;
    expect(res.body).toMatchObject({ ...sent, id: expect.any(String), meta: { resourceType: 'User' } });
    const got = await scim.req('GET', `/Users/${res.body.id}`);
    expect(got.body).toEqual(res.body);
  });

  it('POST /Users - Create a duplicate User (409)', async () => {
    const user = await createUser();
    const dup = await scim.req('POST', '/Users', {
      ...validatorUser(),
      userName: user.userName.toUpperCase(),
    });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(dup.body).toMatchObject({
      status: '409',
      scimType: 'uniqueness',
      detail: expect.stringMatching(/userName/),
    });
  });

  it('GET /Users?filter - existing, non-existing and different-case userName', async () => {
    const user = await createUser();
    const existing = await filterUsers(`userName eq "${user.userName}"`);
    expect(existing.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id: user.id }] });
    const missing = await filterUsers(`userName eq "${crypto.randomUUID()}"`);
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ totalResults: 0, Resources: [] });
    const otherCase = await filterUsers(`userName eq "${user.userName.toUpperCase()}"`);
    expect(otherCase.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });

  it('PATCH /Users/Id - Replace attributes, verbose request (path-less)', async () => {
    const user = await createUser();
    const res = await patch(`/Users/${user.id}`, [
      {
        op: 'replace',
        value: {
          displayName: 'NEWNAME',
          'name.givenName': 'Rosella',
          'name.familyName': 'Kautzer',
          'emails[type eq "work"].value': 'rosella@kautzer.biz',
          'phoneNumbers[type eq "mobile"].value': '555-555-0000',
          [`${ENTERPRISE}:department`]: 'Sales',
          [`${ENTERPRISE}:employeeNumber`]: 'E-900',
          active: false,
          preferredLanguage: 'fr-CA',
        },
      },
    ]);
    expect(res.status).toBe(204);
    const got = await scim.req('GET', `/Users/${user.id}`);
    expect(got.body).toMatchObject({
      displayName: 'NEWNAME',
      name: { givenName: 'Rosella', familyName: 'Kautzer', formatted: 'Aric' },
      emails: [{ type: 'work', value: 'rosella@kautzer.biz', primary: true }],
      phoneNumbers: [{ type: 'mobile', value: '555-555-0000' }],
      active: false,
      preferredLanguage: 'fr-CA',
      [ENTERPRISE]: { department: 'Sales', employeeNumber: 'E-900' },
    });
  });

  it('PATCH /Users/Id - Add attributes, verbose request (filtered paths)', async () => {
    const user = await createUser({ phoneNumbers: null, emails: null });
    const res = await patch(`/Users/${user.id}`, [
      { op: 'add', path: 'emails[type eq "work"].value', value: 'added@example.com' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: true },
      { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '555-0101' },
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0102' },
      { op: 'add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'add', path: 'addresses[type eq "work"].postalCode', value: '98052' },
      { op: 'add', path: 'title', value: 'Buyer' },
      { op: 'add', path: `${ENTERPRISE}:costCenter`, value: 'CC-1' },
    ]);
    expect(res.status).toBe(204);
    const got = await scim.req('GET', `/Users/${user.id}`);
    expect(got.body.emails).toEqual([{ type: 'work', value: 'added@example.com', primary: true }]);
    expect(got.body.phoneNumbers).toEqual([
      { type: 'work', value: '555-0101' },
      { type: 'mobile', value: '555-0102' },
    ]);
    expect(got.body.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', postalCode: '98052' }]);
    expect(got.body).toMatchObject({
      title: 'Buyer',
      [ENTERPRISE]: { costCenter: 'CC-1', department: 'Purchasing' },
    });
  });

  it('PATCH /Users/Id - Update userName', async () => {
    const user = await createUser();
    const newName = `renamed.${crypto.randomUUID()}@romaguera.uk`;
    expect(
      (await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'userName', value: newName }])).status,
    ).toBe(204);
    expect((await filterUsers(`userName eq "${newName}"`)).body).toMatchObject({
      totalResults: 1,
      Resources: [{ id: user.id, userName: newName }],
    });
    expect((await filterUsers(`userName eq "${user.userName}"`)).body.totalResults).toBe(0);
    const other = await createUser();
    const clash = await patch(`/Users/${other.id}`, [
      { op: 'replace', path: 'userName', value: newName.toUpperCase() },
    ]);
    expect(clash.status).toBe(409);
    expect(clash.body.scimType).toBe('uniqueness');
  });

  it('PATCH /Users/Id - Disable User (GET and filter still return it, with active)', async () => {
    const user = await createUser();
    expect((await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(
      204,
    );
    expect((await scim.req('GET', `/Users/${user.id}`)).body.active).toBe(false);
    const filtered = await filterUsers(`userName eq "${user.userName}"`);
    expect(filtered.body.Resources[0]).toMatchObject({ id: user.id, active: false });
  });

  it('PATCH /Users/Id - Add, replace and remove manager', async () => {
    const [user, m1, m2] = [await createUser(), await createUser(), await createUser()];
    const manager = () => scim.req('GET', `/Users/${user.id}`).then((r) => r.body[ENTERPRISE]?.manager);
    expect(
      (await patch(`/Users/${user.id}`, [{ op: 'add', path: `${ENTERPRISE}:manager`, value: m1.id }])).status,
    ).toBe(204);
    expect(await manager()).toEqual({
      value: m1.id,
      $ref: `http://directory.test/scim/v2/${scim.tenantId}/Users/${m1.id}`,
      displayName: 'XKWLCONOGMVT',
    });
    await patch(`/Users/${user.id}`, [
      { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: m2.id } },
    ]);
    expect((await manager()).value).toBe(m2.id);
    expect((await patch(`/Users/${user.id}`, [{ op: 'remove', path: `${ENTERPRISE}:manager` }])).status).toBe(
      204,
    );
    expect(await manager()).toBeUndefined();
  });

  it('DELETE /Users/Id - Delete User (then GET 404)', async () => {
    const user = await createUser();
    expect((await scim.req('DELETE', `/Users/${user.id}`)).status).toBe(204);
    const got = await scim.req('GET', `/Users/${user.id}`);
    expect(got.status).toBe(404);
    expect(got.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(got.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
    });
  });
});

describe('SCIM Validator: Groups', () => {
  it('GET /Groups/Id excluding members, and GET /Groups?filter', async () => {
    const group = await createGroup();
    const member = await createUser();
    await patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: member.id }] }]);
    const one = await scim.req('GET', `/Groups/${group.id}?excludedAttributes=members`);
    expect(one.body).toMatchObject({ id: group.id, displayName: group.displayName });
    expect(one.body).not.toHaveProperty('members');
    const found = await scim.req(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${group.displayName.toUpperCase()}"`)}`,
    );
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: group.id }] });
    expect(found.body.Resources[0]).not.toHaveProperty('members');
  });

  it('POST /Groups - Create a new Group, and a duplicate (409)', async () => {
    const group = await createGroup();
    expect(group).toMatchObject({ meta: { resourceType: 'Group' } });
    const dup = await scim.req('POST', '/Groups', {
      displayName: group.displayName.toLowerCase(),
      members: [],
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('PATCH /Groups/Id - Replace attributes', async () => {
    const group = await createGroup();
    const name = `Renamed ${crypto.randomUUID()}`;
    const res = await patch(`/Groups/${group.id}`, [
      { op: 'replace', value: { displayName: name, externalId: 'ext-9' } },
    ]);
    expect(res.status).toBe(204);
    expect((await scim.req('GET', `/Groups/${group.id}`)).body).toMatchObject({
      displayName: name,
      externalId: 'ext-9',
    });
  });

  it('PATCH /Groups/Id - Add member (replace members), then remove member', async () => {
    const group = await createGroup();
    const [a, b] = [await createUser(), await createUser()];
    const add = await patch(`/Groups/${group.id}`, [
      { op: 'replace', path: 'members', value: [{ value: a.id }, { value: b.id }] },
    ]);
    expect(add.status).toBe(204);
    expect(add.body).toBeUndefined();
    const members = async () =>
      ((await scim.req('GET', `/Groups/${group.id}`)).body.members ?? [])
        .map((m: { value: string }) => m.value)
        .sort();
    expect(await members()).toEqual([a.id, b.id].sort());
    expect(
      (await patch(`/Groups/${group.id}`, [{ op: 'remove', path: `members[value eq "${a.id}"]` }])).status,
    ).toBe(204);
    expect(await members()).toEqual([b.id]);
  });

  it('DELETE /Groups/Id - Delete Group (then GET 404)', async () => {
    const group = await createGroup();
    expect((await scim.req('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expect((await scim.req('GET', `/Groups/${group.id}`)).status).toBe(404);
  });
});

describe('SCIM Validator: preview tests', () => {
  it('PATCH with multiple operations on the same attribute', async () => {
    const user = await createUser({ emails: null });
    const res = await patch(`/Users/${user.id}`, [
      { op: 'add', path: 'emails[type eq "work"].value', value: 'one@example.com' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'two@example.com' },
      { op: 'add', path: 'emails[type eq "work"].display', value: 'Work' },
      { op: 'replace', path: 'name.givenName', value: 'First' },
      { op: 'replace', path: 'name.givenName', value: 'Second' },
    ]);
    expect(res.status).toBe(204);
    const got = await scim.req('GET', `/Users/${user.id}`);
    expect(got.body.emails).toEqual([{ type: 'work', value: 'two@example.com', display: 'Work' }]);
    expect(got.body.name.givenName).toBe('Second');
    const group = await createGroup();
    const [a, b] = [await createUser(), await createUser()];
    await patch(`/Groups/${group.id}`, [
      { op: 'add', path: 'members', value: [{ value: a.id }] },
      { op: 'add', path: 'members', value: [{ value: b.id }] },
      { op: 'remove', path: `members[value eq "${a.id}"]` },
    ]);
    expect(
      (await scim.req('GET', `/Groups/${group.id}`)).body.members.map((m: { value: string }) => m.value),
    ).toEqual([b.id]);
  });

  it('DELETE twice: 204, then 404 (users and groups)', async () => {
    const user = await createUser();
    const group = await createGroup();
    for (const path of [`/Users/${user.id}`, `/Groups/${group.id}`]) {
      expect((await scim.req('DELETE', path)).status).toBe(204);
      const again = await scim.req('DELETE', path);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ status: '404', detail: expect.stringMatching(/not found/) });
    }
  });
});
