import { createUser } from '../../src/domain/users/user.service';
import { createGroup } from '../../src/domain/groups/group.service';
import { startSession } from '../../src/domain/console/session.service';
import type { UserRecord } from '../../src/domain/users/user.types';
import { addMembers, gqlTenant, useGqlApp, type GqlTenant } from '../graphql/support';
import { ADMIN_TOKEN } from '../support/app';
import { buildUser } from '../support/factories';
import { csvHeader, download, parseCsv, parseNdjson } from './support';

/**
 * GET /exports/<tenant>/<users|groups|memberships>.<csv|ndjson>: what each export holds, byte for
 * byte where it matters (quoting, formula escaping), and who may read it.
 */
const { db, app, t } = useGqlApp();

const iso = (d: Date) => d.toISOString();

const USER_HEADERS = [
  'id',
  'externalId',
  'created',
  'lastModified',
  'userName',
  'formattedName',
  'familyName',
  'givenName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
  'displayName',
  'email',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
  'managerId',
  'managerDisplayName',
];

describe('users', () => {
  let tenant: GqlTenant;
  let boss: UserRecord;
  let ada: UserRecord;
  let tricky: UserRecord;
  beforeAll(async () => {
    tenant = await gqlTenant(app, db);
    boss = await createUser(
      tenant.ctx,
      { userName: 'boss@example.com', displayName: 'The Boss', active: false },
      'SCIM',
    );
    ada = await createUser(
      tenant.ctx,
      {
        userName: 'ada@example.com',
        externalId: 'ext-ada',
        displayName: 'Ada Lovelace',
        name: {
          givenName: 'Ada',
          familyName: 'Lovelace',
          formatted: 'Ada Lovelace',
          middleName: null,
          honorificPrefix: 'Dr.',
          honorificSuffix: null,
        },
        emails: [
          { value: 'ada.home@example.com', type: 'home', primary: false, display: null },
          { value: 'ada@work.example', type: 'work', primary: true, display: null },
        ],
        title: 'Engineer',
        enterprise: {
          department: 'R&D',
          employeeNumber: '00042',
          managerId: boss.id,
          costCenter: null,
          organization: null,
          division: null,
        },
      },
      'SCIM',
    );
    tricky = await createUser(
      tenant.ctx,
      {
        userName: 'tricky@example.com',
        displayName: '=HYPERLINK("http://evil.example","click")',
        title: 'Smith, "Jo"\r\nsecond line',
        nickName: '+1 555',
        userType: '-2',
        locale: '@SUM(A1)',
        timezone: 'Zoë/東京',
        emails: [{ value: 'tricky@work.example', type: 'work', primary: false, display: null }],
      },
      'SCIM',
    );
  });

  it('streams every user as CSV: the definition-derived header row, one row each, in creation order', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/users.csv`, tenant.keys.read);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="users-${tenant.tenantId}.csv"`,
    );
    expect(csvHeader(res.text)).toEqual(USER_HEADERS);
    const rows = parseCsv(res.text);
    expect(rows.map((r) => r.userName)).toEqual([
      'boss@example.com',
      'ada@example.com',
      'tricky@example.com',
    ]);
    const empty = Object.fromEntries(USER_HEADERS.map((h) => [h, '']));
    expect(rows[0]).toEqual({
      ...empty,
      id: boss.id,
      created: iso(boss.createdAt),
      lastModified: iso(boss.updatedAt),
      userName: 'boss@example.com',
      displayName: 'The Boss',
      active: 'false',
    });
    expect(rows[1]).toEqual({
      ...empty,
      id: ada.id,
      externalId: 'ext-ada',
      created: iso(ada.createdAt),
      lastModified: iso(ada.updatedAt),
      userName: 'ada@example.com',
      formattedName: 'Ada Lovelace',
      familyName: 'Lovelace',
      givenName: 'Ada',
      honorificPrefix: 'Dr.',
      displayName: 'Ada Lovelace',
      email: 'ada@work.example',
      title: 'Engineer',
      active: 'true',
      employeeNumber: '00042',
      department: 'R&D',
      managerId: boss.id,
      managerDisplayName: 'The Boss',
    });
    // Formula-like cells get a leading ' (OWASP); quotes, commas and line breaks are quoted.
    expect(rows[2]).toMatchObject({
      id: tricky.id,
      displayName: `'=HYPERLINK("http://evil.example","click")`,
      title: 'Smith, "Jo"\r\nsecond line',
      nickName: "'+1 555",
      userType: "'-2",
      locale: "'@SUM(A1)",
      timezone: 'Zoë/東京',
      email: 'tricky@work.example',
    });
  });

  it('writes RFC 4180 bytes: CRLF records, doubled quotes, UTF-8', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/users.csv`, tenant.keys.read);
    expect(res.text.startsWith(`${USER_HEADERS.join(',')}\r\n`)).toBe(true);
    expect(res.text.endsWith('\r\n')).toBe(true);
    expect(res.text).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(res.text).toContain(`,"Smith, ""Jo""\r\nsecond line",`);
    expect(res.text.split('\r\n')).toHaveLength(5 + 1); // header, 3 users (one spans two lines), final ''
    // fetch's text() drops a byte-order mark, so look at the bytes.
    const bom = await fetch(`${app.url}/exports/${tenant.tenantId}/users.csv?bom=true`, {
      headers: { authorization: `Bearer ${tenant.keys.read}` },
    });
    expect([...new Uint8Array(await bom.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('streams the same users as NDJSON with typed values and no formula escaping', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/users.ndjson`, tenant.keys.read);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="users-${tenant.tenantId}.ndjson"`,
    );
    const lines = parseNdjson(res.text);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(Object.keys(line)).toEqual(USER_HEADERS);
    expect(lines[0]).toMatchObject({ id: boss.id, active: false, externalId: null, email: null });
    expect(lines[1]).toMatchObject({
      id: ada.id,
      active: true,
      managerId: boss.id,
      created: iso(ada.createdAt),
    });
    expect(lines[2]).toMatchObject({
      displayName: '=HYPERLINK("http://evil.example","click")',
      title: 'Smith, "Jo"\r\nsecond line',
      userType: '-2',
    });
  });
});

describe('groups and memberships', () => {
  let tenant: GqlTenant;
  const g: Record<string, string> = {};
  const u: Record<string, string> = {};
  beforeAll(async () => {
    tenant = await gqlTenant(app, db);
    for (const name of ['u1', 'u2', 'u3', 'loner'])
      u[name] = (await buildUser(tenant.ctx, { userName: `${name}@example.com` })).id;
    for (const name of ['leaf', 'mid', 'top', 'root', 'side', 'empty'])
      g[name] = (
        await createGroup(tenant.ctx, { displayName: `${name} group`, externalId: `ext-${name}` }, 'SCIM')
      ).id;
    // root ⊃ top ⊃ mid ⊃ leaf, and root ⊃ leaf directly too; side ⊃ leaf.
    await addMembers(tenant.ctx, g.leaf!, [u.u1!, u.u3!]);
    await addMembers(tenant.ctx, g.mid!, [g.leaf!, u.u2!]);
    await addMembers(tenant.ctx, g.top!, [g.mid!, u.u2!]);
    await addMembers(tenant.ctx, g.root!, [g.top!, g.leaf!]);
    await addMembers(tenant.ctx, g.side!, [g.leaf!]);
  });

  it('lists groups with their direct member counts by kind', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/groups.csv`, tenant.keys.read);
    expect(res.status).toBe(200);
    expect(csvHeader(res.text)).toEqual([
      'id',
      'externalId',
      'created',
      'lastModified',
      'displayName',
      'userMembers',
      'groupMembers',
    ]);
    const rows = parseCsv(res.text);
    expect(rows.map((r) => [r.displayName, r.externalId, r.userMembers, r.groupMembers])).toEqual([
      ['leaf group', 'ext-leaf', '2', '0'],
      ['mid group', 'ext-mid', '1', '1'],
      ['top group', 'ext-top', '1', '1'],
      ['root group', 'ext-root', '0', '2'],
      ['side group', 'ext-side', '0', '1'],
      ['empty group', 'ext-empty', '0', '0'],
    ]);
    expect(rows[0]!.id).toBe(g.leaf);
    const lines = parseNdjson(
      (await download(app, `/exports/${tenant.tenantId}/groups.ndjson`, tenant.keys.read)).text,
    );
    expect(lines[1]).toMatchObject({ id: g.mid, displayName: 'mid group', userMembers: 1, groupMembers: 1 });
    expect(lines[1]!.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('has one row per (group, user) with the shortest way in: direct, or inherited with depth and via', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/memberships.ndjson`, tenant.keys.read);
    expect(res.status).toBe(200);
    const name = Object.fromEntries([...Object.entries(g), ...Object.entries(u)].map(([k, v]) => [v, k]));
    const rows = parseNdjson(res.text);
    const got = rows.map((r) => [
      name[r.groupId as string],
      name[r.userId as string],
      r.kind,
      r.depth,
      (r.via as string[]).map((id) => name[id]),
    ]);
    const expected = [
      ['leaf', 'u1', 'direct', 1, []],
      ['leaf', 'u3', 'direct', 1, []],
      ['mid', 'u2', 'direct', 1, []],
      ['mid', 'u1', 'inherited', 2, ['leaf']],
      ['mid', 'u3', 'inherited', 2, ['leaf']],
      ['top', 'u2', 'direct', 1, []],
      ['top', 'u1', 'inherited', 3, ['mid', 'leaf']],
      ['top', 'u3', 'inherited', 3, ['mid', 'leaf']],
      // Through leaf directly (depth 2), not through top > mid > leaf (depth 4).
      ['root', 'u1', 'inherited', 2, ['leaf']],
      ['root', 'u3', 'inherited', 2, ['leaf']],
      ['root', 'u2', 'inherited', 2, ['top']],
      ['side', 'u1', 'inherited', 2, ['leaf']],
      ['side', 'u3', 'inherited', 2, ['leaf']],
    ];
    const key = (r: unknown[]) => `${r[0]}/${r[1]}`;
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
    // Ordered by group id, then user id.
    const order = rows.map((r) => `${r.groupId as string}/${r.userId as string}`);
    expect(order).toEqual([...order].sort());
    expect(rows.find((r) => r.userId === u.u2 && r.groupId === g.top)).toEqual({
      groupId: g.top,
      groupDisplayName: 'top group',
      userId: u.u2,
      userName: 'u2@example.com',
      kind: 'direct',
      depth: 1,
      via: [],
    });
  });

  it('writes the memberships as CSV with via joined by ">"', async () => {
    const res = await download(app, `/exports/${tenant.tenantId}/memberships.csv`, tenant.keys.read);
    expect(csvHeader(res.text)).toEqual([
      'groupId',
      'groupDisplayName',
      'userId',
      'userName',
      'kind',
      'depth',
      'via',
    ]);
    const rows = parseCsv(res.text);
    expect(rows).toHaveLength(13);
    expect(rows.find((r) => r.groupId === g.top && r.userId === u.u1)).toEqual({
      groupId: g.top,
      groupDisplayName: 'top group',
      userId: u.u1,
      userName: 'u1@example.com',
      kind: 'inherited',
      depth: '3',
      via: `${g.mid}>${g.leaf}`,
    });
  });
});

describe('who may export', () => {
  let a: GqlTenant;
  let b: GqlTenant;
  beforeAll(async () => {
    a = t;
    b = await gqlTenant(app, db);
    await buildUser(a.ctx, { userName: 'only-in-a@example.com' });
  });
  const path = (tenantId: string, file = 'users.csv') => `/exports/${tenantId}/${file}`;

  it('asks for credentials without a key, and refuses a wrong or malformed one', async () => {
    const none = await download(app, path(a.tenantId), null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(none.text)).toMatchObject({ error: expect.stringContaining('API key') });
    expect((await download(app, path(a.tenantId), 'cpd_key_not-a-real-key')).status).toBe(401);
    // A SCIM token is not an API key.
    expect((await download(app, path(a.tenantId), a.scimToken)).status).toBe(401);
  });

  it('lets every tenant scope read its own tenant (writing and administering imply reading)', async () => {
    for (const key of [a.keys.read, a.keys.write, a.keys.admin, a.keys.all]) {
      const res = await download(app, path(a.tenantId), key);
      expect(res.status).toBe(200);
      expect(parseCsv(res.text).map((r) => r.userName)).toEqual(['only-in-a@example.com']);
    }
  });

  it("answers another tenant's key exactly as for a tenant that does not exist", async () => {
    const other = await download(app, path(a.tenantId, 'memberships.ndjson'), b.keys.all);
    const missing = await download(
      app,
      path('00000000-0000-4000-8000-000000000000', 'memberships.ndjson'),
      b.keys.all,
    );
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (text: string) => ({ ...(JSON.parse(text) as object), requestId: undefined });
    expect(strip(other.text)).toEqual(strip(missing.text));
    expect(strip(other.text)).toEqual({ error: 'Tenant not found.', requestId: undefined });
    expect((await download(app, path('not-a-uuid'), b.keys.all)).status).toBe(404);
  });

  it('lets the operator (ADMIN_TOKEN) export any tenant that exists', async () => {
    const res = await download(app, path(a.tenantId, 'users.ndjson'), ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(parseNdjson(res.text).map((r) => r.userName)).toEqual(['only-in-a@example.com']);
    expect((await download(app, path('00000000-0000-4000-8000-000000000000'), ADMIN_TOKEN)).status).toBe(404);
  });

  it('takes the console cookie only from the console itself (Sec-Fetch-Site same-origin or none)', async () => {
    const { secret } = await startSession(db.em(), 'tenant_admin', a.tenantId);
    const cookie = `cpd_session=${secret}`;
    const same = await download(app, path(a.tenantId), null, { cookie, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
    expect(parseCsv(same.text)).toHaveLength(1);
    expect((await download(app, path(a.tenantId), null, { cookie, 'sec-fetch-site': 'none' })).status).toBe(
      200,
    );
    const cross = await download(app, path(a.tenantId), null, { cookie, 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect((await download(app, path(a.tenantId), null, { cookie })).status).toBe(403);
    // A tenant administrator's session is still one tenant's.
    expect(
      (await download(app, path(b.tenantId), null, { cookie, 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(404);
  });

  it('answers only GET', async () => {
    const res = await fetch(`${app.url}${path(a.tenantId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.keys.read}` },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
