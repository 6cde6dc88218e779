/**
 * Writes under RFC 7644: PUT replaces a group's member set, nested groups may not form cycles, a
 * PATCH is atomic, no malformed request gets a 500, and every request lands in the provisioning log.
 */
import { scimTenant } from '../../support/scim';
import { listProvisioning } from '../../../src/domain/provisioning/provisioning-log.service';
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../../src/scim/protocol/schemas';
import { useScimApp } from '../../support/use-app';

const SCIM_JSON = /^application\/scim\+json/;

const { db, app, scim } = useScimApp();

const patch = (path: string, Operations: unknown[]) =>
  scim.req('PATCH', path, { schemas: [PATCH_OP], Operations });
const newUser = async (userName = `${crypto.randomUUID()}@contoso.com`) =>
  (await scim.req('POST', '/Users', { userName, displayName: 'Original' })).body.id as string;
const newGroup = async (members: string[] = []) =>
  (
    await scim.req('POST', '/Groups', {
      displayName: `G ${crypto.randomUUID()}`,
      members: members.map((value) => ({ value })),
    })
  ).body.id as string;
async function snapshot(path: string) {
  const res = await scim.req('GET', path);
  const members = res.body.members?.map((m: { value: string }) => m.value).sort();
  return { ...res.body, ...(members ? { members } : {}) };
}

describe('group PUT', () => {
  it('replaces the member set (RFC: members given are the members) and the attributes', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const group = await newGroup([a, b]);
    const put = await scim.req('PUT', `/Groups/${group}`, {
      displayName: 'Replaced',
      externalId: 'ext-1',
      members: [{ value: b }, { value: c }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: 'Replaced', externalId: 'ext-1' });
    expect(put.body.members.map((m: { value: string }) => m.value).sort()).toEqual([b, c].sort());
    expect((await snapshot(`/Groups/${group}`)).members).toEqual([b, c].sort());
    const cleared = await scim.req('PUT', `/Groups/${group}`, { displayName: 'Replaced' });
    expect(cleared.body.externalId).toBeUndefined();
    expect(cleared.body.members ?? []).toEqual([]);
  });
});

describe('nested groups', () => {
  it('refuses a group containing itself, directly or through others, with 400 and writes nothing', async () => {
    const [g1, g2, g3] = [await newGroup(), await newGroup(), await newGroup()];
    const self = await patch(`/Groups/${g1}`, [{ op: 'add', path: 'members', value: [{ value: g1 }] }]);
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({
      scimType: 'invalidValue',
      detail: `Group ${g1} cannot be a member of itself.`,
    });
    expect(
      (await patch(`/Groups/${g1}`, [{ op: 'add', path: 'members', value: [{ value: g2 }] }])).status,
    ).toBe(204);
    expect(
      (await patch(`/Groups/${g2}`, [{ op: 'add', path: 'members', value: [{ value: g3 }] }])).status,
    ).toBe(204);
    const before = await snapshot(`/Groups/${g3}`);
    const user = await newUser();
    const cycle = await patch(`/Groups/${g3}`, [
      { op: 'replace', path: 'displayName', value: 'Should not stick' },
      { op: 'add', path: 'members', value: [{ value: user }] },
      { op: 'add', path: 'members', value: [{ value: g1 }] },
    ]);
    expect(cycle.status).toBe(400);
    expect(cycle.headers.get('content-type')).toMatch(SCIM_JSON);
    expect(cycle.body.detail).toMatch(/would make it contain itself through nested groups/);
    expect(await snapshot(`/Groups/${g3}`)).toEqual(before);
    const put = await scim.req('PUT', `/Groups/${g3}`, { displayName: 'X', members: [{ value: g2 }] });
    expect(put.status).toBe(400);
    expect(await snapshot(`/Groups/${g3}`)).toEqual(before);
  });
});

describe('PATCH atomicity', () => {
  it.each([
    ['invalidValue', { op: 'replace', path: 'active', value: 'maybe' }, 'Operations[2] (replace "active")'],
    ['invalidPath', { op: 'add', path: 'emails[type eq "work"', value: 'x' }, 'Operations[2] (add'],
    ['noTarget', { op: 'remove' }, 'Operations[2] (remove)'],
    ['mutability', { op: 'replace', path: 'id', value: crypto.randomUUID() }, 'Operations[2] (replace "id")'],
    ['invalidSyntax', { op: 'frobnicate', path: 'displayName' }, 'Operations[2]'],
  ])('applies nothing of a user PATCH whose third op is %s', async (scimType, bad, names) => {
    const id = await newUser();
    const before = await snapshot(`/Users/${id}`);
    const res = await patch(`/Users/${id}`, [
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'add', path: 'emails[type eq "work"].value', value: 'new@contoso.com' },
      bad,
    ]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(SCIM_JSON);
    expect(res.body).toMatchObject({ status: '400', scimType });
    expect(res.body.detail).toContain(names);
    expect(await snapshot(`/Users/${id}`)).toEqual(before);
  });

  it('applies nothing of a group PATCH failing on its last op, in the protocol or in the domain', async () => {
    const [user, taken] = [await newUser(), await newGroup()];
    const group = await newGroup();
    const before = await snapshot(`/Groups/${group}`);
    const takenName = (await snapshot(`/Groups/${taken}`)).displayName;
    const bad = await patch(`/Groups/${group}`, [
      { op: 'add', path: 'members', value: [{ value: user }] },
      { op: 'replace', path: 'displayName', value: '' },
    ]);
    expect(bad.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const clash = await patch(`/Groups/${group}`, [
      { op: 'add', path: 'members', value: [{ value: user }] },
      { op: 'replace', path: 'displayName', value: takenName.toUpperCase() },
    ]);
    expect(clash.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(await snapshot(`/Groups/${group}`)).toEqual(before);
  });
});

describe('malformed requests', () => {
  it('never answer 500: each gets a 4xx SCIM error with an actionable detail', async () => {
    const user = await newUser();
    const group = await newGroup();
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/Users', 'null'],
      ['POST', '/Users', []],
      ['POST', '/Users', { userName: '' }],
      ['POST', '/Users', { userName: 'x'.repeat(600) }],
      ['POST', '/Users', { userName: 'a@b', emails: 'a@b' }],
      ['POST', '/Users', { userName: 'a@b', emails: ['a@b'] }],
      ['POST', '/Users', { userName: 'a@b', name: 'Ada' }],
      ['POST', '/Users', { userName: 'a@b', active: 'yes' }],
      ['POST', '/Users', { userName: 'a@b', schemas: 'urn:x' }],
      ['POST', '/Users', { userName: 'a@b', roles: 'Admin' }],
      ['POST', '/Users', { userName: { value: 'a@b' } }],
      ['POST', '/Groups', { displayName: '   ' }],
      ['POST', '/Groups', { displayName: 'G', members: 'x' }],
      ['POST', '/Groups', { displayName: 'G', members: [{ display: 'no value' }] }],
      ['PUT', `/Users/${user}`, { displayName: 'no userName' }],
      ['PATCH', `/Users/${user}`, { Operations: 'replace' }],
      [
        'PATCH',
        `/Users/${user}`,
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [] },
      ],
      [
        'PATCH',
        `/Users/${user}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: 'not an object' }] },
      ],
      [
        'PATCH',
        `/Users/${user}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name', value: 'Ada' }] },
      ],
      ['PATCH', `/Users/${user}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'userName' }] }],
      [
        'PATCH',
        `/Users/${user}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'displayName[value eq "x"]', value: 'x' }] },
      ],
      [
        'PATCH',
        `/Groups/${group}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members[display eq "x"]' }] },
      ],
      [
        'PATCH',
        `/Groups/${group}`,
        {
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: 'members', value: [{ value: 7, display: 'x' }, {}] }],
        },
      ],
      ['GET', '/Users?filter=userName eq', undefined],
      ['GET', '/Users?filter=userName eq "a" and', undefined],
      ['GET', '/Users?filter=(userName eq "a"', undefined],
      ['GET', '/Users?filter=emails[type eq "work"', undefined],
      ['GET', '/Users?filter=meta.created gt "last tuesday"', undefined],
      ['GET', '/Users?filter=active gt true', undefined],
      ['GET', '/Users?filter=userName xx "a"', undefined],
      ['GET', '/Groups?filter=members.value pr and', undefined],
      ['GET', '/Users?sortBy=nothing', undefined],
      ['GET', '/Users?startIndex=one', undefined],
      ['GET', '/Users?cursor=%7B%7D', undefined],
      ['GET', '/Users/not-a-uuid', undefined],
      ['DELETE', '/Groups/not-a-uuid', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await scim.req(method, path, body);
      const label = `${method} ${path} ${JSON.stringify(body) ?? ''}`;
      expect({ label, fourXX: res.status >= 400 && res.status < 500 }).toEqual({ label, fourXX: true });
      expect({ label, type: res.headers.get('content-type') }).toEqual({
        label,
        type: expect.stringMatching(SCIM_JSON),
      });
      expect({ label, detail: res.body?.detail }).toEqual({ label, detail: expect.stringMatching(/\w{3,}/) });
    }
    expect((await snapshot(`/Users/${user}`)).meta.version).toBe('W/"1"');
  });
});

describe('provisioning log', () => {
  it('records status, error detail, warnings and redacted bodies per request of the tenant', async () => {
    const t = await scimTenant(app);
    await t.req('POST', '/Users', { userName: 'logged@contoso.com', password: 'Sup3r$ecret!' });
    await t.req('POST', '/Users', { userName: 'LOGGED@contoso.com', password: 'Sup3r$ecret!' });
    const group = (await t.req('POST', '/Groups', { displayName: 'Logged' })).body.id;
    const ghost = crypto.randomUUID();
    await t.req('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ghost }] }],
    });
    await t.req('GET', '/Users?filter=bogus eq 1');
    let log = await listProvisioning(db.em(), t.tenantId, 20);
    for (let i = 0; i < 50 && log.length < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      log = await listProvisioning(db.em(), t.tenantId, 20);
    }
    // Entries are written after each response, so find them by what they record, not by position.
    const find = (method: string, path: string, status: number) =>
      log.find((e) => e.method === method && e.path.startsWith(path) && e.status === status);
    const [created, dup, groupEntry] = [
      find('POST', '/Users', 201),
      find('POST', '/Users', 409),
      find('POST', '/Groups', 201),
    ];
    const [patchEntry, filter] = [find('PATCH', '/Groups', 204), find('GET', '/Users', 400)];
    expect(created).toMatchObject({
      method: 'POST',
      path: '/Users',
      status: 201,
      errorDetail: null,
      warnings: [],
    });
    expect(created!.operations).toMatchObject({ userName: 'logged@contoso.com', password: '[redacted]' });
    expect(JSON.stringify(log)).not.toContain('Sup3r$ecret!');
    expect(created!.durationMs).toBeGreaterThan(0);
    expect(dup).toMatchObject({ status: 409, errorDetail: expect.stringMatching(/already exists/) });
    expect(groupEntry).toMatchObject({ method: 'POST', path: '/Groups', status: 201 });
    expect(patchEntry).toMatchObject({ method: 'PATCH', path: `/Groups/${group}`, status: 204 });
    expect(patchEntry!.warnings).toEqual([expect.stringContaining(ghost)]);
    expect(filter).toMatchObject({
      method: 'GET',
      status: 400,
      errorDetail: expect.stringMatching(/bogus/),
      operations: null,
    });
    expect(log.every((e) => e.requestId.length > 0)).toBe(true);
  });
});
