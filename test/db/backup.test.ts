import { PassThrough, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { openOrm } from '../../src/db/orm';
import {
  FrameWriter,
  RefusedError,
  readFrames,
  parseJson,
  type BackupManifest,
} from '../../src/db/backup/backup-format';
import { restoreDatabase } from '../../src/db/backup/backup-import';
import { startTestApp, type TestApp } from '../support/app';
import {
  backupToBuffer,
  emptyDatabase,
  quietProgress,
  restoreFromBuffer,
  tableCounts,
  withClient,
} from '../support/backup';
import type { TestDatabase } from '../support/db';
import { uniq } from '../support/factories';
import { useScimApp } from '../support/use-app';
import { until } from '../support/wait';

const ENV = { WEBHOOK_DISPATCHER: 'false' };
const { db, app, scim } = useScimApp({ env: ENV });

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function createUser(name = uniq('u')): Promise<string> {
  const r = await scim.req('POST', '/Users', {
    schemas: [USER],
    userName: `${name}@example.com`,
    name: { givenName: 'Ada', familyName: name },
    emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function createGroup(memberIds: string[]): Promise<string> {
  const r = await scim.req('POST', '/Groups', {
    schemas: [GROUP],
    displayName: uniq('g'),
    members: memberIds.map((value) => ({ value })),
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function addMembers(groupId: string, ids: string[]): Promise<void> {
  const r = await scim.req('PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH],
    Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
  });
  expect(r.status).toBeLessThan(300);
}

/** The restored database served by the real app, as the service would after a move. */
async function serve(url: string): Promise<TestApp> {
  const orm = await openOrm({ url, poolMax: 5 });
  const restored = await startTestApp(
    { url, orm, em: () => orm.em.fork(), queries: [], drop: () => orm.close(true) } as TestDatabase,
    ENV,
  );
  cleanups.push(async () => {
    await restored.close();
    await orm.close(true);
  });
  return restored;
}

async function restoredDatabase(): Promise<string> {
  const target = await emptyDatabase();
  cleanups.push(target.drop);
  return target.url;
}

async function scimGet(base: string, path: string, token: string) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('db:backup and db:restore (logical export, ADR 0016)', () => {
  let apiKey: string;
  let users: string[];
  let groups: string[];

  beforeAll(async () => {
    // A tenant with everything the service stores: users (one managing another), nested groups,
    // memberships and their history, roles, change events, a webhook endpoint with a delivery, the
    // provisioning log, an API key, a setup link, a disabled user, deleted (restorable) ones.
    users = [];
    for (let i = 0; i < 6; i++) users.push(await createUser());
    const parent = await createGroup(users.slice(0, 2));
    const child = await createGroup(users.slice(2, 4));
    const grandchild = await createGroup([users[4]!]);
    await addMembers(parent, [child]);
    await addMembers(child, [grandchild]);
    groups = [parent, child, grandchild];

    const key = await app.graphql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`, {
      i: { tenantId: scim.tenantId, name: 'backup-test', scopes: ['DIRECTORY_WRITE', 'TENANT_ADMIN'] },
    });
    apiKey = key.body.data!.createApiKey.secret as string;
    const asKey = async (query: string, variables: Record<string, unknown>) => {
      const r = await app.graphql(query, variables, apiKey);
      expect(r.body.errors).toBeUndefined();
      return r.body.data!;
    };
    await asKey(`mutation($u: ID!) { assignRole(userId: $u, role: "admin", primary: true) { id } }`, {
      u: users[0],
    });
    await asKey(`mutation($u: ID!) { assignRole(userId: $u, role: "viewer") { id } }`, { u: users[1] });
    const hook = await asKey(
      `mutation { createWebhookEndpoint(input: { url: "https://hooks.example.com/cpd" }) { endpoint { id } } }`,
      {},
    );
    await asKey(`mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id } }`, {
      e: hook.createWebhookEndpoint.endpoint.id,
    });
    await app.graphql(`mutation($t: ID!) { createSetupLink(tenantId: $t) { url } }`, { t: scim.tenantId });
    const manager = await scim.req('PATCH', `/Users/${users[1]}`, {
      schemas: [PATCH],
      Operations: [
        {
          op: 'replace',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
          value: users[0],
        },
        { op: 'replace', path: 'active', value: false },
      ],
    });
    expect(manager.status).toBeLessThan(300);
    // Deleted: a user who was a member (archived with memberships) and a group with members.
    expect((await scim.req('DELETE', `/Users/${users[5]}`)).status).toBe(204);
    const doomed = await createGroup([users[0]!]);
    expect((await scim.req('DELETE', `/Groups/${doomed}`)).status).toBe(204);
    users = users.slice(0, 5);

    await until(
      'the provisioning log is written',
      async () => (await tableCounts(db.url)).provisioning_log! >= 10,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    // The log and the change feed's consumers write after the responses: wait until no table moves.
    let last = '';
    await until(
      'every table is still',
      async () => {
        const now = JSON.stringify(await tableCounts(db.url));
        const still = now === last;
        last = now;
        return still;
      },
      { timeoutMs: 10_000, intervalMs: 300 },
    );
  });

  it('restores into a new empty database: every table has its rows, SCIM answers the same, the token and the API key still work', async () => {
    const before = await tableCounts(db.url);
    for (const table of [
      'app_user',
      'group',
      'membership',
      'membership_interval',
      'membership_deleted_group',
      'role',
      'user_role',
      'credential',
      'audit_event',
      'webhook_endpoint',
      'webhook_delivery',
      'provisioning_log',
      'deleted_user',
      'deleted_group',
      'user_deprovisioning',
      'setup_link',
    ]) {
      expect([table, before[table]]).toEqual([table, expect.any(Number)]);
      expect([table, before[table]! > 0]).toEqual([table, true]);
    }
    const { file, summary } = await backupToBuffer(db.url);
    expect(summary.rows).toBe(
      Object.entries(before).reduce((n, [t, c]) => (t === 'mikro_orm_migrations' ? n : n + c), 0),
    );

    const url = await restoredDatabase();
    const restoredSummary = await restoreFromBuffer(url, file);
    expect(restoredSummary.rows).toBe(summary.rows);
    // Every table, the migrations table too, and no more membership history than there was: the
    // history triggers did not fire while the memberships were loaded.
    expect(await tableCounts(url)).toEqual(before);
    // The indexes set aside during the load are all back, as the migrations made them.
    const indexes = (u: string) =>
      withClient(u, async (c) =>
        (
          await c.query<{ name: string; def: string }>(
            `select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() order by 1`,
          )
        ).rows.map((r) => `${r.name}: ${r.def}`),
      );
    expect(await indexes(url)).toEqual(await indexes(db.url));

    const restored = await serve(url);
    const restoredBase = scim.base.replace(app.url, restored.url);
    for (const path of [
      ...users.map((u) => `/Users/${u}`),
      ...groups.map((g) => `/Groups/${g}`),
      '/Users?sortBy=userName',
      '/Groups?sortBy=displayName',
    ]) {
      const was = await scimGet(scim.base, path, scim.token);
      const is = await scimGet(restoredBase, path, scim.token);
      expect(was.status).toBe(200);
      expect([path, is]).toEqual([path, was]);
    }
    const viewer = await restored.graphql(`{ viewer { kind tenantId } }`, {}, apiKey);
    expect(viewer.body.data?.viewer).toEqual({ kind: 'API_KEY', tenantId: scim.tenantId });
    // A new identity value continues after the restored ones, and new writes get their history.
    const lastRestored = await maxEventId(url);
    const added = await fetch(`${restoredBase}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: `${uniq('after')}@example.com` }),
    });
    expect(added.status).toBe(201);
    const newUser = ((await added.json()) as { id: string }).id;

    const patched = await fetch(`${restoredBase}/Groups/${groups[0]}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: newUser }] }],
      }),
    });
    expect(patched.status).toBeLessThan(300);
    const after = await tableCounts(url);
    expect(after.membership_interval).toBe(before.membership_interval! + 1);
    await withClient(url, async (c) => {
      const { rows } = await c.query<{ first: string }>(
        `select min(id)::text as first from audit_event where resource_id = $1`,
        [newUser],
      );
      expect(Number(rows[0]!.first)).toBeGreaterThan(lastRestored);
      // Every restored change event is from the target server's past (its transaction ids are
      // below the next one), so the feed releases it once older transactions end. (The horizon
      // itself, xmin, is the whole shared server's: other databases' long transactions hold it.)
      const feed = await c.query<{ ahead: string }>(
        `select count(*) filter (where txid >= pg_snapshot_xmax(pg_current_snapshot()))::text as ahead
         from audit_event where id <= $1`,
        [lastRestored],
      );
      expect(feed.rows[0]!.ahead).toBe('0');
    });
  });

  it('backs up a consistent snapshot while SCIM writes run', async () => {
    const hub = await createGroup([]);
    let stop = false;
    let written = 0;
    const writer = async () => {
      while (!stop) {
        const id = await createUser(uniq('busy'));
        await addMembers(hub, [id]);
        written++;
      }
    };
    const writers = [writer(), writer(), writer()];
    await until('the writers are under way', () => written >= 6, { timeoutMs: 20_000 });
    const atStart = written;
    const { file } = await backupToBuffer(db.url);
    const atEnd = written;
    await until('the writers went on after the backup', () => written >= atEnd + 6, { timeoutMs: 20_000 });
    stop = true;
    await Promise.all(writers);

    const url = await restoredDatabase();
    await restoreFromBuffer(url, file);
    await withClient(url, async (c) => {
      const q = async (sql: string) =>
        Number((await c.query<{ n: string }>(sql, [scim.tenantId, hub])).rows[0]!.n);
      const busyUsers = await q(
        `select count(*)::text as n from app_user where tenant_id = $1 and user_name like 'busy-%' and $2::uuid is not null`,
      );
      const created = await q(
        `select count(*)::text as n from audit_event e join app_user u on u.id::text = e.resource_id
         where e.tenant_id = $1 and e.action = 'user.created' and u.user_name like 'busy-%' and $2::uuid is not null`,
      );
      const createdEvents = await q(
        `select count(*)::text as n from audit_event e where e.tenant_id = $1 and e.action = 'user.created'
           and e.data->>'userName' like 'busy-%' and $2::uuid is not null`,
      );
      const members = await q(
        `select count(*)::text as n from membership where tenant_id = $1 and group_id = $2`,
      );
      const openHistory = await q(
        `select count(*)::text as n from membership_interval where tenant_id = $1 and group_id = $2 and valid_to is null`,
      );
      const addedEvents = await q(
        `select count(*)::text as n from audit_event where tenant_id = $1 and resource_id = $2::text and action = 'group.member_added'`,
      );
      // Taken at one instant: between the writers' count when it began and when it ended…
      expect(busyUsers).toBeGreaterThanOrEqual(atStart);
      expect(busyUsers).toBeLessThan(written);
      // …and every row agrees with the others: a user with its event, a membership with its history.
      expect(created).toBe(busyUsers);
      expect(createdEvents).toBe(busyUsers);
      expect(openHistory).toBe(members);
      expect(members).toBeLessThanOrEqual(busyUsers);
      expect(addedEvents).toBe(members);
      const orphans = await q(
        `select count(*)::text as n from membership m where m.tenant_id = $1 and $2::uuid is not null
           and m.member_user_id is not null and not exists (select 1 from app_user u where u.id = m.member_user_id)`,
      );
      expect(orphans).toBe(0);
    });
  });

  it('refuses a database that holds data, and changes nothing in it', async () => {
    const { file } = await backupToBuffer(db.url);
    const before = await tableCounts(db.url);
    await expect(restoreFromBuffer(db.url, file)).rejects.toThrow(RefusedError);
    await expect(restoreFromBuffer(db.url, file)).rejects.toThrow(/not empty: .*hold rows.*empty database/);
    expect(await tableCounts(db.url)).toEqual(before);
  });

  it('refuses a backup from a newer schema than this version knows', async () => {
    const { file } = await backupToBuffer(db.url);
    const future = await rewriteManifest(file, (m) => ({
      ...m,
      migrations: [...m.migrations, 'Migration29991231000000_from_the_future'],
    }));
    const url = await restoredDatabase();
    await expect(restoreFromBuffer(url, future)).rejects.toThrow(RefusedError);
    await expect(restoreFromBuffer(url, future)).rejects.toThrow(
      /newer \(or different\) schema: it has migration Migration29991231000000_from_the_future/,
    );
    // Refused before touching the target: it is still empty.
    expect(await tableCounts(url)).toEqual({});
  });

  it('refuses what is not a backup, and a cut-short one without committing anything', async () => {
    const url = await restoredDatabase();
    await expect(restoreDatabase(url, Readable.from([Buffer.from('hello')]), quietProgress)).rejects.toThrow(
      /not a backup file/,
    );
    const { file } = await backupToBuffer(db.url);
    await expect(restoreFromBuffer(url, file.subarray(0, Math.floor(file.length * 0.9)))).rejects.toThrow(
      /damaged|cut short/,
    );
    // The schema was migrated, but no row was committed: the database still counts as empty.
    const counts = await tableCounts(url);
    expect(Object.entries(counts).filter(([t, n]) => t !== 'mikro_orm_migrations' && n > 0)).toEqual([]);
    await restoreFromBuffer(url, file);
    expect((await tableCounts(url)).app_user).toBeGreaterThan(0);
  });
});

async function maxEventId(url: string): Promise<number> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ n: string }>(`select max(id)::text as n from audit_event`),
  );
  return Number(rows[0]!.n);
}

/** A copy of a backup file with its manifest changed. */
async function rewriteManifest(file: Buffer, change: (m: BackupManifest) => BackupManifest): Promise<Buffer> {
  const gzip = createGzip();
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  gzip.pipe(out);
  const writer = new FrameWriter(gzip);
  await writer.start();
  for await (const f of readFrames(Readable.from([file]))) {
    if (f.type === 'M') await writer.json('M', change(parseJson<BackupManifest>(f)));
    else await writer.frame(f.type, f.payload);
  }
  gzip.end();
  await new Promise((resolve) => out.on('end', resolve));
  return Buffer.concat(chunks);
}
