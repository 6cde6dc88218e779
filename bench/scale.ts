import { loadavg } from 'node:os';
import { Client } from 'pg';
import { rssMb } from './exports';
import { fastFetch } from './http-client';
import { seedScaleFixture, scaleGroupName, scaleUser, type ScaleFixtureSize } from './scale-fixture';
import { startService } from './service';
import { createBenchApiKey, createBenchTenant, existingBenchTenant, gql, type BenchTenant } from './tenant';

/**
 * Issue 15: reads of one tenant of a million users. Every row is one request at a time through the
 * HTTP app (SCIM with the tenant's Secret Token, GraphQL with a DIRECTORY_READ key), timed
 * BENCH_SCALE_REPEAT times (5): best and median. Target: every request under 100 ms (best of 5,
 * as the issue measured), and an Okta-style walk of every user by startIndex in under 2 minutes.
 *
 * The fixture (bench/scale-fixture.ts) lives in a database of its own, BENCH_SCALE_DATABASE
 * (cpd_bench_scale), kept between runs: a comment on the database records its size, and a run
 * whose size matches reuses it (BENCH_SCALE_RESEED=1 seeds it again). The service migrates it on
 * start, so a run after new migrations measures them on the same data.
 */
export interface ScaleBenchOptions {
  /** A maintenance database URL on the server (the fixture database is created beside it). */
  adminUrl: string;
  log: (line: string) => void;
}

const SIZE: ScaleFixtureSize = {
  users: Number(process.env.BENCH_SCALE_USERS ?? 1_000_000),
  groups: Number(process.env.BENCH_SCALE_GROUPS ?? 1000),
  memberships: Number(process.env.BENCH_SCALE_MEMBERSHIPS ?? 1_000_000),
};
const DB_NAME = process.env.BENCH_SCALE_DATABASE ?? 'cpd_bench_scale';
const RESEED = process.env.BENCH_SCALE_RESEED === '1';
const REPEAT = Number(process.env.BENCH_SCALE_REPEAT ?? 5);
/** BENCH_SCALE_WALK=0 skips the walk; it stops after WALK_SECONDS or WALK_PAGES and projects the rest. */
const WALK = process.env.BENCH_SCALE_WALK !== '0';
const WALK_SECONDS = Number(process.env.BENCH_SCALE_WALK_SECONDS ?? 300);
const WALK_PAGES = Number(process.env.BENCH_SCALE_WALK_PAGES ?? Infinity);
/** Pages timed across the part of the walk not done, for its projection. */
const WALK_SAMPLES = 20;
const TARGET_MS = 100;
const WALK_TARGET_S = 120;
/** Bumped when the fixture's shape changes, so an old one is seeded again. */
const FIXTURE_VERSION = 2;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface Marker extends ScaleFixtureSize {
  version: number;
  tenantId: string;
  seedSeconds: number;
}

interface Fixture {
  dbUrl: string;
  marker: Marker;
  reused: boolean;
}

async function readMarker(admin: Client): Promise<Marker | undefined> {
  const res = await admin.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [DB_NAME],
  );
  const comment = res.rows[0]?.comment;
  if (!comment) return undefined;
  try {
    return JSON.parse(comment) as Marker;
  } catch {
    return undefined;
  }
}

/** The fixture database, reused when its marker says it holds this size, else (re)created and seeded. */
async function fixture(
  adminUrl: string,
  start: (dbUrl: string) => Promise<{ url: string; adminToken: string }>,
  log: (l: string) => void,
): Promise<Fixture & { service: { url: string; adminToken: string }; tenant: BenchTenant }> {
  const dbUrl = adminUrl.replace(/\/[^/?]*(\?|$)/, `/${DB_NAME}$1`);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const marker = await readMarker(admin);
    const fits =
      marker !== undefined &&
      marker.version === FIXTURE_VERSION &&
      marker.users === SIZE.users &&
      marker.groups === SIZE.groups &&
      marker.memberships === SIZE.memberships;
    if (fits && !RESEED) {
      log(`Scale bench: reusing ${DB_NAME} (seeded in ${marker.seedSeconds.toFixed(0)} s)`);
      const service = await start(dbUrl);
      // Migrations that ran on start may have added indexes on expressions: give them statistics.
      const db = new Client({ connectionString: dbUrl });
      await db.connect();
      await db.query('analyze').finally(() => db.end());
      const tenant = await existingBenchTenant(service.url, service.adminToken, marker.tenantId);
      return { dbUrl, marker, reused: true, service, tenant };
    }
    await admin.query(`drop database if exists "${DB_NAME}" with (force)`);
    await admin.query(`create database "${DB_NAME}"`);
    const started = performance.now();
    const service = await start(dbUrl);
    const tenant = await createBenchTenant(service.url, service.adminToken, 'scale', 'Scale bench');
    log(
      `Scale bench: seeding ${SIZE.users} users, ${SIZE.groups} groups, ${SIZE.memberships} memberships into ${DB_NAME}`,
    );
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await seedScaleFixture(db, tenant.tenantId, SIZE, log);
    } finally {
      await db.end();
    }
    const fresh: Marker = {
      ...SIZE,
      version: FIXTURE_VERSION,
      tenantId: tenant.tenantId,
      seedSeconds: (performance.now() - started) / 1000,
    };
    // Written last: a seed that failed half-way leaves no marker, so the next run starts over.
    await admin.query(`comment on database "${DB_NAME}" is '${JSON.stringify(fresh)}'`);
    return { dbUrl, marker: fresh, reused: false, service, tenant };
  } finally {
    await admin.end();
  }
}

interface Row {
  name: string;
  /** Sends the request once; resolves to an error text, or undefined when the answer is right. */
  send: () => Promise<string | undefined>;
  /** Untimed set-up before the first send (e.g. reading a cursor). */
  prepare?: () => Promise<void>;
}

interface Timed {
  name: string;
  best: number;
  median: number;
  error?: string;
}

async function time(row: Row): Promise<Timed> {
  const ms: number[] = [];
  let error: string | undefined;
  try {
    await row.prepare?.();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    try {
      error = (await row.send()) ?? error;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return {
    name: row.name,
    best: ms[0]!,
    median: ms[Math.floor(ms.length / 2)]!,
    ...(error ? { error } : {}),
  };
}

interface ScimList {
  totalResults: number;
  Resources?: Array<Record<string, unknown>>;
}

/** The rows: each request of the issue's table first, then the wider sweep. */
function rows(url: string, tenant: BenchTenant, apiKey: string): Row[] {
  const N = SIZE.users;
  const half = Math.floor(N / 2) + 1;
  const last = Math.max(1, N - 99);
  const u = (n: number) => scaleUser(n);
  // Users numbered 1..N with n % 200 = 42, the name.familyName eq "Fam42" matches.
  const fam42 = N >= 42 ? Math.floor((N - 42) / 200) + 1 : 0;
  const probe = Math.max(1, Math.floor(N * 0.42424));
  const sw7 = String(Math.max(1, Math.floor(N * 0.0777779)));

  const scim = (
    path: string,
    check: (body: ScimList) => string | undefined = () => undefined,
  ): Row['send'] => {
    return async () => {
      const res = await fastFetch(`${tenant.scimUrl}${path}`, {
        headers: { authorization: `Bearer ${tenant.scimToken}` },
      });
      const text = await res.text();
      if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 160)}`;
      return check(JSON.parse(text) as ScimList);
    };
  };
  const q = (filter: string) => encodeURIComponent(filter);
  const names = (b: ScimList) => (b.Resources ?? []).map((r) => String(r.userName ?? r.displayName));
  const expect =
    (what: string, ok: (b: ScimList) => boolean) =>
    (b: ScimList): string | undefined =>
      ok(b) ? undefined : `unexpected answer (${what}): total ${b.totalResults}, first ${names(b)[0]}`;
  const some = expect('some match', (b) => (b.Resources ?? []).length > 0);
  const full = expect('a full page', (b) => (b.Resources ?? []).length === Math.min(100, N));

  const graphql = (
    query: string,
    variables: Record<string, unknown>,
    check: (data: Record<string, unknown>) => string | undefined = () => undefined,
  ): Row['send'] => {
    return async () => {
      const res = await fastFetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (res.status !== 200 || body.errors || !body.data) return `HTTP ${res.status}: ${text.slice(0, 160)}`;
      return check(body.data);
    };
  };
  type Conn = { totalCount?: number; edges: Array<{ node: { userName?: string } }> };
  const conn = (d: Record<string, unknown>) => (d.users ?? d.groups) as Conn;
  const gqlSome = (d: Record<string, unknown>) => (conn(d).edges.length > 0 ? undefined : 'no edges');
  // GraphQL refuses declared variables a query does not use: declare those the arguments name.
  const USERS = (args: string, total: boolean) => {
    const vars = [
      ['$f', 'UserFilter'],
      ['$s', 'String'],
      ['$after', 'String'],
    ].filter(([v]) => new RegExp(`\\${v}\\b`).test(args));
    const decl = vars.length ? `(${vars.map(([v, t]) => `${v}: ${t}`).join(', ')})` : '';
    return `query${decl} { users(${args}) { ${total ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } edges { node { id userName displayName } } } }`;
  };

  const list: Row[] = [
    // The issue's table.
    {
      name: 'GET /Users?startIndex=1&count=100 (exact totalResults)',
      send: scim(
        '/Users?startIndex=1&count=100',
        expect(`total ${N}, from user 1`, (b) => b.totalResults === N && names(b)[0] === u(1).userName),
      ),
    },
    {
      name: `GET /Users?startIndex=${half}&count=100`,
      send: scim(
        `/Users?startIndex=${half}&count=100`,
        expect(`from user ${half}`, (b) => names(b)[0] === u(half).userName),
      ),
    },
    {
      name: `GET /Users?startIndex=${last}&count=100`,
      send: scim(
        `/Users?startIndex=${last}&count=100`,
        expect(`to user ${N}`, (b) => names(b).at(-1) === u(N).userName),
      ),
    },
    {
      name: `GET /Users?filter=displayName sw "User ${sw7}"&count=10`,
      send: scim(`/Users?filter=${q(`displayName sw "User ${sw7}"`)}&count=10`, some),
    },
    {
      name: `GET /Users?filter=name.familyName eq "Fam42"&count=100 (${fam42} matches)`,
      send: scim(
        `/Users?filter=${q('name.familyName eq "Fam42"')}&count=100`,
        expect(`${fam42} matches`, (b) => b.totalResults === fam42),
      ),
    },
    {
      name: `GraphQL users(first: 20, filter: { displayName: { startsWith: "User ${sw7}" } })`,
      send: graphql(
        USERS('first: 20, filter: $f', false),
        { f: { displayName: { startsWith: `User ${sw7}` } } },
        gqlSome,
      ),
    },
    {
      name: 'GraphQL users(scimFilter: "name.familyName eq \\"Fam42\\"") (first 50, with totalCount)',
      send: graphql(USERS('scimFilter: $s', true), { s: 'name.familyName eq "Fam42"' }, (d) =>
        conn(d).totalCount === fam42 ? undefined : `totalCount ${conn(d).totalCount}, expected ${fam42}`,
      ),
    },
    {
      name: 'GraphQL users(scimFilter: "name.familyName eq \\"Fam42\\"") (first 50, no totalCount)',
      send: graphql(USERS('scimFilter: $s', false), { s: 'name.familyName eq "Fam42"' }, gqlSome),
    },
  ];

  // SCIM filters: co and ew, then eq and sw on each attribute an Entra or Okta tenant filters on.
  const p = u(probe);
  const filters = [
    `userName co "r${probe}@"`,
    `displayName ew " ${probe}"`,
    `emails co "${probe}@scale"`,
    `emails.value co "${probe}@scale"`,
    `userName eq "${p.userName}"`,
    `userName sw "user${probe}"`,
    `title eq "${p.title}"`,
    `title sw "${p.title.slice(0, 4)}"`,
    `${ENTERPRISE}:department eq "${p.department}"`,
    `${ENTERPRISE}:department sw "Dept 4"`,
    `${ENTERPRISE}:employeeNumber eq "${p.employeeNumber}"`,
    `${ENTERPRISE}:employeeNumber sw "${p.employeeNumber.slice(0, 6)}"`,
    `externalId eq "${p.externalId}"`,
    `externalId sw "ext-${probe}"`,
    `emails[type eq "work"].value eq "${p.userName}"`,
    `emails.value eq "${p.userName}"`,
    `emails.value sw "user${probe}"`,
    `name.givenName eq "${p.givenName}"`,
    `active eq false`,
  ];
  const short = (t: string) => t.replace(`${ENTERPRISE}:`, 'enterprise:');
  for (const f of filters) {
    list.push({
      name: `GET /Users?filter=${short(f)}&count=100`,
      send: scim(`/Users?filter=${q(f)}&count=100`, some),
    });
  }

  // Each sortable attribute: the first page and one half-way down.
  const sorts = [
    'userName',
    'displayName',
    'name.familyName',
    'name.givenName',
    'title',
    'externalId',
    `${ENTERPRISE}:employeeNumber`,
    `${ENTERPRISE}:department`,
    'active',
    'meta.created',
    'meta.lastModified',
  ];
  for (const s of sorts) {
    for (const start of [1, half]) {
      list.push({
        name: `GET /Users?sortBy=${short(s)}&startIndex=${start}&count=100`,
        send: scim(`/Users?sortBy=${q(s)}&startIndex=${start}&count=100`, full),
      });
    }
  }

  // Groups: Entra's and Okta's list and lookups, members left out (each group has ~1,000).
  const g42 = scaleGroupName(42);
  for (const [path, check] of [
    ['/Groups?excludedAttributes=members&startIndex=1&count=100', full],
    [`/Groups?excludedAttributes=members&filter=${q(`displayName eq "${g42}"`)}`, some],
    [`/Groups?excludedAttributes=members&filter=${q('displayName sw "Group 42"')}`, some],
    [`/Groups?excludedAttributes=members&filter=${q('displayName co "Engineering"')}&count=100`, some],
    [`/Groups?filter=${q(`displayName eq "${g42}"`)}`, some],
  ] as const) {
    list.push({ name: `GET ${decodeURIComponent(path)}`, send: scim(path, check) });
  }

  // GraphQL connections: with and without totalCount, typed filters, an order, a deep cursor.
  const typed: Array<[string, Record<string, unknown>]> = [
    ['none', {}],
    ['familyName equals Fam42', { familyName: { equals: 'Fam42' } }],
    [`email contains "${probe}@scale"`, { email: { contains: `${probe}@scale` } }],
    [`title equals "${p.title}"`, { title: { equals: p.title } }],
    [`department startsWith "Dept 4"`, { department: { startsWith: 'Dept 4' } }],
    [`employeeNumber equals "${p.employeeNumber}"`, { employeeNumber: { equals: p.employeeNumber } }],
    [`externalId equals "${p.externalId}"`, { externalId: { equals: p.externalId } }],
    [`userName startsWith "user${probe}"`, { userName: { startsWith: `user${probe}` } }],
  ];
  for (const [label, f] of typed) {
    for (const total of [false, true]) {
      list.push({
        name: `GraphQL users(first: 100, filter: ${label})${total ? ' + totalCount' : ''}`,
        send: graphql(USERS('first: 100, filter: $f', total), { f }, gqlSome),
      });
    }
  }
  list.push({
    name: 'GraphQL users(first: 100, orderBy: DISPLAY_NAME)',
    send: graphql(
      `
        query {
          users(first: 100, orderBy: { field: DISPLAY_NAME }) {
            edges {
              node {
                id
                userName
              }
            }
          }
        }
      `,
      {},
      gqlSome,
    ),
  });
  list.push({
    name: `GraphQL groups(first: 100, filter: displayName startsWith "Group 4") + totalCount`,
    send: graphql(
      `
        query {
          groups(first: 100, filter: { displayName: { startsWith: "Group 4" } }) {
            totalCount
            edges {
              node {
                id
                displayName
              }
            }
          }
        }
      `,
      {},
      gqlSome,
    ),
  });
  // The cursor of user `half - 1` in the default order, read through the API (so whatever a cursor
  // holds, it is one the service made): the page after it starts half-way down.
  let deepCursor = '';
  list.push({
    name: `GraphQL users(first: 100, after: cursor of user ${half - 1}) (deep cursor page)`,
    prepare: async () => {
      const d = await gql<{ users: { edges: Array<{ cursor: string }> } }>(
        url,
        apiKey,
        `query($f: UserFilter) { users(first: 1, filter: $f) { edges { cursor } } }`,
        { f: { userName: { equals: u(half - 1).userName } } },
      );
      deepCursor = d.users.edges[0]?.cursor ?? '';
    },
    send: () =>
      graphql(USERS('first: 100, after: $after', false), { after: deepCursor }, (d) =>
        conn(d).edges[0]?.node.userName === u(half).userName
          ? undefined
          : `first ${conn(d).edges[0]?.node.userName}, expected ${u(half).userName}`,
      )(),
  });
  return list;
}

interface Walk {
  pages: number;
  totalPages: number;
  seconds: number;
  worst: number;
  p50: number;
  p99: number;
  /** Set when the walk stopped early: the whole walk's time, from the pages timed past where it stopped. */
  projectedSeconds?: number;
  errors: number;
}

/**
 * Okta's import: GET /Users?startIndex=k&count=100 for k = 1, 101, … to the end, one at a time.
 * Stopped by the time or page budget, the rest is projected: pages timed at WALK_SAMPLES evenly
 * spaced startIndexes over the part not walked, integrated (trapezoids) over the pages between them.
 */
async function walk(tenant: BenchTenant, log: (line: string) => void): Promise<Walk> {
  const N = SIZE.users;
  const totalPages = Math.ceil(N / 100);
  const page = async (k: number): Promise<{ ms: number; ok: boolean }> => {
    const t0 = performance.now();
    const res = await fastFetch(`${tenant.scimUrl}/Users?startIndex=${k}&count=100`, {
      headers: { authorization: `Bearer ${tenant.scimToken}` },
    });
    const body = await res.text();
    const ok =
      res.status === 200 && (JSON.parse(body) as ScimList).Resources?.length === Math.min(100, N - k + 1);
    return { ms: performance.now() - t0, ok };
  };
  const ms: number[] = [];
  let errors = 0;
  const started = performance.now();
  let done = 0;
  while (done < totalPages && done < WALK_PAGES && performance.now() - started < WALK_SECONDS * 1000) {
    const r = await page(done * 100 + 1);
    ms.push(r.ms);
    if (!r.ok) errors++;
    done++;
    if (done % 500 === 0) {
      log(
        `  walk: ${done} pages in ${((performance.now() - started) / 1000).toFixed(0)} s, last ${r.ms.toFixed(0)} ms`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...ms].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const result: Walk = {
    pages: done,
    totalPages,
    seconds,
    worst: sorted.at(-1) ?? 0,
    p50: pct(0.5),
    p99: pct(0.99),
    errors,
  };
  if (done < totalPages) {
    // Sample pages from where the walk stopped to the last, and sum the curve through them.
    const at: number[] = [];
    for (let i = 0; i < WALK_SAMPLES; i++) {
      at.push(done + Math.round(((totalPages - 1 - done) * i) / (WALK_SAMPLES - 1)));
    }
    const samples: Array<{ p: number; ms: number }> = [{ p: done - 1, ms: ms.at(-1) ?? 0 }];
    for (const p of [...new Set(at)]) samples.push({ p, ms: (await page(p * 100 + 1)).ms });
    let rest = 0;
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      rest += ((a.ms + b.ms) / 2) * (b.p - a.p);
    }
    result.projectedSeconds = seconds + rest / 1000;
  }
  return result;
}

const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** Seeds or reuses the fixture, starts the service on it, and prints the rows and the walk. */
export async function runScaleBench(opts: ScaleBenchOptions): Promise<void> {
  const { log } = opts;
  let stop: (() => Promise<void>) | undefined;
  let pid: number | undefined;
  try {
    const fx = await fixture(
      opts.adminUrl,
      async (dbUrl) => {
        // Migrations on a reused million-user database may build indexes for minutes.
        const s = await startService(dbUrl, { readyTimeoutMs: 30 * 60_000 });
        stop = s.stop;
        pid = s.pid;
        return s;
      },
      log,
    );
    const apiKey = await createBenchApiKey(
      fx.service.url,
      fx.service.adminToken,
      fx.tenant.tenantId,
      'scale',
      ['DIRECTORY_READ'],
    );
    const db = new Client({ connectionString: fx.dbUrl });
    await db.connect();
    const size = await db
      .query<{ db: string; users: string }>(
        `select pg_database_size(current_database())::text as db, pg_total_relation_size('app_user')::text as users`,
      )
      .finally(() => db.end());
    const rssStart = rssMb(pid);
    // The machine may be shared: its load beside the figures says how far to trust them.
    const loadStart = loadavg()[0]!;

    const timed: Timed[] = [];
    for (const row of rows(fx.service.url, fx.tenant, apiKey)) {
      const t = await time(row);
      timed.push(t);
      log(
        `  ${t.name}: best ${t.best.toFixed(0)} ms, median ${t.median.toFixed(0)} ms${t.error ? ` — ${t.error}` : ''}`,
      );
    }
    const w = WALK ? await walk(fx.tenant, log) : undefined;
    const rssEnd = rssMb(pid);
    const loadEnd = loadavg()[0]!;

    const mb = (b: string) => (Number(b) / 1024 / 1024).toFixed(0);
    log(
      `\nScale: one tenant of ${SIZE.users} users, ${SIZE.groups} groups, ${SIZE.memberships} memberships ` +
        `(${DB_NAME}, ${fx.reused ? 'reused; ' : ''}seeded in ${fx.marker.seedSeconds.toFixed(0)} s; ` +
        `database ${mb(size.rows[0]!.db)} MB, app_user with indexes ${mb(size.rows[0]!.users)} MB; ` +
        `service RSS ${rssStart?.toFixed(0) ?? '?'} MB at start, ${rssEnd?.toFixed(0) ?? '?'} MB at the end). ` +
        `Load average (1 min) ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at the end. ` +
        `One request at a time, ${REPEAT} times each; target < ${TARGET_MS} ms, judged on the best.\n`,
    );
    const lines = ['| request | best ms | median ms | target | result |', '|---|---:|---:|---|---|'];
    for (const t of timed) {
      const cell = t.name.replace(/\|/g, '\\|');
      lines.push(
        `| ${cell} | ${t.best.toFixed(0)} | ${t.median.toFixed(0)} | < ${TARGET_MS} ms | ${t.error ? `ERROR: ${t.error.replace(/\|/g, '\\|')}` : pass(t.best < TARGET_MS)} |`,
      );
    }
    log(lines.join('\n'));
    if (w) {
      const whole = w.projectedSeconds ?? w.seconds;
      log(
        `\nOkta-style walk (GET /Users?startIndex=k&count=100, k = 1, 101, …, one at a time; target < ${WALK_TARGET_S} s)\n`,
      );
      log('| pages walked | seconds | p50 ms | p99 ms | worst ms | errors | whole walk s | result |');
      log('|---:|---:|---:|---:|---:|---:|---|---|');
      const duration = (sec: number) =>
        sec >= 3600
          ? `${(sec / 3600).toFixed(1)} h`
          : sec >= 120
            ? `${(sec / 60).toFixed(1)} min`
            : `${sec.toFixed(1)} s`;
      const projected = w.projectedSeconds !== undefined;
      log(
        `| ${w.pages} of ${w.totalPages} | ${w.seconds.toFixed(1)} | ${w.p50.toFixed(0)} | ${w.p99.toFixed(0)} | ${w.worst.toFixed(0)} | ${w.errors} | ` +
          `${projected ? `**projected** ${duration(whole)}, from ${WALK_SAMPLES} pages timed over the rest` : duration(whole)} | ` +
          `${pass(w.errors === 0 && whole < WALK_TARGET_S)}${projected ? ' (projected)' : ''} |`,
      );
    }
  } finally {
    await stop?.();
  }
}
