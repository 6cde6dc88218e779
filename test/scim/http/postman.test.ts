/**
 * The quirks of Microsoft's Postman collection (AzureAD/SCIMReferenceCode, PostmanCollection.json),
 * with its request shapes: Content-Type application/json, capitalised keys, unquoted filter values,
 * raw spaces in query strings, bare-string members, misspelled attributes.
 */
import { scimTenant, type ScimClient } from '../../support/scim';
import { listProvisioning } from '../../../src/domain/provisioning/provisioning-log.service';
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import employeeFixture from '../../fixtures/postman/employee.json';
import { useTestApp } from '../../support/use-app';

const JSON_TYPE = { 'content-type': 'application/json' };
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const { db, app } = useTestApp();

/** The collection's "garbage" user body (test/fixtures/postman/employee.json) under another userName. */
function employee(userName: string, familyName = 'Employee', extra: Record<string, unknown> = {}) {
  const body = structuredClone(employeeFixture.body);
  return { ...body, userName, name: { ...body.name, familyName }, ...extra };
}

/** Sends as the collection does: Content-Type application/json. */
const send = (scim: ScimClient, method: string, path: string, body?: unknown) =>
  scim.req(method, path, body, body === undefined ? {} : JSON_TYPE);
const patchOps = (scim: ScimClient, path: string, Operations: unknown[], extra: object = {}) =>
  send(scim, 'PATCH', path, { ...extra, schemas: [PATCH_OP], Operations });

describe('Postman: endpoint tests', () => {
  it('serves /ServiceProviderConfig (also as /serviceConfiguration), /ResourceTypes, /Schemas, lower-case /users', async () => {
    const scim = await scimTenant(app);
    for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
      expect((await send(scim, 'GET', path)).body.patch.supported).toBe(true);
    }
    expect((await send(scim, 'GET', '/ResourceTypes')).body.Resources[0].endpoint).toBe('/Users');
    expect(JSON.stringify((await send(scim, 'GET', '/Schemas')).body)).toContain('User Account');
    expect((await send(scim, 'GET', '/users')).status).toBe(200);
    expect((await send(scim, 'GET', '/Groups')).status).toBe(200);
  });
});

describe('Postman: user tests (one tenant, in collection order)', () => {
  let scim: ScimClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    scim = await scimTenant(app);
  });

  it('creates users whose bodies have "Primary", "Department" and "Manager": {"Value": …}', async () => {
    const emails = [
      { Primary: true, type: 'work', value: 'emailName357' },
      { Primary: false, type: 'home', value: 'testinghome@bob.com' },
    ];
    const plain = await send(scim, 'POST', '/Users', employee('OMalley', 'OMalley', { emails }));
    expect(plain.status).toBe(201);
    expect(plain.body.emails).toContainEqual({ type: 'work', value: 'emailName357', primary: true });
    ids.omalley = plain.body.id;
    const ent = await send(
      scim,
      'POST',
      '/Users',
      employee('enterprise', 'Employee', {
        schemas: [ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:User'],
        [ENTERPRISE]: { Department: 'some department', Manager: { Value: ids.omalley } },
      }),
    );
    expect(ent.status).toBe(201);
    expect(ent.body[ENTERPRISE]).toMatchObject({
      department: 'some department',
      manager: { value: ids.omalley },
    });
  });

  it('accepts a manager id that is not a user of the tenant, leaving the reference empty', async () => {
    const res = await send(
      scim,
      'POST',
      '/Users',
      employee('suzzy', 'Employee', { [ENTERPRISE]: { Manager: { Value: 'SuzzyQ' } } }),
    );
    expect(res.status).toBe(201);
    expect(res.body[ENTERPRISE]?.manager).toBeUndefined();
  });

  it('keeps the same externalId on many users, "True" as a boolean, and two work e-mails', async () => {
    const emp1 = await send(scim, 'POST', '/Users', employee('emp1', 'Employee', { active: 'True' }));
    expect(emp1.body).toMatchObject({ active: true, emails: employeeFixture.body.emails });
    expect((await send(scim, 'POST', '/Users', employee('emp2'))).status).toBe(201);
    const same = await send(
      scim,
      'GET',
      '/Users?filter=externalId eq "22fbc523-6032-4c5f-939d-5d4850cf3e52"',
    );
    expect(same.body.totalResults).toBe(5);
  });

  it('answers 409 with a detail to a duplicate, 400 to a body without userName and to junk', async () => {
    const dup = await send(scim, 'POST', '/Users', employee('emp2'));
    expect(dup).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/userName/) } });
    const noName = await send(scim, 'POST', '/Users', { ...employee('x'), userName: undefined });
    expect(noName).toMatchObject({
      status: 400,
      body: { scimType: 'invalidValue', detail: expect.stringMatching(/userName is required/) },
    });
    const junk = await send(scim, 'POST', '/Users', '{\r\n    "acve": tre,\r\n    "adadfdresses": [');
    expect(junk).toMatchObject({ status: 400, body: { scimType: 'invalidSyntax' } });
    expect(junk.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  });

  it('reads with attributes=userName,emails and attributes=emails[type eq "work"]', async () => {
    const list = await send(scim, 'GET', '/Users?attributes=userName,emails');
    expect(list.body.totalResults).toBe(5);
    const omalley = list.body.Resources.find((r: { id: string }) => r.id === ids.omalley);
    // active is returned always (Entra reads it on every sync), like id.
    expect(Object.keys(omalley).sort()).toEqual(['active', 'emails', 'id', 'schemas', 'userName']);
    for (const q of ['emails%5Btype+eq+%22work%22%5D', 'emails%5Bvalue+eq+%22emailName357%22%5D']) {
      const res = await send(scim, 'GET', `/Users?attributes=${q}`);
      expect(JSON.stringify(res.body)).toContain('emailName357');
      expect(res.body.Resources[0]).not.toHaveProperty('displayName');
    }
  });

  it('pages with startIndex and count', async () => {
    const page = await send(scim, 'GET', '/Users?startIndex=1&count=2');
    expect(page.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 1 });
    const last = await send(scim, 'GET', '/Users?startIndex=5&count=2');
    expect(last.body).toMatchObject({ totalResults: 5, itemsPerPage: 1, startIndex: 5 });
  });

  it('filters: capitalised names, trailing slash, co/or/parentheses with unquoted values, sw, gt', async () => {
    expect(
      (await send(scim, 'GET', '/Users/?filter=DisplayName+eq+%22Kimberly Baker%22')).body.totalResults,
    ).toBe(5);
    const combo =
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)';
    expect((await send(scim, 'GET', `/Users?filter=${combo}`)).body.totalResults).toBe(4);
    expect((await send(scim, 'GET', '/Users?filter=userName sw O')).body.totalResults).toBe(1);
    const gt = await send(scim, 'GET', '/Users?filter=meta.Created gt 2015-10-10T14:38:21.8617979-07:00');
    expect(gt.body.totalResults).toBe(5);
  });

  it('PATCH answers 204 (userName, then active as a boolean) and PUT 200 replacing the user', async () => {
    const path = `/Users/${ids.omalley}`;
    expect(
      (await patchOps(scim, path, [{ op: 'Replace', path: 'userName', value: 'newusername' }])).status,
    ).toBe(204);
    expect((await patchOps(scim, path, [{ op: 'Replace', path: 'active', value: false }])).status).toBe(204);
    expect((await send(scim, 'GET', path)).body).toMatchObject({ userName: 'newusername', active: false });
    const { addresses, ...rest } = employee('OMalley', 'OMalley');
    const put = await send(scim, 'PUT', path, {
      ...rest,
      id: ids.omalley,
      active: false,
      adreses: addresses,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: ids.omalley, userName: 'OMalley', active: false });
    expect(put.body).not.toHaveProperty('addresses'); // PUT replaces; the misspelled key is ignored
    const noName = await send(scim, 'PUT', path, { ...rest, userName: undefined, userame: 'OMalley' });
    expect(noName.status).toBe(400);
  });
});

describe('Postman: group tests', () => {
  let scim: ScimClient;
  beforeAll(async () => {
    scim = await scimTenant(app);
  });
  const userId = async (name: string) =>
    (await send(scim, 'POST', '/Users', employee(name))).body.id as string;

  it('shows the member display text a PATCH add sent (displayName or display), and removes it', async () => {
    const [u3, u4] = [await userId('UserName333'), await userId('UserName444')];
    const g1 = (
      await send(scim, 'POST', '/Groups', {
        externalId: crypto.randomUUID(),
        displayName: 'Group1DisplayName',
        members: [],
      })
    ).body.id;
    const g2 = await send(scim, 'POST', '/Groups', {
      displayName: 'GroupDisplayName2',
      members: [{ value: u3, display: 'VP' }],
    });
    expect(g2.body.members).toEqual([expect.objectContaining({ value: u3, display: 'VP', type: 'User' })]);
    const add = await patchOps(scim, `/Groups/${g1}`, [
      { name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: u4 }] },
    ]);
    expect(add.status).toBe(204);
    expect(JSON.stringify((await send(scim, 'GET', `/Groups/${g1}`)).body)).toContain('new User');
    const excluded = await send(scim, 'GET', `/Groups/${g1}?excludedAttributes=members`);
    expect(excluded.body).toMatchObject({ id: g1, displayName: 'Group1DisplayName' });
    expect(JSON.stringify(excluded.body)).not.toContain('new User');
    await patchOps(scim, `/Groups/${g1}`, [{ op: 'remove', path: `members[value eq "${u4}"]` }]);
    await patchOps(scim, `/Groups/${g1}`, [
      { op: 'add', path: 'members', value: [{ display: 'VP of things', value: u4 }] },
    ]);
    const members = (await send(scim, 'GET', `/Groups/${g1}`)).body.members;
    expect(members).toEqual([expect.objectContaining({ value: u4, display: 'VP of things' })]);
    expect((await patchOps(scim, `/Groups/${g1}`, [{ op: 'remove', path: 'members' }])).status).toBe(204);
    expect(JSON.stringify((await send(scim, 'GET', `/Groups/${g1}`)).body)).not.toContain('VP of things');
  });

  it('PUT replaces name and members (and a PUT without members empties the group)', async () => {
    const [a, b] = [await userId('a@x'), await userId('b@x')];
    const g3 = (
      await send(scim, 'POST', '/Groups', { displayName: 'GroupDisplayName3', members: [{ value: a }] })
    ).body.id;
    const members = [{ value: b, display: 'SenorVP' }];
    const put = await send(scim, 'PUT', `/Groups/${g3}`, { id: g3, displayName: 'putName', members });
    expect(put).toMatchObject({ status: 200, body: { id: g3, displayName: 'putName', members } });
    const bare = await send(scim, 'PUT', `/Groups/${g3}`, {
      id: g3,
      displayName: 'Tiffany Ortiz',
      externalId: crypto.randomUUID(),
    });
    expect(bare).toMatchObject({ status: 200, body: { displayName: 'Tiffany Ortiz' } });
    expect(bare.body.members ?? []).toEqual([]);
  });

  it('answers 204 to unknown member ids (bare strings too), skips them and records a warning', async () => {
    const g = (
      await send(scim, 'POST', '/Groups', { displayName: 'Group 1', externalId: crypto.randomUUID() })
    ).body.id;
    const ghost = crypto.randomUUID();
    for (const value of ['string id 1', [{ value: ghost }]]) {
      expect(
        (await patchOps(scim, `/Groups/${g}`, [{ op: 'add', path: 'members', value }], { id: g })).status,
      ).toBe(204);
    }
    expect((await send(scim, 'GET', `/Groups/${g}`)).body.members ?? []).toEqual([]);
    let warnings = '';
    for (let i = 0; i < 50 && !warnings.includes(ghost); i++) {
      await new Promise((r) => setTimeout(r, 20));
      const log = await listProvisioning(db.em(), scim.tenantId, 50);
      warnings = log
        .filter((e) => e.method === 'PATCH')
        .flatMap((e) => e.warnings)
        .join('\n');
    }
    expect(warnings).toContain('string id 1');
    expect(warnings).toContain(ghost);
    expect(warnings).toMatch(/not users or groups of this tenant/);
  });
});
