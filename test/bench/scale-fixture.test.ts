import { Client } from 'pg';
import { scaleGroupName, scaleUser, seedScaleFixture } from '../../bench/scale-fixture';
import { closureDifferences } from '../support/closure';
import { useScimApp } from '../support/use-app';

/**
 * The scale bench's numbers mean something only if its SQL-seeded directory is one the app reads
 * as its own: the seeder at 1,000 users, read back through SCIM, against what the bench expects.
 */
const { db, scim } = useScimApp();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const q = encodeURIComponent;

beforeAll(async () => {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await seedScaleFixture(client, scim.tenantId, { users: 1000, groups: 10, memberships: 2000 });
  } finally {
    await client.end();
  }
}, 60_000);

it('seeds users the SCIM API reads back with every attribute the bench filters on', async () => {
  const n = 42;
  const want = scaleUser(n);
  const res = await scim.req('GET', `/Users?filter=${q(`userName eq "${want.userName}"`)}`);
  expect(res.status).toBe(200);
  expect(res.body.totalResults).toBe(1);
  const user = res.body.Resources[0];
  expect(user).toMatchObject({
    userName: want.userName,
    externalId: want.externalId,
    displayName: want.displayName,
    name: { givenName: want.givenName, familyName: want.familyName },
    title: want.title,
    active: want.active,
    emails: [{ value: want.userName, type: 'work', primary: true }],
    phoneNumbers: [{ value: want.mobile, type: 'mobile' }],
    preferredLanguage: 'en-US',
    [ENTERPRISE]: { employeeNumber: want.employeeNumber, department: want.department },
  });
});

it('stores e-mails and phone numbers as a SCIM create would, so the work-e-mail lookup finds them', async () => {
  const created = await scim.req('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'posted@scale.example',
    emails: [{ value: 'posted@scale.example', type: 'work', primary: true }],
    phoneNumbers: [{ type: 'mobile', value: scaleUser(7).mobile }],
  });
  expect(created.status).toBe(201);
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    type Row = { user_name: string; emails: Array<Record<string, unknown>>; phone_numbers: unknown };
    const { rows } = await client.query<Row>(
      `select user_name, emails, phone_numbers from app_user
       where user_name in ('posted@scale.example', 'user7@scale.example')`,
    );
    const byName = new Map(rows.map((r) => [r.user_name, r]));
    const posted = byName.get('posted@scale.example')!;
    const seeded = byName.get('user7@scale.example')!;
    expect(seeded.emails).toEqual(posted.emails.map((e) => ({ ...e, value: 'user7@scale.example' })));
    expect(seeded.phone_numbers).toEqual(posted.phone_numbers);
  } finally {
    await client.end();
    await scim.req('DELETE', `/Users/${created.body.id}`);
  }
  const found = await scim.req(
    'GET',
    `/Users?filter=${q('emails[type eq "work"].value eq "USER7@scale.example"')}`,
  );
  expect(found.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['user7@scale.example']);
});

it('pages in user-number order and counts the matches the bench expects', async () => {
  const first = await scim.req('GET', '/Users?startIndex=1&count=3');
  expect(first.body.totalResults).toBe(1000);
  expect(first.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([
    'user1@scale.example',
    'user2@scale.example',
    'user3@scale.example',
  ]);
  const last = await scim.req('GET', '/Users?startIndex=999&count=100');
  expect(last.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([
    'user999@scale.example',
    'user1000@scale.example',
  ]);
  // n % 200 = 42: 42, 242, 442, 642, 842.
  const fam = await scim.req('GET', `/Users?filter=${q('name.familyName eq "Fam42"')}&count=100`);
  expect(fam.body.totalResults).toBe(5);
  const inactive = await scim.req('GET', `/Users?filter=${q('active eq false')}&count=100`);
  expect(inactive.body.totalResults).toBe(20);
});

it('puts every group at the same size and keeps the closure and history exact', async () => {
  const res = await scim.req('GET', `/Groups?filter=${q(`displayName eq "${scaleGroupName(1)}"`)}`);
  expect(res.body.totalResults).toBe(1);
  expect(res.body.Resources[0].members).toHaveLength(200);
  expect(await closureDifferences(db)).toEqual([]);
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ members: number; open: number; closure: number }>(
      `select (select count(*)::int from membership) as members,
        (select count(*)::int from membership_interval where valid_to is null) as open,
        (select count(*)::int from membership_closure) as closure`,
    );
    expect(rows[0]).toEqual({ members: 2000, open: 2000, closure: 2000 });
  } finally {
    await client.end();
  }
});

it('lets the app write to seeded users and groups as to its own (no change-feed rows were seeded)', async () => {
  const find = async (n: number) =>
    (await scim.req('GET', `/Users?filter=${q(`userName eq "${scaleUser(n).userName}"`)}`)).body.Resources[0];
  const u3 = await find(3);
  const patched = await scim.req('PATCH', `/Users/${u3.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'displayName', value: 'Renamed 3' }],
  });
  expect([200, 204]).toContain(patched.status);
  expect((await find(3)).displayName).toBe('Renamed 3');

  const u4 = await find(4);
  const group = (await scim.req('GET', `/Groups?filter=${q(`displayName eq "${scaleGroupName(5)}"`)}`)).body
    .Resources[0];
  expect(group.members.map((m: { value: string }) => m.value)).toContain(u4.id);
  expect((await scim.req('DELETE', `/Users/${u4.id}`)).status).toBe(204);
  const after = await scim.req('GET', `/Groups/${group.id}`);
  expect(after.body.members.map((m: { value: string }) => m.value)).not.toContain(u4.id);
  expect(await closureDifferences(db)).toEqual([]);
});
