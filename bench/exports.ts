import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Client } from 'pg';
import { createBenchApiKey, createBenchTenant } from './tenant';
import { startService } from './service';

/**
 * Exports for analysts over a large directory: 100,000 users and 1,000,000 membership rows of one
 * tenant (990 groups of 1,000 direct members, and 10 groups each holding one of them, for 10,000
 * inherited rows), seeded with generate_series, then GET /exports/<tenant>/memberships.csv and
 * .ndjson, and users.csv, read as fast as the client can. Reports rows, bytes, time to the first
 * byte and in all, and the service's resident memory (VmRSS, sampled every 50 ms) before and at
 * its peak. Goal: the million rows in under 30 s at under 200 MB RSS.
 * Called by bench/run.ts; `node dist/bench/exports.js` runs it alone on a fresh database.
 */
export interface ExportBenchOptions {
  url: string;
  adminToken: string;
  databaseUrl: string;
  /** The service's process id, whose RSS is sampled (Linux /proc). */
  servicePid: number | undefined;
  log: (line: string) => void;
}

const USERS = Number(process.env.BENCH_EXPORT_USERS ?? 100_000);
const LEAF_GROUPS = 990;
const GROUP_SIZE = 1000;
const PARENT_GROUPS = 10;

/** Seeds the users, groups and memberships of the bench tenant (also used to study the plans by hand). */
export async function seed(db: Client, tenantId: string): Promise<void> {
  await db.query(
    `insert into app_user (id, tenant_id, user_name, display_name, given_name, family_name, department, source, emails)
     select gen_random_uuid(), $1, 'user' || g || '@bench.example', 'User ' || g, 'User', g::text, 'Dept ' || (g % 40), 'SCIM',
       jsonb_build_array(jsonb_build_object('value', 'user' || g || '@bench.example', 'type', 'work', 'primary', true))
     from generate_series(1, $2::int) g`,
    [tenantId, USERS],
  );
  await db.query(
    `insert into "group" (id, tenant_id, display_name, source)
     select gen_random_uuid(), $1::uuid, 'leaf ' || lpad(g::text, 4, '0'), 'SCIM' from generate_series(0, $2::int - 1) g
     union all
     select gen_random_uuid(), $1::uuid, 'parent ' || g, 'SCIM' from generate_series(0, $3::int - 1) g`,
    [tenantId, LEAF_GROUPS, PARENT_GROUPS],
  );
  // Leaf k holds the 1,000 users numbered from (k mod 100) × 1,000.
  await db.query(
    `with u as (select id, (row_number() over (order by id) - 1) / $2 as slice from app_user where tenant_id = $1),
          g as (select id, row_number() over (order by display_name) - 1 as k from "group" where tenant_id = $1 and display_name like 'leaf %')
     insert into membership (tenant_id, group_id, member_user_id)
     select $1::uuid, g.id, u.id from g join u on u.slice = g.k % ($3::int / $2::int)`,
    [tenantId, GROUP_SIZE, USERS],
  );
  await db.query(
    `insert into membership (tenant_id, group_id, member_group_id)
     select $1::uuid, p.id, l.id
     from (select id, row_number() over (order by display_name) as n from "group" where tenant_id = $1 and display_name like 'parent %') p
     join (select id, row_number() over (order by display_name) as n from "group" where tenant_id = $1 and display_name like 'leaf %') l
       on l.n = p.n`,
    [tenantId],
  );
  await db.query('vacuum analyze app_user, "group", membership');
}

/** The process's resident memory in MB (Linux /proc), or undefined. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface ExportRun {
  name: string;
  status: number;
  rows: number;
  bytes: number;
  firstByteS: number;
  totalS: number;
  rssBeforeMb?: number;
  rssPeakMb?: number;
}

/** Downloads one export, counting lines and bytes as they arrive (nothing is kept). */
function runExport(
  opts: ExportBenchOptions,
  path: string,
  token: string,
  headerRows: number,
): Promise<ExportRun> {
  const rssBeforeMb = rssMb(opts.servicePid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    const now = rssMb(opts.servicePid);
    if (now !== undefined && (rssPeakMb === undefined || now > rssPeakMb)) rssPeakMb = now;
  }, 50);
  const started = performance.now();
  return new Promise<ExportRun>((resolve, reject) => {
    const req = request(`${opts.url}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let firstByteS = 0;
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteS = (performance.now() - started) / 1000;
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('error', reject);
      res.on('end', () => {
        clearInterval(sampler);
        resolve({
          name: path.replace(/^\/exports\/[^/]+\//, ''),
          status: res.statusCode ?? 0,
          rows: lines - headerRows,
          bytes,
          firstByteS,
          totalS: (performance.now() - started) / 1000,
          ...(rssBeforeMb !== undefined ? { rssBeforeMb } : {}),
          ...(rssPeakMb !== undefined ? { rssPeakMb } : {}),
        });
      });
    });
    req.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
    req.end();
  });
}

/** Seeds the tenant and times its exports. */
export async function runExportBench(opts: ExportBenchOptions): Promise<void> {
  const { url, log } = opts;
  const { tenantId } = await createBenchTenant(
    url,
    opts.adminToken,
    `export-bench-${Date.now().toString(36)}`,
    'Export bench',
  );
  const key = await createBenchApiKey(url, opts.adminToken, tenantId, 'analyst', ['DIRECTORY_READ']);
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const started = performance.now();
    await seed(db, tenantId);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from membership where tenant_id = $1`,
      [tenantId],
    );
    log(
      `Export bench: seeded ${USERS} users and ${rows[0]!.n} rows of the membership table (1,000,000 direct and inherited export rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end();
  }
  const runs: ExportRun[] = [];
  for (const [file, header] of [
    ['memberships.csv', 1],
    ['memberships.ndjson', 0],
    ['users.csv', 1],
  ] as const) {
    runs.push(await runExport(opts, `/exports/${tenantId}/${file}`, key, header));
  }
  const mb = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(0));
  log(
    `\nExports (one tenant: ${USERS} users, 1,000,000 membership rows; goal: memberships < 30 s at < 200 MB RSS)\n`,
  );
  log('| export | status | rows | MB | first byte s | total s | rows/s | service RSS MB before / peak |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    log(
      `| ${r.name} | ${r.status} | ${r.rows} | ${(r.bytes / 1e6).toFixed(1)} | ${r.firstByteS.toFixed(2)} | ${r.totalS.toFixed(1)} | ${Math.round(r.rows / r.totalS)} | ${mb(r.rssBeforeMb)} / ${mb(r.rssPeakMb)} |`,
    );
  }
}

if (require.main === module) {
  // Standalone: a fresh database and the built service, as bench/run.ts starts them.
  void (async () => {
    const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new Client({ connectionString: base });
    await admin.connect();
    const dbName = `cpd_bench_exports_${Date.now().toString(36)}`;
    await admin.query(`create database "${dbName}"`);
    const dbUrl = base.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    const service = await startService(dbUrl);
    try {
      await runExportBench({
        url: service.url,
        adminToken: service.adminToken,
        databaseUrl: dbUrl,
        servicePid: service.pid,
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
