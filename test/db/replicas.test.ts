import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { Cluster } from '../../faults/cluster';
import { migrateUp, openOrm, type Orm } from '../../src/db/orm';
import { openReplicas, type Replicas } from '../../src/db/replicas';
import { inTransaction, query, sql } from '../../src/domain/sql';
import { ADMIN_TOKEN, startTestApp, type GqlBody, type TestApp } from '../support/app';
import type { TestDatabase } from '../support/db';
import { silentLog, uniq } from '../support/factories';
import { until } from '../support/wait';
import { gqlTenant, type GqlTenant } from '../graphql/support';

// A real streaming replica: a throwaway primary (initdb) and a hot standby made from it with
// pg_basebackup, both in temporary directories on ports of their own (faults/cluster.ts), so the
// machine's server is left as it is. Needs PostgreSQL 15's server binaries (CI installs them).
const BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const haveBinaries = existsSync(`${BIN}/pg_basebackup`) && existsSync(`${BIN}/initdb`);
if (!haveBinaries && !process.env.CI)
  console.warn(`replicas.test.ts skipped: no PostgreSQL server binaries in ${BIN} (set FAULTS_PG_BIN)`);
const suite = haveBinaries || process.env.CI ? describe : describe.skip;

suite('read replicas', () => {
  let primary: Cluster;
  let standby: Cluster;
  let orm: Orm;
  let standbyAdmin: Client;
  let primaryAdmin: Client;
  /** REPLICA_MAX_LAG_MS=60000: keeps reading from a paused replica. */
  let app: TestApp;
  /** REPLICA_MAX_LAG_MS=400: gives a paused replica up within half a second. */
  let strict: TestApp;
  let t: GqlTenant;
  let scim: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience

  const standbyUrl = () => `postgres://postgres@127.0.0.1:${standby.port}/directory`;

  beforeAll(async () => {
    // Durability is not under test: without fsync the clusters start and migrate faster.
    const fast = ['-c fsync=off'];
    primary = await Cluster.create(fast);
    primary.armWatchdog();
    orm = await openOrm({ url: primary.databaseUrl, poolMax: 10 });
    // The migrations reach the standby by replication, while it is being made.
    [standby] = await Promise.all([Cluster.standbyOf(primary, fast), migrateUp(orm)]);
    standby.armWatchdog();
    primaryAdmin = new Client({ connectionString: primary.databaseUrl });
    await primaryAdmin.connect();
    standbyAdmin = new Client({ connectionString: standbyUrl() });
    standbyAdmin.on('error', () => undefined); // the last test stops the standby
    await standbyAdmin.connect();
    const db: TestDatabase = {
      url: primary.databaseUrl,
      orm,
      em: () => orm.em.fork(),
      queries: [],
      drop: async () => undefined,
    };
    app = await startTestApp(db, {
      DATABASE_URL: primary.databaseUrl,
      DATABASE_REPLICA_URLS: standbyUrl(),
      REPLICA_MAX_LAG_MS: '60000',
    });
    strict = await startTestApp(db, {
      DATABASE_URL: primary.databaseUrl,
      DATABASE_REPLICA_URLS: standbyUrl(),
      REPLICA_MAX_LAG_MS: '400',
    });
    t = await gqlTenant(app, db);
    scim = async (method, path, body) => {
      const res = await fetch(`${app.url}/scim/v2/${t.tenantId}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${t.scimToken}`,
          ...(body ? { 'content-type': 'application/scim+json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    await caughtUp();
    await until('both apps read from the replica', async () => (await inUse(app)) && (await inUse(strict)));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await strict?.close();
    await standbyAdmin?.end().catch(() => undefined);
    await primaryAdmin?.end().catch(() => undefined);
    await orm?.close(true);
    standby?.destroySync();
    primary?.destroySync();
  }, 60_000);

  async function readyz(
    target: TestApp,
  ): Promise<{ replicas: Array<{ inUse: boolean; lagMs: number | null }> }> {
    return (await fetch(`${target.url}/readyz`)).json() as never;
  }
  const inUse = async (target: TestApp) => (await readyz(target)).replicas[0]?.inUse === true;

  async function pauseReplay(): Promise<void> {
    await standbyAdmin.query('select pg_wal_replay_pause()');
    await until('replay is paused', async () => {
      const { rows } = await standbyAdmin.query('select pg_get_wal_replay_pause_state() as s');
      return rows[0].s === 'paused';
    });
  }

  /** Resumes replay and waits until the standby has replayed everything the primary has written. */
  async function caughtUp(): Promise<void> {
    await standbyAdmin.query('select pg_wal_replay_resume()');
    // The insert position: a transaction that wrote nothing before its commit record commits
    // asynchronously, its record written out by the WAL writer a moment later.
    const { rows } = await primaryAdmin.query('select pg_current_wal_insert_lsn()::text as lsn');
    await until('the standby has caught up', async () => {
      const r = await standbyAdmin.query('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [
        rows[0].lsn,
      ]);
      return r.rows[0].ok === true;
    });
  }

  const CONSOLE = { origin: 'http://directory.test', 'content-type': 'application/json' };
  const USER = `query($id: ID!) { user(id: $id) { id userName } }`;

  async function createUser(): Promise<string> {
    const res = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `${uniq('u')}@example.com`,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('reads a GraphQL query from the replica, while SCIM and authentication use the primary', async () => {
    await pauseReplay();
    try {
      const id = await createUser();
      expect((await scim('GET', `/Users/${id}`)).status).toBe(200);
      // A key made now exists only on the primary: that it authenticates shows where keys are checked.
      const made = await app.graphql(
        `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
        { input: { tenantId: t.tenantId, name: uniq('key'), scopes: ['DIRECTORY_READ'] } },
      );
      const newKey = made.body.data!.createApiKey.secret as string;
      const onReplica = await app.graphql(USER, { id }, newKey);
      expect(onReplica.status).toBe(200);
      expect(onReplica.body).toEqual({ data: { user: null } });
      // The console (a session cookie) reads on the primary: a person sees what they just did.
      const signIn = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: CONSOLE,
        body: JSON.stringify({
          query: `mutation($t: String!) { signIn(adminToken: $t) { kind } }`,
          variables: { t: ADMIN_TOKEN },
        }),
      });
      const cookie = signIn.headers
        .getSetCookie()
        .find((c) => c.startsWith('cpd_session='))!
        .split(';')[0]!;
      const console_ = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { ...CONSOLE, cookie, 'x-checkproof-tenant': t.tenantId },
        body: JSON.stringify({ query: USER, variables: { id } }),
      });
      expect(((await console_.json()) as GqlBody).data!.user).toMatchObject({ id });
      // A replica lagging beyond the strict app's limit is skipped: there the key sees the user too.
      // Given up for its lag, not for a probe that timed out on a busy machine: a replica that
      // answers again within the limit may serve reads, and this user was made moments ago.
      await until('the strict app gives the paused replica up for lag', async () => {
        const [r] = (await readyz(strict)).replicas;
        return r !== undefined && !r.inUse && r.lagMs !== null && r.lagMs > 400;
      });
      expect((await strict.graphql(USER, { id }, newKey)).body.data!.user).toMatchObject({ id });
      await caughtUp();
      expect((await app.graphql(USER, { id }, newKey)).body.data!.user).toMatchObject({ id });
    } finally {
      await caughtUp();
    }
  });

  it('runs a mutation on the primary, so what its payload reads after the write sees it', async () => {
    await pauseReplay();
    try {
      const userId = await createUser();
      const created = await app.graphql(
        `mutation($name: String!) { createGroup(input: { displayName: $name }) { id } }`,
        { name: uniq('g') },
        t.keys.write,
      );
      const groupId = created.body.data!.createGroup.id as string;
      const added = await app.graphql(
        `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id memberCount members { edges { node { ... on User { id } } } } } }`,
        { g: groupId, m: [userId] },
        t.keys.all,
      );
      expect(added.body.errors).toBeUndefined();
      expect(added.body.data!.addGroupMembers).toEqual({
        id: groupId,
        memberCount: 1,
        members: { edges: [{ node: { id: userId } }] },
      });
      // A query, in the next request, still reads the paused replica.
      const later = await app.graphql(
        `query($id: ID!) { group(id: $id) { id } }`,
        { id: groupId },
        t.keys.read,
      );
      expect(later.body).toEqual({ data: { group: null } });
    } finally {
      await caughtUp();
    }
  });

  it('uses a replica that was skipped for lag again once it has caught up', async () => {
    await until('the strict app reads from the replica', () => inUse(strict));
    await pauseReplay();
    try {
      await skippedThenUsedAgain();
    } finally {
      await caughtUp();
    }
  });

  async function skippedThenUsedAgain(): Promise<void> {
    const id = await createUser();
    // It was in use when replay paused, so a lag over the limit is measured from then on.
    await until('the strict app gives the paused replica up for lag', async () => {
      const [r] = (await readyz(strict)).replicas;
      return r !== undefined && !r.inUse && r.lagMs !== null && r.lagMs > 400;
    });
    expect((await strict.graphql(USER, { id }, t.keys.read)).body.data!.user).toMatchObject({ id });
    await caughtUp();
    await until('the strict app reads from the replica again', () => inUse(strict));
    const metrics = await (await fetch(`${strict.url}/metrics`)).text();
    expect(metrics).toMatch(/db_replica_in_use\{replica="127\.0\.0\.1:\d+"\} 1/);
    expect(metrics).toMatch(/db_replica_lag_seconds\{replica="127\.0\.0\.1:\d+"\} 0(\.\d+)?\n/);
  }

  it('holds back on the replica, as on the primary, an event behind a transaction still open', async () => {
    const CHANGES = `{ changes(first: 500) { edges { node { type subject { id } } } } }`;
    const subjects = async () =>
      (
        (await app.graphql(CHANGES, {}, t.keys.read)).body.data!.changes.edges as Array<{
          node: { subject: { id: string } };
        }>
      ).map((e) => e.node.subject.id);
    const open = new Client({ connectionString: primary.databaseUrl });
    await open.connect();
    try {
      // An older transaction id, taken and not yet written with: the standby learns of it only
      // from the newer transaction's WAL, and must still count it as running.
      await open.query('begin');
      await open.query('select pg_current_xact_id()');
      const id = await createUser();
      await caughtUp();
      const { rows } = await standbyAdmin.query(
        `select count(*)::int as n from audit_event where resource_id = $1`,
        [id],
      );
      expect(rows[0].n).toBe(1);
      expect(await subjects()).not.toContain(id);
      await open.query('commit');
      await caughtUp();
      expect(await subjects()).toContain(id);
    } finally {
      await open.end();
    }
  });

  it('sends what a replica cannot run (a write, a transaction) to the primary', async () => {
    const reasons: string[] = [];
    // The second replica does not exist: it is skipped from the start, and opening it does not fail.
    const replicas: Replicas = await openReplicas({
      urls: [standbyUrl(), 'postgres://postgres@127.0.0.1:1/directory'],
      primary: orm,
      maxLagMs: 2000,
      poolMax: 2,
      log: silentLog,
      onFallBack: (_, reason) => reasons.push(reason),
    });
    try {
      await until('the replica is in use', () => replicas.readSession() !== undefined);
      expect(replicas.status()).toEqual([
        expect.objectContaining({ inUse: true, reachable: true }),
        { replica: '127.0.0.1:1', inUse: false, reachable: false, lagMs: null },
      ]);
      const em = replicas.readSession()!;
      const where = sql`select current_setting('application_name') as app, pg_is_in_recovery() as standby`;
      expect(await query(em, where)).toEqual([{ app: 'checkproof-directory-replica', standby: true }]);
      const [written] = await query<{ app: string }>(
        em,
        sql`update tenant set name = name where id = ${t.tenantId} returning current_setting('application_name') as app`,
      );
      expect(written).toEqual({ app: 'checkproof-directory' });
      const inTx = await inTransaction({ em }, (tx) => query(tx.em, where));
      expect(inTx).toEqual([{ app: 'checkproof-directory', standby: false }]);
      expect(reasons).toEqual(['write', 'transaction']);
      // Every read went to the standby that answers, never to the one that does not.
      for (let i = 0; i < 4; i++)
        expect(await query(replicas.readSession()!, where)).toEqual([
          { app: 'checkproof-directory-replica', standby: true },
        ]);
    } finally {
      await replicas.close();
    }
  });

  it('answers queries from the primary, without errors, while the replica is frozen or stopped', async () => {
    const id = await createUser();
    await caughtUp();
    // Frozen (SIGSTOP): statements waiting on it are cut off once the monitor has missed two samples.
    standby.freeze();
    try {
      const started = Date.now();
      const frozen = await app.graphql(USER, { id }, t.keys.read);
      expect(frozen.status).toBe(200);
      expect(frozen.body.data!.user).toMatchObject({ id });
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      standby.thaw();
    }
    await until('the replica is in use again', () => inUse(app), { timeoutMs: 10_000 });
    await standby.stop('fast');
    const later = await createUser();
    for (let i = 0; i < 5; i++) {
      const res = await app.graphql(USER, { id: later }, t.keys.read);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { user: expect.objectContaining({ id: later }) } });
    }
    await until('the replica is reported out of use', async () => !(await inUse(app)));
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { replicas: unknown }).replicas).toEqual([
      expect.objectContaining({ inUse: false }),
    ]);
    expect((await app.graphql(USER, { id: later }, t.keys.read)).body.data!.user).toMatchObject({
      id: later,
    });
  });
});
