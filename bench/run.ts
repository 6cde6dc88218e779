import { runActivityBench } from './activity';
import { runExportBench } from './exports';
import { runScaleBench } from './scale';
import { createBenchTenant } from './tenant';
import { runWebhookBench } from './webhooks';
import { fastFetch } from './http-client';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client, Pool } from 'pg';
import { runLoad, table, watchServiceCpu, type LoadResult } from './load';
import { watchPostgresDatabase } from './cpu';
import { startReferenceServer, startService } from './service';

/**
 * `npm run bench`: starts the service on the local PostgreSQL, loads Entra-shaped SCIM traffic and
 * prints req/s and p50/p95/p99 per workload, next to the raw `pg` ceiling at the same concurrency.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const N = Number(process.env.BENCH_REQUESTS ?? 5000);
/** Untimed requests of the same shape before each measured run: V8 and PostgreSQL's caches warm up. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);

/**
 * `BENCH_ONLY=member-add,graphql` runs only those sections (comma-separated): `scim` (the raw
 * ceilings, create, reads, user PATCH), `member-add` (the group PATCH rows; without `scim` its users
 * are inserted with SQL), `graphql`, `activity`, `webhooks`, `exports`, `scale` (a million-user
 * tenant in a database of its own, kept between runs: bench/scale.ts). Unset: everything. The
 * README's figures come from whole runs.
 */
const SECTIONS = ['scim', 'member-add', 'graphql', 'activity', 'webhooks', 'exports', 'scale'];
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
for (const s of ONLY) if (!SECTIONS.includes(s)) throw new Error(`BENCH_ONLY: unknown section "${s}"`);
const part = (name: string): boolean => ONLY.has(name);

const measure = (name: string, task: (i: number) => Promise<boolean>) => runLoad(name, N, CONCURRENCY, task);
async function warm(task: (i: number) => Promise<unknown>): Promise<void> {
  if (WARMUP > 0) await runLoad('warm-up', WARMUP, CONCURRENCY, async (i) => (await task(i), true));
}
// The local server over its Unix socket when there is one (cheaper than TCP loopback for the
// service and the raw-pg ceiling alike), else 127.0.0.1:5432.
const LOCAL_SOCKET = '/var/run/postgresql/.s.PGSQL.5432';
const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  (existsSync(LOCAL_SOCKET)
    ? 'postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/postgres'
    : 'postgres://postgres@127.0.0.1:5432/postgres');

let servicePid: number | undefined;

async function main(): Promise<void> {
  // Every section but `scale` shares one fresh database and service.
  if (SECTIONS.some((s) => s !== 'scale' && part(s))) await runOnFreshDatabase();
  if (part('scale')) await runScaleBench({ adminUrl: ADMIN_URL, log: (l) => console.log(l) });
}

async function runOnFreshDatabase(): Promise<void> {
  const dbName = `cpd_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const dbUrl = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  watchPostgresDatabase(dbName);
  const service = await startService(dbUrl);
  servicePid = service.pid;
  watchServiceCpu(service.pid);
  const pool = new Pool({ connectionString: dbUrl, max: CONCURRENCY });
  try {
    await runAll(service.url, service.adminToken, pool, dbUrl);
  } finally {
    await pool.end();
    await service.stop();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

async function runAll(url: string, adminToken: string, pool: Pool, dbUrl: string): Promise<void> {
  if (part('scim') || part('member-add')) await runScim(url, adminToken, pool, dbUrl);
  if (part('graphql')) await runGraphql(url, adminToken, dbUrl);
  if (part('activity'))
    await runActivityBench({ url, adminToken, databaseUrl: dbUrl, log: (l) => console.log(l) });
  if (part('webhooks')) await runWebhookBench({ url, adminToken, log: (l) => console.log(l) });
  if (part('exports'))
    await runExportBench({ url, adminToken, databaseUrl: dbUrl, servicePid, log: (l) => console.log(l) });
}

async function runScim(url: string, adminToken: string, pool: Pool, dbUrl: string): Promise<void> {
  const { scimUrl, scimToken, tenantId } = await createBenchTenant(url, adminToken, 'bench', 'Bench');
  const tenant = { id: tenantId };
  const headers = { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' };
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    expect = [200, 201, 204],
    url?: string,
  ) => {
    const res = await fastFetch(url ?? `${scimUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    return expect.includes(res.status);
  };
  const userBody = (i: number) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    externalId: `ext-${i}`,
    userName: `user${i}@bench.example`,
    active: true,
    displayName: `User ${i}`,
    name: { givenName: 'User', familyName: String(i) },
    emails: [{ primary: true, type: 'work', value: `user${i}@bench.example` }],
    phoneNumbers: [{ type: 'mobile', value: `+1 555 01${String(i).padStart(5, '0')}` }],
    preferredLanguage: 'en-US',
  });

  const group = async (name: string) => {
    const res = await fastFetch(`${scimUrl}/Groups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: name,
        members: [],
      }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const addOne = (groupId: string, memberId: string) =>
    call('PATCH', `/Groups/${groupId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: memberId }] }],
    });
  const raw: LoadResult[] = [];
  const results: Array<LoadResult & { ceiling?: LoadResult }> = [];
  if (part('scim')) {
    // The ceiling for create is the same INSERT the service makes — the same user row into the same
    // table, with its indexes and constraints — issued with the raw driver. A bare three-column
    // INSERT into an unindexed table is printed beside it for reference.
    const rawUser = (i: number) => {
      const b = userBody(i);
      return pool.query(
        `insert into app_user (id, tenant_id, source, user_name, external_id, active, display_name, family_name, given_name, emails, phone_numbers, preferred_language)
       values ($1, $2, 'SCIM', $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11)`,
        [
          randomUUID(),
          tenant.id,
          `raw-${b.userName}`,
          b.externalId,
          b.active,
          b.displayName,
          b.name.familyName,
          b.name.givenName,
          JSON.stringify(b.emails),
          JSON.stringify(b.phoneNumbers),
          b.preferredLanguage,
        ],
      );
    };
    await pool.query(
      `create table bench_raw (id uuid primary key, tenant_id uuid not null, v text not null)`,
    );
    const bareInsert = () =>
      pool.query(`insert into bench_raw (id, tenant_id, v) values ($1, $2, $3)`, [
        randomUUID(),
        tenant.id,
        'x',
      ]);
    await warm((i) => rawUser(-1 - i));
    const rawInsert = await measure('raw pg INSERT (same user row)', async (i) => {
      await rawUser(i);
      return true;
    });
    raw.push(rawInsert);
    await warm(() => bareInsert());
    raw.push(
      await measure('raw pg INSERT (3-column table, reference)', async () => {
        await bareInsert();
        return true;
      }),
    );

    // The change feed's write overhead: 1,000 member-added events as one INSERT … SELECT, the shape
    // a 1,000-member PATCH adds to its membership statement (the group's state and a member each).
    const eventBatch = () =>
      pool.query(
        `insert into audit_event (tenant_id, actor, actor_name, action, resource_type, resource_id, changed_fields, request_id, data)
       select $1::uuid, 'scim:bench', 'bench token', 'group.member_added', 'Group', $2::text, '{members}', 'bench',
         jsonb_build_object('group', jsonb_build_object('id', $2::text, 'displayName', 'Bench group', 'version', 2),
           'member', jsonb_build_object('type', 'User', 'id', gen_random_uuid(), 'display', 'User ' || g))
       from generate_series(1, 1000) g`,
        [tenant.id, randomUUID()],
      );
    await runLoad('warm-up', 20, 4, async () => (await eventBatch(), true));
    raw.push(
      await runLoad('raw pg: 1,000 change events in one INSERT (feed write overhead)', 100, 4, async () => {
        await eventBatch();
        return true;
      }),
    );

    await warm((i) => call('POST', '/Users', userBody(-1 - i)));
    const create = await measure('SCIM create user', (i) => call('POST', '/Users', userBody(i)));
    results.push({ ...create, ceiling: rawInsert });
  } else {
    // The member-add rows need users; SQL makes as many as the SCIM rows would have.
    await pool.query(
      `insert into app_user (id, tenant_id, user_name, external_id, source, emails)
       select gen_random_uuid(), $1, 'user' || g || '@bench.example', 'ext-' || g, 'SCIM', '[]'::jsonb from generate_series(1, $2) g`,
      [tenant.id, N + WARMUP],
    );
  }

  // Steady state for the reads: the creates above leave app_user to autovacuum, which would
  // otherwise analyze it in the middle of whichever run comes next.
  await pool.query('vacuum analyze app_user');
  const ids = (
    await pool.query(
      `select id, user_name, external_id from app_user where tenant_id = $1 and user_name not like 'raw-%' order by created_at`,
      [tenant.id],
    )
  ).rows as Array<{
    id: string;
    user_name: string;
    external_id: string;
  }>;
  if (part('scim')) {
    const selectOne = (i: number) =>
      pool.query(`select * from app_user where tenant_id = $1 and lower(user_name) = lower($2)`, [
        tenant.id,
        ids[i % ids.length]!.user_name,
      ]);
    await warm(selectOne);
    const rawSelect = await measure('raw pg point SELECT', async (i) => (await selectOne(i)).rowCount === 1);
    raw.push(rawSelect);
    const filter = (i: number) =>
      call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${ids[i % ids.length]!.user_name}"`)}`);
    await warm((i) => filter(i + 7));
    results.push({ ...(await measure('SCIM filter userName eq', filter)), ceiling: rawSelect });
    const filterExternal = (i: number) =>
      call(
        'GET',
        `/Users?filter=${encodeURIComponent(`externalId eq "${ids[i % ids.length]!.external_id}"`)}`,
      );
    await warm((i) => filterExternal(i + 7));
    results.push({ ...(await measure('SCIM filter externalId eq', filterExternal)), ceiling: rawSelect });
    const get = (i: number) => call('GET', `/Users/${ids[i % ids.length]!.id}`);
    await warm((i) => get(i + 7));
    results.push({ ...(await measure('SCIM get user by id', get)), ceiling: rawSelect });
    const reference = await startReferenceServer(dbUrl);
    try {
      watchServiceCpu(reference.pid);
      const floor = (i: number) =>
        call('GET', '', undefined, [200], `${reference.url}/${ids[i % ids.length]!.id}`);
      await warm(floor);
      results.push({
        ...(await measure('reference: bare Koa handler, one prepared pg query', floor)),
        ceiling: rawSelect,
      });
    } finally {
      watchServiceCpu(servicePid);
      await reference.stop();
    }
    // Entra's incremental cycle: Replace of the attributes that changed (here two), and a disable
    // with `active` as the string "False", each user touched once per cycle.
    const rename = (i: number) =>
      call('PATCH', `/Users/${ids[i % ids.length]!.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Replace', path: 'displayName', value: `Renamed ${i}` },
          { op: 'Replace', path: 'name.familyName', value: `Family ${i}` },
        ],
      });
    await warm(rename);
    results.push(await measure('SCIM user PATCH (Replace displayName, name.familyName)', rename));
    const disable = (i: number) =>
      call('PATCH', `/Users/${ids[ids.length - 1 - (i % ids.length)]!.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      });
    // Its warm-up re-enables, so the measured run really flips every user it touches.
    await warm((i) =>
      call('PATCH', `/Users/${ids[ids.length - 1 - (i % ids.length)]!.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
      }),
    );
    results.push(await measure('SCIM user PATCH (Replace active "False")', disable));

    // Entra looks a group up by name, without its members, before creating or patching it.
    const named = await Promise.all(Array.from({ length: 200 }, (_, i) => group(`Team ${i}`)));
    const filterGroup = (i: number) =>
      call(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "Team ${i % named.length}"`)}`,
      );
    await warm((i) => filterGroup(i + 7));
    results.push({
      ...(await measure('SCIM filter Groups displayName eq, excludedAttributes=members', filterGroup)),
      ceiling: rawSelect,
    });
  }
  if (part('member-add')) {
    const warmGroup = await group('warm-up adds');
    await warm((i) => addOne(warmGroup, ids[i % ids.length]!.id));
    const g1 = await group('single-member adds');
    results.push(
      await runLoad(`group PATCH add 1 member (c=${CONCURRENCY})`, ids.length, CONCURRENCY, (i) =>
        addOne(g1, ids[i]!.id),
      ),
    );
    // 100 PATCHes: with 20 the figure moved by a third between runs of the same build.
    const bulkGroups = await Promise.all(Array.from({ length: 100 }, (_, i) => group(`bulk ${i}`)));
    results.push(
      await runLoad('group PATCH add 1,000 members', bulkGroups.length, 4, (i) =>
        call('PATCH', `/Groups/${bulkGroups[i]}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'Add', path: 'members', value: ids.slice(0, 1000).map((u) => ({ value: u.id })) },
          ],
        }),
      ),
    );

    // Group size must not change PATCH or GET cost: compare a 1,000-member and a 100,000-member group.
    await seedUsers(pool, tenant.id, 100_000);
    const small = await group('one thousand');
    const large = await group('one hundred thousand');
    await pool.query(
      `insert into membership (tenant_id, group_id, member_user_id)
     select $1, $2, id from (select id from app_user where tenant_id = $1 and user_name like 'seed%' order by id limit 1000) s`,
      [tenant.id, small],
    );
    await pool.query(
      `insert into membership (tenant_id, group_id, member_user_id)
     select $1, $2, id from app_user where tenant_id = $1 and user_name like 'seed%'`,
      [tenant.id, large],
    );
    await pool.query('analyze');
    for (const [label, gid] of [
      ['1,000', small],
      ['100,000', large],
    ] as const) {
      results.push(
        await runLoad(`group PATCH add 1 member, group of ${label}`, 500, CONCURRENCY, (i) =>
          addOne(gid!, ids[i]!.id),
        ),
      );
      results.push(
        await runLoad(`GET group excludedAttributes=members, group of ${label}`, N, CONCURRENCY, () =>
          call('GET', `/Groups/${gid}?excludedAttributes=members`),
        ),
      );
    }
  }

  console.log(
    `\nSCIM workloads (concurrency ${CONCURRENCY}, ${N} requests each after ${WARMUP} untimed warm-up requests, unless noted)\n`,
  );
  console.log(table([...raw, ...results]));
  console.log(entraTargets(results));
}

/**
 * The issue-12 targets, as ratios of CPU per request (service + PostgreSQL) from this one run: the
 * load generator's share is left out, and on two saturated cores CPU per request is what sets the
 * throughput each path can reach.
 */
function entraTargets(results: LoadResult[]): string {
  const cpu = (name: string) => {
    const r = results.find((x) => x.name.startsWith(name));
    return r?.cpuMsPerRequest ? r.cpuMsPerRequest.service + r.cpuMsPerRequest.postgres : undefined;
  };
  const get = cpu('SCIM get user by id');
  const rows: Array<[string, string, number]> = [
    ['SCIM filter userName eq', 'SCIM get user by id', 1.15],
    ['SCIM filter externalId eq', 'SCIM get user by id', 1.15],
    ['SCIM filter Groups displayName eq', 'SCIM get user by id', 1.15],
    ['SCIM get user by id', 'reference: bare Koa', 1.3],
    ['SCIM user PATCH (Replace displayName', 'SCIM get user by id', 2],
    ['SCIM user PATCH (Replace active', 'SCIM get user by id', 2],
    ['SCIM create user', 'SCIM get user by id', 2.5],
  ];
  if (get === undefined) return '';
  const lines = [
    '\nEntra paths, CPU per request (service + PostgreSQL) against the baseline, this run\n',
    '| path | CPU ms | baseline | baseline CPU ms | ratio | target | met |',
    '|---|---:|---|---:|---:|---:|---|',
  ];
  for (const [name, base, target] of rows) {
    const a = cpu(name);
    const b = cpu(base);
    if (a === undefined || b === undefined) continue;
    const ratio = a / b;
    lines.push(
      `| ${name} | ${a.toFixed(3)} | ${base} | ${b.toFixed(3)} | ${ratio.toFixed(2)}× | ≤ ${target}× | ${ratio <= target ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

async function seedUsers(pool: Pool, tenantId: string, n: number): Promise<void> {
  await pool.query(
    `insert into app_user (id, tenant_id, user_name, source, emails)
     select gen_random_uuid(), $1, 'seed' || g || '@bench.example', 'SCIM', '[]'::jsonb from generate_series(1, $2) g`,
    [tenantId, n],
  );
}

/** The GraphQL workloads live beside this file when that façade's bench is present. */
async function runGraphql(url: string, adminToken: string, dbUrl: string): Promise<void> {
  let mod: {
    runGraphqlBench?: (opts: {
      url: string;
      adminToken: string;
      databaseUrl: string;
      log: (l: string) => void;
    }) => Promise<void>;
  };
  try {
    // Optional module: a plain require keeps this file compiling whether or not it exists.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, resolved at run time
    mod = require('./graphql') as typeof mod;
  } catch {
    return;
  }
  await mod.runGraphqlBench?.({ url, adminToken, databaseUrl: dbUrl, log: (l) => console.log(l) });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
