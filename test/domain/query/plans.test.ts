/**
 * The page statements for Entra's lookups (userName, externalId, a group's displayName or
 * externalId) are prepared and then run with PostgreSQL's generic plan, made without the values.
 * On a large tenant (beside a small one) that plan must still find the row through the tenant's
 * index, never by walking the tenant: this runs each statement as the service sends it, with the
 * generic plan forced, and reads the plan.
 */
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { buildTenant } from '../../support/factories';
import { listUsers } from '../../../src/domain/users/user.queries';
import { listGroups } from '../../../src/domain/groups/group.queries';
import { parseFilter } from '../../../src/domain/query/filter/parser';
import { query, sql } from '../../../src/domain/sql';
import type { DirectoryContext } from '../../../src/domain/context';
import { Client } from 'pg';

let db: TestDatabase;
let big: DirectoryContext;
beforeAll(async () => {
  db = await createTestDatabase();
  big = (await buildTenant(db)).ctx;
  const small = (await buildTenant(db)).ctx;
  for (const [ctx, n] of [
    [big, 50_000],
    [small, 50],
  ] as const) {
    // Many users share a few externalIds, as when a client sends the same placeholder.
    await query(
      db.em(),
      sql`insert into app_user (id, tenant_id, user_name, external_id, source, emails, created_at)
       select gen_random_uuid(), ${ctx.tenantId}, 'u' || g || '@x.test', case when g % 10 = 0 then 'shared' else 'ext-' || g end,
         'SCIM', '[]'::jsonb, now() - make_interval(secs => g) from generate_series(1, ${n}) g`,
    );
    await query(
      db.em(),
      sql`insert into "group" (id, tenant_id, display_name, external_id, source)
       select gen_random_uuid(), ${ctx.tenantId}, 'Team ' || g, 'gext-' || g, 'SCIM' from generate_series(1, ${n / 10}) g`,
    );
  }
  await query(db.em(), sql`analyze app_user`);
  await query(db.em(), sql`analyze "group"`);
}, 120_000);
afterAll(() => db.drop());

/** The plan PostgreSQL's generic planning gives the statement the service just sent for `run`. */
async function genericPlan(run: () => Promise<unknown>): Promise<string> {
  db.queries.length = 0;
  await run();
  // The logged line, without its colours (ANSI escapes), prefix and timing.
  const logged = db.queries.map((q) =>
    q
      .replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')
      .replace(/^\[query\] /, '')
      .replace(/ \[took .*\]$/, ''),
  );
  const text = logged.find((q) => /order by/i.test(q));
  if (!text) throw new Error(`no page statement among: ${logged.join('\n')}`);
  const params = new Set(text.match(/\$\d+/g) ?? []).size;
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`set plan_cache_mode = force_generic_plan`);
    await client.query(`prepare plan_probe as ${text}`);
    // Values do not matter to a generic plan; nulls are enough.
    const nulls = Array.from({ length: params }, () => 'null').join(', ');
    const res = await client.query<{ 'QUERY PLAN': string }>(`explain execute plan_probe (${nulls})`);
    return res.rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe('generic plans of the prepared lookups, on a tenant of 50,000 users', () => {
  it.each([
    ['userName eq', 'User', 'userName eq "u77@x.test"', /app_user_tenant_user_name_unique/],
    ['externalId eq', 'User', 'externalId eq "ext-77"', /app_user_tenant_external_id_index/],
    ['Group displayName eq', 'Group', 'displayName eq "Team 7"', /group_tenant_display_name/],
    ['Group externalId eq', 'Group', 'externalId eq "gext-7"', /group_tenant_external_id_index/],
  ] as const)('%s finds its rows through the index', async (_, kind, filter, index) => {
    const plan = await genericPlan(() =>
      (kind === 'User' ? listUsers : listGroups)(big, { filter: parseFilter(filter), count: 100 }),
    );
    expect(plan).toMatch(index);
    expect(plan).not.toMatch(/Seq Scan on (app_user|"?group"?) (u|g)\b/);
    expect(plan).not.toMatch(/app_user_tenant_created_index|group_tenant_created/);
  });
});
