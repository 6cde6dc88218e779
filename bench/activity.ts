import { createBenchApiKey, createBenchTenant, gql } from './tenant';
import { Client } from 'pg';
import { runLoad, table, type LoadResult } from './load';
import { startService } from './service';

/**
 * The console's Activity page over a large provisioning log: 1,000,000 log rows of one tenant
 * (seeded with generate_series, spread over 30 days: reads, updates, creates, disables, deletes,
 * 5 % failures, users and groups), then `provisioningActivity(first: 50)` with each filter, a
 * second page by cursor, provisioningHealth and the connection status. Goal: p95 under 100 ms.
 * Called by bench/run.ts; `node dist/bench/activity.js` runs it alone on a fresh database.
 */
export interface ActivityBenchOptions {
  url: string;
  adminToken: string;
  databaseUrl: string;
  log: (line: string) => void;
}

const ROWS = Number(process.env.BENCH_ACTIVITY_ROWS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_ACTIVITY_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_ACTIVITY_CONCURRENCY ?? 4);

async function seed(db: Client, tenantId: string, rows: number): Promise<void> {
  const [token] = (
    await db.query<{ id: string }>(`select id from credential where tenant_id = $1 and kind = 'SCIM_TOKEN'`, [
      tenantId,
    ])
  ).rows;
  // g % 20 picks the shape: 0-9 READ, 10-14 UPDATE, 15-16 CREATE, 17 DISABLE, 18 DELETE, 19 READ of a group.
  await db.query(
    `insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, warnings, operations,
       created_at, operation, resource_type, resource_id, resource_name, response_body, credential_id, test_connection)
     select $1::uuid, 'bench-' || g,
       case when s < 10 or s = 19 then 'GET' when s < 15 or s = 17 then 'PATCH' when s < 17 then 'POST' else 'DELETE' end,
       case when s = 19 or g % 5 = 0 then '/Groups/' else '/Users/' end || md5(g::text)::uuid,
       case when g % 20 = 7 then 500 when g % 40 = 3 then 409 else 200 end,
       1 + (g % 7), '{}',
       case when s between 10 and 17 then jsonb_build_object('Operations', jsonb_build_array(jsonb_build_object('op', 'Replace', 'path', 'displayName', 'value', 'User ' || g))) end,
       now() - (g * (interval '30 days' / $2)),
       case when s < 10 or s = 19 then 'READ' when s < 15 then 'UPDATE' when s < 17 then 'CREATE' when s = 17 then 'DISABLE' else 'DELETE' end,
       case when s = 19 or g % 5 = 0 then 'GROUP' else 'USER' end,
       md5(g::text)::uuid::text,
       case when s = 19 or g % 5 = 0 then 'Group ' || (g % 5000) else 'user' || (g % 100000) || '@bench.example' end,
       jsonb_build_object('id', md5(g::text)::uuid, 'userName', 'user' || (g % 100000) || '@bench.example'),
       $3::uuid, false
     from (select g, g % 20 as s from generate_series(1, $2::int) g) x`,
    [tenantId, rows, token?.id ?? null],
  );
  await db.query('vacuum analyze provisioning_log');
}

/** Seeds the log and times the Activity, Health and Connection queries. */
export async function runActivityBench(opts: ActivityBenchOptions): Promise<void> {
  const { url, log } = opts;
  const { tenantId } = await createBenchTenant(
    url,
    opts.adminToken,
    `activity-bench-${Date.now().toString(36)}`,
    'Activity bench',
  );
  const key = await createBenchApiKey(url, opts.adminToken, tenantId, 'bench', ['TENANT_ADMIN']);
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const started = performance.now();
    await seed(db, tenantId, ROWS);
    log(
      `Activity bench: seeded ${ROWS} provisioning-log rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end();
  }

  const ACTIVITY = `query($filter: ProvisioningActivityFilter, $after: String) {
    provisioningActivity(first: 50, filter: $filter, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id createdAt method path status operation resourceType resourceId resourceName actor requestBody responseBody } }
    } }`;
  const page = (filter: Record<string, unknown> | null, after: string | null = null) =>
    gql<{ provisioningActivity: { edges: unknown[]; pageInfo: { endCursor: string } } }>(url, key, ACTIVITY, {
      filter,
      after,
    });
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
  const day = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000).toISOString();
  const second = (await page(null)).provisioningActivity.pageInfo.endCursor;
  const workloads: Array<[string, Record<string, unknown> | null, string | null]> = [
    ['no filter', null, null],
    ['no filter, page 2 (after cursor)', null, second],
    ['outcome FAILURE', { outcome: 'FAILURE' }, null],
    ['outcome SUCCESS', { outcome: 'SUCCESS' }, null],
    ['operation DISABLE', { operation: 'DISABLE' }, null],
    ['operation DELETE', { operation: 'DELETE' }, null],
    ['resourceType GROUP', { resourceType: 'GROUP' }, null],
    ['search "user4242" (prefix)', { search: 'user4242' }, null],
    ['search "group 12" (prefix)', { search: 'group 12' }, null],
    ['from/to: one day, 10 days ago', { from: tenDaysAgo.toISOString(), to: day(tenDaysAgo, 1) }, null],
    [
      'FAILURE + USER + one day',
      { outcome: 'FAILURE', resourceType: 'USER', from: tenDaysAgo.toISOString(), to: day(tenDaysAgo, 1) },
      null,
    ],
  ];
  const results: LoadResult[] = [];
  for (const [name, filter, after] of workloads) {
    for (let i = 0; i < 10; i++) await page(filter, after);
    results.push(
      await runLoad(`provisioningActivity(first: 50), ${name}`, REQUESTS, CONCURRENCY, async () => {
        const data = await page(filter, after);
        return data.provisioningActivity.edges.length > 0;
      }),
    );
  }
  const HEALTH = `{ provisioningHealth { requestsLastHour failuresLastHour requestsLast24h failuresLast24h failureRate24h lastRequestAt cycleInProgress quarantineRisk } }`;
  results.push(
    await runLoad('provisioningHealth', REQUESTS, CONCURRENCY, async () => {
      await gql(url, key, HEALTH);
      return true;
    }),
  );
  const CONNECTION = `{ provisioning { connection { testConnectionAt firstRequestAt lastRequestAt userCount groupCount state } } }`;
  results.push(
    await runLoad('provisioning { connection }', REQUESTS, CONCURRENCY, async () => {
      await gql(url, key, CONNECTION);
      return true;
    }),
  );
  log(
    `\nActivity workloads: ${ROWS} provisioning-log rows of one tenant, concurrency ${CONCURRENCY}, ${REQUESTS} requests each (goal: p95 < 100 ms)\n`,
  );
  log(table(results));
}

if (require.main === module) {
  // Standalone: a fresh database and the built service, as bench/run.ts starts them.
  void (async () => {
    const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new Client({ connectionString: base });
    await admin.connect();
    const dbName = `cpd_bench_activity_${Date.now().toString(36)}`;
    await admin.query(`create database "${dbName}"`);
    const dbUrl = base.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    const service = await startService(dbUrl);
    try {
      await runActivityBench({
        url: service.url,
        adminToken: service.adminToken,
        databaseUrl: dbUrl,
        log: (l) => console.log(l),
      });
    } finally {
      await service.stop();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
