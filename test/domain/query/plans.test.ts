/**
 * The plans PostgreSQL makes for list statements on a large tenant (beside a small one): every
 * filter shape people use and every sort GraphQL offers must find its rows through an index, never
 * by walking the tenant (ADR 0018).
 *
 * Each list call runs as the service sends it; its statements (the page, and the count when the
 * total is not derivable from the page) are read back from the driver with their values and
 * explained the way the server plans them: the prepared lookups (Entra's userName, externalId,
 * group displayName and externalId equalities) with the generic plan forced, since that is the plan
 * they keep; the others with their values, as they are sent unprepared.
 */
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { buildTenant } from '../../support/factories';
import { listUsers } from '../../../src/domain/users/user.queries';
import { listGroups } from '../../../src/domain/groups/group.queries';
import { parseFilter, parseSortBy } from '../../../src/domain/query/filter/parser';
import { compileDirectoryFilter } from '../../../src/domain/memberships/membership.filter';
import { userFilterToDirectoryFilter, type UserFilter } from '../../../src/graphql/users/user.filter';
import { memberTypes } from '../../../src/domain/memberships/membership.graph';
import { query, sql } from '../../../src/domain/sql';
import type { DirectoryContext } from '../../../src/domain/context';
import type { ListRequest } from '../../../src/domain/query/list';

let db: TestDatabase;
let big: DirectoryContext;
let probe: Client;
const USERS = 50_000;

beforeAll(async () => {
  db = await createTestDatabase();
  big = (await buildTenant(db)).ctx;
  const small = (await buildTenant(db)).ctx;
  for (const [ctx, n] of [
    [big, USERS],
    [small, 50],
  ] as const) {
    // Many users share a few externalIds, as when a client sends the same placeholder; names and
    // departments repeat as they do in a real directory (a family name ~0.5 % of the tenant).
    // In statements of 5,000 rows: one long transaction would hold back every other test file's
    // change feed on this server (events wait for all older transactions, docs/changes.md).
    for (let from = 1; from <= n; from += 5000) {
      const to = Math.min(n, from + 4999);
      await query(
        db.em(),
        sql`insert into app_user (id, tenant_id, user_name, external_id, display_name, given_name, family_name,
         title, department, employee_number, source, emails, created_at)
       select gen_random_uuid(), ${ctx.tenantId}, 'u' || g || '@x.test', case when g % 10 = 0 then 'shared' else 'ext-' || g end,
         'User ' || g, 'Given' || (g % 2000), 'Fam' || (g % 200), 'Title ' || (g % 500), 'Dept ' || (g % 100), 'E' || g,
         'SCIM', jsonb_build_array(jsonb_build_object('value', 'u' || g || '@work.test', 'type', 'work')),
         now() - make_interval(secs => g)
       from generate_series(${from}::int, ${to}::int) g`,
      );
    }
    await query(
      db.em(),
      sql`insert into "group" (id, tenant_id, display_name, external_id, source)
       select gen_random_uuid(), ${ctx.tenantId}, 'Team ' || g, 'gext-' || g, 'SCIM' from generate_series(1, ${n / 10}) g`,
    );
  }
  // Index-only scans and bitmap counts read the visibility map, which only VACUUM writes.
  await query(db.em(), sql`vacuum analyze app_user`);
  await query(db.em(), sql`vacuum analyze "group"`);
  probe = new Client({ connectionString: db.url });
  await probe.connect();
}, 180_000);
afterAll(async () => {
  await probe?.end();
  await db?.drop();
});

interface Sent {
  text: string;
  values: unknown[];
  prepared: boolean;
}

/**
 * The statements that `run` sent through the driver, with their values: by default those listing
 * app_user / "group".
 */
async function sentBy(run: () => Promise<unknown>, pattern = /from (app_user u|"group" g)/): Promise<Sent[]> {
  const sent: Sent[] = [];
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const spy = jest.spyOn(proto, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    const q = args[0] as { text?: string; values?: unknown[]; name?: string } | string;
    if (typeof q === 'object' && q.text !== undefined && pattern.test(q.text)) {
      sent.push({ text: q.text, values: q.values ?? [], prepared: q.name !== undefined });
    }
    return original.apply(this, args);
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  if (sent.length === 0) throw new Error('no list statement was sent');
  return sent;
}

/** PostgreSQL's plan for a statement as the service sends it. */
async function planOf(s: Sent): Promise<string> {
  const lines = async (text: string, values: unknown[] = []) =>
    (await probe.query<{ 'QUERY PLAN': string }>(text, values)).rows.map((r) => r['QUERY PLAN']).join('\n');
  if (!s.prepared) return lines(`explain ${s.text}`, s.values);
  await probe.query(`set plan_cache_mode = force_generic_plan`);
  await probe.query(`prepare plan_probe as ${s.text}`);
  try {
    // Values do not matter to a generic plan; nulls are enough.
    return await lines(`explain execute plan_probe (${s.values.map(() => 'null').join(', ')})`);
  } finally {
    await probe.query(`deallocate plan_probe`);
    await probe.query(`reset plan_cache_mode`);
  }
}

/** The plans of every statement a list call sent (page, then count when one was needed). */
async function plansOf(run: () => Promise<unknown>): Promise<string[]> {
  return Promise.all((await sentBy(run)).map(planOf));
}

const WALKS_A_TABLE = /Seq Scan on (app_user|"?group"?) (u|g)\b/;

/** An index scan, index-only scan or bitmap index scan of the index. */
const scanOf = (index: RegExp) =>
  new RegExp(
    `(Index Scan using|Index Scan Backward using|Index Only Scan using|Index Only Scan Backward using|Bitmap Index Scan on) \\S*${index.source}`,
  );

type Case = readonly [name: string, kind: 'User' | 'Group', request: ListRequest, index: RegExp];

const f = (filter: string, count = 10): ListRequest => ({ filter: parseFilter(filter), count });
const sorted = (by: string, order?: 'descending'): ListRequest => ({
  sort: parseSortBy(by, order),
  count: 20,
  // Counting a whole tenant is another matter (issue 15's count cache); this is about the order.
  skipTotal: true,
});

const EQUALITY_AND_PREFIX: Case[] = [
  ['userName eq', 'User', f('userName eq "U77@x.test"'), /app_user_tenant_user_name_key/],
  ['userName sw', 'User', f('userName sw "U4444"'), /app_user_tenant_user_name_key/],
  ['externalId eq', 'User', f('externalId eq "ext-77"'), /app_user_tenant_external_id_index/],
  [
    'externalId eq (shared by 5,000)',
    'User',
    f('externalId eq "shared"'),
    /app_user_tenant_external_id_index/,
  ],
  ['externalId sw', 'User', f('externalId sw "ext-4444"'), /app_user_tenant_external_id_index/],
  ['displayName eq', 'User', f('displayName eq "user 77777"'), /app_user_tenant_display_name_key/],
  ['displayName sw', 'User', f('displayName sw "User 4444"'), /app_user_tenant_display_name_key/],
  ['name.givenName eq', 'User', f('name.givenName eq "given42"'), /app_user_tenant_given_name_key/],
  ['name.givenName sw', 'User', f('name.givenName sw "Given1999"'), /app_user_tenant_given_name_key/],
  [
    'name.familyName eq (250 users)',
    'User',
    f('name.familyName eq "Fam42"'),
    /app_user_tenant_family_name_key/,
  ],
  ['name.familyName sw', 'User', f('name.familyName sw "fam199"'), /app_user_tenant_family_name_key/],
  ['title eq', 'User', f('title eq "Title 42"'), /app_user_tenant_title_key/],
  ['title sw', 'User', f('title sw "Title 499"'), /app_user_tenant_title_key/],
  [
    'enterprise department eq (500 users)',
    'User',
    f('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept 7"'),
    /app_user_tenant_department_key/,
  ],
  ['department sw', 'User', f('department sw "dept 77"'), /app_user_tenant_department_key/],
  ['employeeNumber eq', 'User', f('employeeNumber eq "E4242"'), /app_user_tenant_employee_number_key/],
  ['employeeNumber sw', 'User', f('employeeNumber sw "E4444"'), /app_user_tenant_employee_number_key/],
  [
    'work e-mail (Entra matching)',
    'User',
    f('emails[type eq "work" and value eq "U77@Work.test"]'),
    /app_user_tenant_work_email_index/,
  ],
  ['userName in a list', 'User', f('userName eq "u1@x.test" or userName eq "u2@x.test"'), /user_name_key/],
  ['Group displayName eq', 'Group', f('displayName eq "team 7"'), /group_tenant_display_name_key/],
  ['Group displayName sw', 'Group', f('displayName sw "Team 4444"'), /group_tenant_display_name_key/],
  ['Group externalId eq', 'Group', f('externalId eq "gext-7"'), /group_tenant_external_id_index/],
  ['Group externalId sw', 'Group', f('externalId sw "gext-4444"'), /group_tenant_external_id_index/],
];

const SUBSTRING: Case[] = [
  ['userName co', 'User', f('userName co "7777@"'), /app_user_search_trigram/],
  ['userName ew', 'User', f('userName ew "777@x.test"'), /app_user_search_trigram/],
  ['displayName co', 'User', f('displayName co "er 7777"'), /app_user_search_trigram/],
  ['displayName ew', 'User', f('displayName ew "r 77777"'), /app_user_search_trigram/],
  ['name.givenName co', 'User', f('name.givenName co "en1999"'), /app_user_search_trigram/],
  ['name.familyName ew', 'User', f('name.familyName ew "am199"'), /app_user_search_trigram/],
  ['Group displayName co', 'Group', f('displayName co "am 777"'), /group_search_trigram/],
];

/** Every field GraphQL's UserOrder offers, in both directions; a page of 20 with no filter. */
const SORTS: Case[] = (
  [
    ['userName', /app_user_tenant_user_name_key/],
    ['displayName', /app_user_tenant_display_name_key/],
    ['name.givenName', /app_user_tenant_given_name_key/],
    ['name.familyName', /app_user_tenant_family_name_key/],
    ['title', /app_user_tenant_title_key/],
    ['department', /app_user_tenant_department_key/],
    ['employeeNumber', /app_user_tenant_employee_number_key/],
    ['externalId', /app_user_tenant_external_id_index/],
    ['meta.created', /app_user_tenant_created_index/],
  ] as const
).flatMap(([by, index]): Case[] => [
  [`sort by ${by}`, 'User', sorted(by), index],
  [`sort by ${by} descending`, 'User', sorted(by, 'descending'), index],
]);
SORTS.push(['Group sort by displayName', 'Group', sorted('displayName'), /group_tenant_display_name_key/]);

describe(`plans of list statements, on a tenant of ${USERS.toLocaleString('en')} users`, () => {
  // Totals and continuations are remembered between requests (ADR 0019): forget them, so each
  // case sends the statements a first request sends, count included.
  beforeEach(async () => {
    await query(db.em(), sql`delete from list_count`);
    await query(db.em(), sql`delete from list_continuation`);
  });

  it.each([...EQUALITY_AND_PREFIX, ...SUBSTRING, ...SORTS])(
    '%s goes through its index',
    async (_, kind, request, index) => {
      const plans = await plansOf(() => (kind === 'User' ? listUsers : listGroups)(big, request));
      const all = plans.join('\n----\n');
      expect(all).toMatch(index);
      expect(all).not.toMatch(WALKS_A_TABLE);
      // An index scan (or a bitmap of one) on the expected index, not just its name somewhere.
      expect(all).toMatch(scanOf(index));
    },
  );

  it.each([
    ['displayName sw "User 1" (11,111 users)', 'displayName sw "User 1"'],
    ['name.familyName eq "Fam42" (250 users)', 'name.familyName eq "Fam42"'],
    ['department eq "Dept 7" (500 users)', 'department eq "Dept 7"'],
    ['displayName co "ser 1" (11,111 users)', 'displayName co "ser 1"'],
  ])('counts %s for totalResults through an index', async (_, filter) => {
    const sent = await sentBy(() => listUsers(big, f(filter)));
    // More matches than the page: the page of 10, then one count.
    const counts = sent.filter((s) => /count\(\*\)/.test(s.text));
    expect(counts).toHaveLength(1);
    const count = await planOf(counts[0]!);
    expect(count).toMatch(scanOf(/app_user_(tenant_\w+_key|search_trigram)/));
    expect(count).not.toMatch(WALKS_A_TABLE);
  });

  it.each([
    [
      'displayName startsWith',
      { displayName: { startsWith: 'User 4444' } },
      /app_user_tenant_display_name_key/,
    ],
    ['familyName equals', { familyName: { equals: 'Fam42' } }, /app_user_tenant_family_name_key/],
    ['displayName contains', { displayName: { contains: 'er 7777' } }, /app_user_search_trigram/],
  ] as const)(
    'GraphQL users(filter: %s) with totalCount goes through its index',
    async (_, filter, index) => {
      const where = compileDirectoryFilter(
        'User',
        userFilterToDirectoryFilter(filter as unknown as UserFilter),
      );
      const plans = await plansOf(() => listUsers(big, { count: 20, cursor: '' }, where));
      const all = plans.join('\n----\n');
      expect(all).toMatch(scanOf(index));
      expect(all).not.toMatch(WALKS_A_TABLE);
    },
  );

  it("the console's search box (userName or displayName startsWith) uses both indexes", async () => {
    const filter = {
      or: [{ userName: { startsWith: 'u4444' } }, { displayName: { startsWith: 'User 4444' } }],
    };
    const where = compileDirectoryFilter(
      'User',
      userFilterToDirectoryFilter(filter as unknown as UserFilter),
    );
    const plans = await plansOf(() => listUsers(big, { count: 20, cursor: '' }, where));
    const all = plans.join('\n----\n');
    expect(all).toMatch(scanOf(/app_user_tenant_user_name_key/));
    expect(all).toMatch(scanOf(/app_user_tenant_display_name_key/));
    expect(all).not.toMatch(WALKS_A_TABLE);
  });
});

describe('plans of the lookup every membership PATCH makes', () => {
  it('resolving the members probes each id by primary key, in the generic plan it keeps', async () => {
    const ids = (
      await query<{ id: string }>(
        db.em(),
        sql`select id from app_user where tenant_id = ${big.tenantId} limit 25`,
      )
    ).map((r) => r.id);
    // A PREPARE text gets its name the second time it is sent (src/domain/sql.ts).
    const sent = await sentBy(async () => {
      await memberTypes(big, ids);
      await memberTypes(big, ids);
    }, /as x\(id\) join app_user u/);
    expect(sent.map((s) => s.prepared)).toEqual([false, true]);
    const plan = await planOf(sent[1]!);
    expect(plan).toMatch(scanOf(/app_user_pkey/));
    expect(plan).toMatch(scanOf(/group_pkey/));
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
