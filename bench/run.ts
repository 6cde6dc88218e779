import { runActivityBench } from './activity';
import { runExportBench } from './exports';
import { runWebhookBench } from './webhooks';
import { fastFetch } from './http-client';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client, Pool } from 'pg';
import { runLoad, table, watchServiceCpu, type LoadResult } from './load';
import { startReferenceServer, startService } from './service';

/**
 * `npm run bench`: starts the service on the local PostgreSQL, loads Entra-shaped SCIM traffic and
 * prints req/s and p50/p95/p99 per workload, next to the raw `pg` ceiling at the same concurrency.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const N = Number(process.env.BENCH_REQUESTS ?? 5000);
/** `BENCH_ONLY=exports` runs only the export workloads (to iterate on them without the rest). */
const ONLY = process.env.BENCH_ONLY;
/** Untimed requests of the same shape before each measured run: V8 and PostgreSQL's caches warm up. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);

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
  const dbName = `cpd_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const dbUrl = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
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
  const exportsBench = () =>
    runExportBench({ url, adminToken, databaseUrl: dbUrl, servicePid, log: (l) => console.log(l) });
  if (ONLY === 'exports') return exportsBench();
  const created = (await (
    await fastFetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: `mutation { createTenant(input: { slug: "bench", name: "Bench" }) { tenant { id } scimUrl scimToken } }`,
      }),
    })
  ).json()) as { data: { createTenant: { scimUrl: string; scimToken: string; tenant: { id: string } } } };
  const { scimUrl, scimToken, tenant } = created.data.createTenant;
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
  });

  // The ceiling for create is the same INSERT the service makes — the same user row into the same
  // table, with its indexes and constraints — issued with the raw driver. A bare three-column
  // INSERT into an unindexed table is printed beside it for reference.
  const rawUser = (i: number) => {
    const b = userBody(i);
    return pool.query(
      `insert into app_user (id, tenant_id, source, user_name, external_id, active, display_name, family_name, given_name, emails)
       values ($1, $2, 'SCIM', $3, $4, $5, $6, $7, $8, $9::jsonb)`,
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
      ],
    );
  };
  await pool.query(`create table bench_raw (id uuid primary key, tenant_id uuid not null, v text not null)`);
  const bareInsert = () =>
    pool.query(`insert into bench_raw (id, tenant_id, v) values ($1, $2, $3)`, [
      randomUUID(),
      tenant.id,
      'x',
    ]);
  const raw: LoadResult[] = [];
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

  const results: Array<LoadResult & { ceiling?: LoadResult }> = [];
  await warm((i) => call('POST', '/Users', userBody(-1 - i)));
  const create = await measure('SCIM create user', (i) => call('POST', '/Users', userBody(i)));
  results.push({ ...create, ceiling: rawInsert });

  // Steady state for the reads: the creates above leave app_user to autovacuum, which would
  // otherwise analyze it in the middle of whichever run comes next.
  await pool.query('vacuum analyze app_user');
  const ids = (
    await pool.query(
      `select id, user_name from app_user where tenant_id = $1 and user_name not like 'raw-%' order by created_at`,
      [tenant.id],
    )
  ).rows as Array<{
    id: string;
    user_name: string;
  }>;
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
  const rename = (i: number) =>
    call('PATCH', `/Users/${ids[i % ids.length]!.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${i}` }],
    });
  await warm(rename);
  results.push(await measure('SCIM user PATCH (replace displayName)', rename));

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
        Operations: [{ op: 'Add', path: 'members', value: ids.slice(0, 1000).map((u) => ({ value: u.id })) }],
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

  console.log(
    `\nSCIM workloads (concurrency ${CONCURRENCY}, ${N} requests each after ${WARMUP} untimed warm-up requests, unless noted)\n`,
  );
  console.log(table([...raw, ...results]));
  await runGraphql(url, adminToken, dbUrl);
  await runActivityBench({ url, adminToken, databaseUrl: dbUrl, log: (l) => console.log(l) });
  await runWebhookBench({ url, adminToken, log: (l) => console.log(l) });
  await exportsBench();
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
