import { Client } from 'pg';
import { gqlTenant, type GqlTenant } from '../graphql/support';
import { useTestApp } from '../support/use-app';
import { EXPORT_APPLICATION_NAME } from '../../src/db/export-snapshot';

/**
 * Exports stream: rows leave while the cursor is still open, a reader that stalls holds the cursor
 * back, a reader that leaves (or a connection that dies) ends the export and its connection, and an
 * export holds one of the expensive-work slots (MAX_EXPENSIVE) while SCIM goes on being served.
 */
const { db, app } = useTestApp({
  env: { MAX_EXPENSIVE: '1', QUEUE_TIMEOUT_MS: '500' },
  beforeClose: () => pg.end(),
});
const ROWS = 50_000;
let tenant: GqlTenant;
let pg: Client;

beforeAll(async () => {
  tenant = await gqlTenant(app, db);
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  // About 600 bytes of NDJSON a user: ~30 MB in all, far more than the socket buffers hold.
  await pg.query(
    `insert into app_user (id, tenant_id, user_name, display_name, title, department, source, emails, created_at)
     select gen_random_uuid(), $1, 'seed' || g || '@example.com', 'Seeded user number ' || g, repeat('t', 120),
       'Department ' || (g % 50), 'SCIM', jsonb_build_array(jsonb_build_object('value', 'seed' || g || '@example.com', 'type', 'work', 'primary', true)),
       now() - interval '1 day' + g * interval '1 ms'
     from generate_series(1, $2::int) g`,
    [tenant.tenantId, ROWS],
  );
  await pg.query('analyze app_user');
});

/** The export connections of this test's database (pid and state). */
async function exportSessions(): Promise<Array<{ pid: number; state: string }>> {
  const { rows } = await pg.query<{ pid: number; state: string }>(
    `select pid, state from pg_stat_activity where application_name = $1 and datname = current_database()`,
    [EXPORT_APPLICATION_NAME],
  );
  return rows;
}

async function until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const noExportSessions = () =>
  until(async () => (await exportSessions()).length === 0, 'the export connection to close');

/** Starts a users.ndjson download and reads its first chunk. */
async function startDownload(controller = new AbortController()) {
  const res = await fetch(`${app.url}/exports/${tenant.tenantId}/users.ndjson`, {
    headers: { authorization: `Bearer ${tenant.keys.read}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  return {
    reader,
    controller,
    received: first.value!.length,
    text: new TextDecoder().decode(first.value!, { stream: true }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('sends the first rows while the cursor is open, holds it back while the reader stalls, then sends them all', async () => {
  const started = Date.now();
  const { reader, text: first } = await startDownload();
  const firstByteMs = Date.now() - started;
  // The reader stalls: the cursor stays open (the export has not run ahead into memory).
  await sleep(1000);
  expect(await exportSessions()).toHaveLength(1);
  const decoder = new TextDecoder();
  let text = first;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const lines = text.trimEnd().split('\n');
  expect(lines).toHaveLength(ROWS);
  expect(JSON.parse(lines[ROWS - 1]!)).toMatchObject({
    userName: `seed${ROWS}@example.com`,
    email: `seed${ROWS}@example.com`,
  });
  expect(firstByteMs).toBeLessThan(5000);
  await noExportSessions();
});

it('closes the export connection and frees the slot when the client goes away mid-stream', async () => {
  const { reader, controller } = await startDownload();
  expect(await exportSessions()).toHaveLength(1);
  controller.abort();
  await reader.cancel().catch(() => undefined);
  await noExportSessions();
  // The only expensive slot is free again: another export starts at once instead of a 503.
  const again = await fetch(`${app.url}/exports/${tenant.tenantId}/groups.csv`, {
    headers: { authorization: `Bearer ${tenant.keys.read}` },
  });
  expect(again.status).toBe(200);
  await again.text();
});

it('cuts the download short (no clean end) when the database connection dies mid-stream', async () => {
  const { reader, received } = await startDownload();
  const [session] = await exportSessions();
  await pg.query('select pg_terminate_backend($1)', [session!.pid]);
  let total = received;
  await expect(
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended cleanly';
        total += value.length;
      }
    })(),
  ).rejects.toThrow();
  expect(total).toBeLessThan(ROWS * 500);
  await noExportSessions();
});

it('holds an expensive-work slot: a second export waits, then gets a JSON 503, while SCIM is still served', async () => {
  const first = await startDownload();
  try {
    const second = await fetch(`${app.url}/exports/${tenant.tenantId}/users.csv`, {
      headers: { authorization: `Bearer ${tenant.keys.read}` },
    });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toMatchObject({ error: expect.stringMatching(/busy with large requests/) });
    const scim = await fetch(`${app.url}/scim/v2/${tenant.tenantId}/Users?count=5`, {
      headers: { authorization: `Bearer ${tenant.scimToken}` },
    });
    expect(scim.status).toBe(200);
  } finally {
    first.controller.abort();
    await first.reader.cancel().catch(() => undefined);
  }
  await noExportSessions();
});
