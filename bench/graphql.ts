import { fastFetch } from './http-client';
import { createBenchApiKey, createBenchTenant, gql } from './tenant';
import { Client } from 'pg';
import { runLoad, table, type LoadResult } from './load';

/**
 * GraphQL workloads for `npm run bench` (called by bench/run.ts with a running service):
 * - a page of 100 users with their roles and direct groups;
 * - checkMembership of one user against 50 group ids;
 * - memberCount(ALL) of a group holding 100,000 users through 3 levels of nesting;
 * - a user's groups at depth ALL and INHERITED (its team directly, its division and the top through nesting);
 * - checkMembership(asOf) over a membership history of 1,000,000 intervals.
 * Self-sufficient: creates its own tenant and API key over GraphQL, and bulk-seeds with SQL.
 */
export interface GraphqlBenchOptions {
  url: string;
  adminToken: string;
  /** The service's database (seeding 100,000 users through GraphQL would take minutes). */
  databaseUrl: string;
  log: (line: string) => void;
}

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const USERS = Number(process.env.BENCH_GRAPHQL_USERS ?? 100_000);
const DIVISIONS = 10;
const TEAMS_PER_DIVISION = 10;

interface Seeded {
  top: string;
  /** For each sampled user: its team, its division and the top group (the groups it is in). */
  samples: Array<{ userId: string; groups: string[] }>;
  unrelated: string[];
}

/**
 * All staff ⊃ 10 divisions ⊃ 10 teams each ⊃ 1,000 users each (100,000 users, 3 levels of groups);
 * 400 unrelated project groups, each user of the first 2,000 in two of them; two roles per user.
 */
async function seed(db: Client, tenantId: string): Promise<Seeded> {
  const teams = DIVISIONS * TEAMS_PER_DIVISION;
  await db.query(
    `insert into app_user (id, tenant_id, user_name, display_name, source)
     select gen_random_uuid(), $1, 'gql' || g || '@bench.example', 'Bench User ' || g, 'SCIM'
     from generate_series(1, $2) g`,
    [tenantId, USERS],
  );
  const group = async (name: string) =>
    (
      await db.query<{ id: string }>(
        `insert into "group" (id, tenant_id, display_name, source) values (gen_random_uuid(), $1, $2, 'SCIM') returning id`,
        [tenantId, name],
      )
    ).rows[0]!.id;
  const nest = (parent: string, child: string) =>
    db.query(`insert into membership (tenant_id, group_id, member_group_id) values ($1, $2, $3)`, [
      tenantId,
      parent,
      child,
    ]);
  const top = await group('All staff');
  const teamIds: string[] = [];
  const divisionOf: string[] = [];
  for (let d = 0; d < DIVISIONS; d++) {
    const division = await group(`Division ${d}`);
    await nest(top, division);
    for (let t = 0; t < TEAMS_PER_DIVISION; t++) {
      const team = await group(`Team ${d}-${t}`);
      await nest(division, team);
      teamIds.push(team);
      divisionOf.push(division);
    }
  }
  // Users in creation order, spread evenly over the teams.
  await db.query(
    `insert into membership (tenant_id, group_id, member_user_id)
     select $1, ($2::uuid[])[(1 + (row_number() over (order by created_at, id) - 1) % $3)::int], id
     from app_user where tenant_id = $1`,
    [tenantId, teamIds, teams],
  );
  const unrelated: string[] = [];
  for (let i = 0; i < 400; i++) unrelated.push(await group(`Project ${i}`));
  await db.query(
    `insert into membership (tenant_id, group_id, member_user_id)
     select $1, p.gid, u.id
     from (select id, row_number() over (order by created_at, id) as n from app_user where tenant_id = $1 order by created_at, id limit 2000) u
     cross join lateral (select unnest(array[($2::uuid[])[(1 + u.n % 400)::int], ($2::uuid[])[(1 + (u.n + 7) % 400)::int]]) as gid) p`,
    [tenantId, unrelated],
  );
  for (const value of ['Reader', 'Editor', 'Admin']) {
    await db.query(`insert into role (id, tenant_id, value) values (gen_random_uuid(), $1, $2)`, [
      tenantId,
      value,
    ]);
  }
  await db.query(
    `insert into user_role (tenant_id, user_id, role_id, "primary")
     select $1, u.id, r.id, r.value = 'Reader' from app_user u join role r on r.tenant_id = u.tenant_id
     where u.tenant_id = $1 and (r.value = 'Reader' or (r.value = 'Admin') = (u.user_name like '%7@bench.example'))`,
    [tenantId],
  );
  await db.query('analyze');
  const sample = await db.query<{ user_id: string; team: string }>(
    `select m.member_user_id as user_id, m.group_id as team from membership m
     where m.tenant_id = $1 and m.member_user_id is not null and m.group_id = any($2::uuid[])
     order by random() limit 200`,
    [tenantId, teamIds],
  );
  return {
    top,
    samples: sample.rows.map((r) => ({
      userId: r.user_id,
      groups: [r.team, divisionOf[teamIds.indexOf(r.team)]!, top],
    })),
    unrelated,
  };
}

const HISTORY_ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
const SLOTS = 12;

/**
 * HISTORY_ROWS closed intervals over the tenant's users: each user gets a share of twelve
 * month-long slots of the past year, each slot in one project group (no pair overlaps itself).
 * Returns an instant inside one slot, where each user is in about one project group.
 */
async function seedHistory(
  databaseUrl: string,
  tenantId: string,
  projects: string[],
): Promise<{ rows: number; seconds: number; asOf: Date }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const started = performance.now();
    const base = Date.now() - 400 * 86_400_000;
    const res = await db.query(
      `insert into membership_interval (tenant_id, group_id, member_user_id, valid_from, valid_to, added_by, removed_by)
       select $1, ($2::uuid[])[(1 + (u.n * 7 + k * 37) % $3)::int], u.id,
         to_timestamp($4::float8 / 1000) + (k * 30) * interval '1 day',
         to_timestamp($4::float8 / 1000) + (k * 30 + 20) * interval '1 day', 'bench:seed', 'bench:seed'
       from (select id, row_number() over (order by id) as n from app_user where tenant_id = $1) u
       cross join generate_series(0, $5 - 1) k
       limit $6`,
      [tenantId, projects, projects.length, base, SLOTS, HISTORY_ROWS],
    );
    await db.query('analyze membership_interval');
    return {
      rows: res.rowCount ?? 0,
      seconds: (performance.now() - started) / 1000,
      asOf: new Date(base + (5 * 30 + 10) * 86_400_000),
    };
  } finally {
    await db.end();
  }
}

/** Runs the GraphQL workloads against a running service and prints a table through `log`. */
export async function runGraphqlBench(opts: GraphqlBenchOptions): Promise<void> {
  const { url, log } = opts;
  const { tenantId } = await createBenchTenant(
    url,
    opts.adminToken,
    `gql-bench-${Date.now().toString(36)}`,
    'GraphQL bench',
  );
  const key = await createBenchApiKey(url, opts.adminToken, tenantId, 'bench', ['DIRECTORY_READ']);
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  let seeded: Seeded;
  try {
    const started = performance.now();
    seeded = await seed(db, tenantId);
    log(
      `GraphQL bench: seeded ${USERS} users in 3 levels of groups in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end();
  }

  const post = async (
    query: string,
    variables: Record<string, unknown>,
    check: (data: unknown) => boolean,
  ) => {
    const res = await fastFetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    return res.status === 200 && !body.errors && check(body.data);
  };

  const PAGE = `query($after: String) { users(first: 100, after: $after) { pageInfo { endCursor }
    edges { node { id userName displayName roles { value primary } groups { edges { node { id displayName } } } } } } }`;
  // Page through the first 2,000 users (20 different pages) so caches do not flatter the numbers.
  const cursors: Array<string | null> = [null];
  for (let i = 0; i < 19; i++) {
    const data = await gql<{ users: { pageInfo: { endCursor: string } } }>(url, key, PAGE, {
      after: cursors[i],
    });
    cursors.push(data.users.pageInfo.endCursor);
  }
  const results: LoadResult[] = [];
  results.push(
    await runLoad('users page of 100 with roles + direct groups', Math.min(N, 1000), CONCURRENCY, (i) =>
      post(
        PAGE,
        { after: cursors[i % cursors.length] },
        (d) => (d as { users: { edges: unknown[] } }).users.edges.length === 100,
      ),
    ),
  );

  const CHECK = `query($u: ID!, $g: [ID!]!) { checkMembership(userId: $u, groupIds: $g) }`;
  results.push(
    await runLoad('checkMembership, 50 group ids', N, CONCURRENCY, (i) => {
      const s = seeded.samples[i % seeded.samples.length]!;
      const ids = [...seeded.unrelated.slice((i * 7) % 350, ((i * 7) % 350) + 47), ...s.groups];
      return post(
        CHECK,
        { u: s.userId, g: ids },
        (d) => (d as { checkMembership: string[] }).checkMembership.length >= 3,
      );
    }),
  );

  const COUNT = `query($g: ID!) { group(id: $g) { memberCount(membership: ALL) } }`;
  results.push(
    await runLoad(
      `memberCount(ALL), ${USERS} users through 3 levels`,
      Math.min(N, 300),
      Math.min(CONCURRENCY, 8),
      () =>
        post(
          COUNT,
          { g: seeded.top },
          (d) => (d as { group: { memberCount: number } }).group.memberCount === USERS,
        ),
    ),
  );

  const USER_GROUPS = `query($u: ID!, $m: MembershipDepth!) { user(id: $u) { groups(membership: $m, first: 50) {
    totalCount edges { node { id displayName } } } } }`;
  // Each sampled user is in a team (so in its division and the top), and may be in project groups.
  for (const [depth, atLeast] of [
    ['ALL', 3],
    ['INHERITED', 2],
  ] as const) {
    results.push(
      await runLoad(`user.groups(${depth}), 3 levels, ${USERS} users`, N, CONCURRENCY, (i) => {
        const s = seeded.samples[i % seeded.samples.length]!;
        return post(
          USER_GROUPS,
          { u: s.userId, m: depth },
          (d) => (d as { user: { groups: { totalCount: number } } }).user.groups.totalCount >= atLeast,
        );
      }),
    );
  }

  // Membership history: a million closed intervals (a year of churn in the project groups), then
  // checkMembership at an instant inside it. Seeded with SQL straight into the interval table.
  const history = await seedHistory(opts.databaseUrl, tenantId, seeded.unrelated);
  log(`GraphQL bench: seeded ${history.rows} membership intervals in ${history.seconds.toFixed(1)} s`);
  const CHECK_AT = `query($u: ID!, $g: [ID!]!, $at: DateTimeISO) { checkMembership(userId: $u, groupIds: $g, asOf: $at) }`;
  const checkAt = (i: number) => {
    const s = seeded.samples[i % seeded.samples.length]!;
    const ids = [...seeded.unrelated.slice((i * 7) % 350, ((i * 7) % 350) + 47), ...s.groups];
    return post(CHECK_AT, { u: s.userId, g: ids, at: history.asOf.toISOString() }, (d) =>
      Array.isArray((d as { checkMembership: string[] }).checkMembership),
    );
  };
  for (const c of [1, CONCURRENCY]) {
    results.push(
      await runLoad(
        `checkMembership(asOf), 50 group ids, ${history.rows} intervals (c=${c})`,
        Math.min(N, 1000),
        c,
        checkAt,
      ),
    );
  }

  log(`\nGraphQL workloads (concurrency ${CONCURRENCY} unless noted; requests per row in the table)\n`);
  log(table(results));
}
