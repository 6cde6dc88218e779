import { Client } from 'pg';
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../src/scim/protocol/schemas';
import { useScimApp } from '../support/use-app';

/**
 * A database outage is answered 503 with Retry-After (Entra retries those politely; other 5xx
 * count toward quarantine), readiness turns false without waiting on the database, the service
 * recovers by itself within seconds of the database returning, and the provisioning log keeps
 * the entries of requests answered meanwhile.
 */
let admin: Client;
let dbName: string;
const { db, app, scim } = useScimApp({
  beforeClose: async () => {
    await admin.query(`alter database "${dbName}" allow_connections true`);
    await admin.end();
  },
});
beforeAll(async () => {
  dbName = new URL(db.url).pathname.slice(1);
  admin = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL });
  await admin.connect();
});

async function cutOff(): Promise<void> {
  await admin.query(`alter database "${dbName}" allow_connections false`);
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [dbName]);
}
async function restore(): Promise<void> {
  await admin.query(`alter database "${dbName}" allow_connections true`);
}

/** Polls `probe` every 50 ms until it returns true; resolves with the time it took, or fails after `ms`. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await probe()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms`);
}

const readyz = async () => (await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(1000) })).status;

it('answers 503 with Retry-After and a SCIM error body while the database is down, then recovers', async () => {
  const created = await scim.req('POST', '/Users', { userName: 'before@contoso.com', active: true });
  expect(created.status).toBe(201);
  expect(await readyz()).toBe(200);

  await cutOff();
  // Readiness reads the probe's verdict: no request waits on the database to learn it.
  await within(3000, async () => (await readyz()) === 503);

  const statuses: number[] = [];
  for (const [method, path, body] of [
    ['GET', `/Users/${created.body.id}`, undefined],
    ['GET', '/Users?filter=userName eq "before@contoso.com"', undefined],
    ['POST', '/Users', { userName: 'during@contoso.com', active: true }],
    [
      'PATCH',
      `/Users/${created.body.id}`,
      {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'x' }],
      },
    ],
  ] as const) {
    const res = await scim.req(method, path, body);
    statuses.push(res.status);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('content-type')).toMatch(/application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '503',
    });
  }

  await restore();
  const recovery = await within(
    4000,
    async () => (await scim.req('GET', `/Users/${created.body.id}`)).status === 200,
  );
  expect(recovery).toBeLessThan(4000);
  await within(2000, async () => (await readyz()) === 200);

  // Nothing answered 503 was written; the write made before the outage is intact.
  const during = await scim.req('GET', '/Users?filter=userName eq "during@contoso.com"');
  expect(during.body.totalResults).toBe(0);
  const before = await scim.req('GET', `/Users/${created.body.id}`);
  expect(before.body.userName).toBe('before@contoso.com');
});

it('keeps provisioning-log entries written during an outage and writes them once the database is back', async () => {
  const marker = `outage-${Date.now()}`;
  await cutOff();
  await within(3000, async () => (await readyz()) === 503);
  // Answered (503) while the log cannot be written: the entries wait in memory.
  for (let i = 0; i < 3; i++) {
    const res = await scim.req('GET', '/Users', undefined, { 'x-request-id': `${marker}-${i}` });
    expect(res.status).toBe(503);
  }
  await restore();
  // Read through the app's own database (PostgreSQL has no cross-database queries).
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    await within(8000, async () => {
      const res = await c.query(`select count(*)::int as n from provisioning_log where request_id like $1`, [
        `${marker}-%`,
      ]);
      return (res.rows[0] as { n: number }).n === 3;
    });
  } finally {
    await c.end();
  }
});
