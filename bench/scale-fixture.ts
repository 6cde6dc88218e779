import type { Client } from 'pg';

/**
 * The scale bench's directory (issue 15): one tenant of `users` users, `groups` groups and
 * `memberships` direct user memberships, written with set-based SQL (generate_series) in minutes
 * rather than the hours SCIM creates would take. Every value is a function of the user's number n
 * (1-based), so the bench knows which filters match what:
 * - userName `user<n>@scale.example` (also the work e-mail), externalId `ext-<n>`,
 *   displayName `User <n>`, employeeNumber `E<n, 8 digits>`, a mobile number (Entra's default
 *   mappings send one), preferredLanguage en-US;
 * - name.familyName `Fam<n % 200>` (Fam42: users / 200 matches), name.givenName one of 50 names;
 * - title one of 20, department `Dept <n % 100>`, active unless n % 50 = 0;
 * - created_at one second apart in n order, so the default (creation) order is n order.
 * Groups are `Group <g> <kind>` (g 1-based, kind one of 10), created before the users. Membership j
 * (0-based) puts user (j mod users) + 1 in group ((user + 37·⌊j / users⌋) mod groups) + 1: each user
 * in one group per `users` memberships, every group about the same size.
 *
 * Memberships go in through the table's own triggers, so membership_closure and the membership
 * history are what the app would have written. app_user's secondary indexes (whatever the migrations
 * have made them) are dropped for the load and rebuilt from their own definitions: building an index
 * once is several times faster than maintaining it row by row.
 */
export interface ScaleFixtureSize {
  users: number;
  groups: number;
  memberships: number;
}

// prettier-ignore
export const GIVEN_NAMES = [
  'Ada', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Iris', 'Jonas',
  'Kara', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Quinn', 'Rosa', 'Sam', 'Tara',
  'Uma', 'Victor', 'Wendy', 'Xavier', 'Yara', 'Zoe', 'Aaron', 'Bianca', 'Carlos', 'Dana',
  'Elif', 'Farid', 'Greta', 'Hana', 'Ivan', 'Jana', 'Kenji', 'Lena', 'Marco', 'Nina',
  'Omar', 'Pia', 'Rafael', 'Sofia', 'Tomas', 'Ulla', 'Vera', 'Wei', 'Yusuf', 'Zara',
];

// prettier-ignore
export const TITLES = [
  'Engineer', 'Senior Engineer', 'Staff Engineer', 'Engineering Manager', 'Product Manager',
  'Designer', 'Data Analyst', 'Data Scientist', 'Accountant', 'Controller',
  'Sales Representative', 'Account Executive', 'Support Specialist', 'Recruiter', 'HR Partner',
  'Legal Counsel', 'Office Manager', 'Marketing Specialist', 'Site Reliability Engineer', 'Director',
];

// prettier-ignore
export const GROUP_KINDS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Support',
  'Legal', 'People', 'Operations', 'Design', 'Research',
];

/** What the fixture's user number n holds (the bench and the test check responses against it). */
export const scaleUser = (n: number) => ({
  userName: `user${n}@scale.example`,
  externalId: `ext-${n}`,
  displayName: `User ${n}`,
  givenName: GIVEN_NAMES[n % GIVEN_NAMES.length]!,
  familyName: `Fam${n % 200}`,
  title: TITLES[n % TITLES.length]!,
  department: `Dept ${n % 100}`,
  employeeNumber: `E${String(n).padStart(8, '0')}`,
  mobile: `+1 555 ${String(n).padStart(7, '0')}`,
  active: n % 50 !== 0,
});

/** Group g (1-based): `Group <g> <kind>`. */
export const scaleGroupName = (g: number) => `Group ${g} ${GROUP_KINDS[g % GROUP_KINDS.length]!}`;

const BASE = '2025-01-01T00:00:00Z';

/** Seeds the fixture into an existing tenant (created through the app, so its credentials are real). */
export async function seedScaleFixture(
  db: Client,
  tenantId: string,
  size: ScaleFixtureSize,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await db.query(`set statement_timeout = 0`);
  await db.query(`set maintenance_work_mem = '512MB'`);
  await step(`${size.groups} groups`, () =>
    db.query(
      `insert into "group" (id, tenant_id, display_name, external_id, source, created_at, updated_at)
       select gen_random_uuid(), $1, 'Group ' || g || ' ' || ($3::text[])[1 + g % 10], 'gext-' || g, 'SCIM',
         $4::timestamptz + g * interval '1 millisecond', $4::timestamptz + g * interval '1 millisecond'
       from generate_series(1, $2) g`,
      [tenantId, size.groups, GROUP_KINDS, BASE],
    ),
  );

  // app_user's secondary indexes, as the migrations (of whichever branch) defined them.
  const indexes = (
    await db.query<{ name: string; def: string }>(
      `select i.indexname as name, i.indexdef as def from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = 'app_user'
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    )
  ).rows;
  // Their columns' statistics targets, which indexdef does not carry (the filters' expressions).
  const targets = (
    await db.query<{ name: string; col: number; target: number }>(
      `select c.relname as name, a.attnum as col, a.attstattarget as target
       from pg_attribute a join pg_class c on c.oid = a.attrelid
       where c.relname = any($1) and a.attstattarget >= 0`,
      [indexes.map((ix) => ix.name)],
    )
  ).rows;
  await db.query('begin');
  try {
    for (const ix of indexes) await db.query(`drop index "${ix.name}"`);
    await step(`${size.users} users (without ${indexes.length} secondary indexes)`, () =>
      db.query(
        `insert into app_user (id, tenant_id, user_name, external_id, active, display_name, name_formatted,
           family_name, given_name, title, preferred_language, emails, phone_numbers, employee_number, department,
           source, created_at, updated_at)
         select gen_random_uuid(), $1, 'user' || n || '@scale.example', 'ext-' || n, n % 50 <> 0, 'User ' || n,
           ($3::text[])[1 + n % 50] || ' Fam' || n % 200, 'Fam' || n % 200, ($3::text[])[1 + n % 50],
           ($4::text[])[1 + n % 20], 'en-US',
           jsonb_build_array(jsonb_build_object('value', 'user' || n || '@scale.example', 'type', 'work', 'primary', true)),
           jsonb_build_array(jsonb_build_object('value', '+1 555 ' || lpad(n::text, 7, '0'), 'type', 'mobile')),
           'E' || lpad(n::text, 8, '0'), 'Dept ' || n % 100, 'SCIM',
           $5::timestamptz + n * interval '1 second', $5::timestamptz + n * interval '1 second'
         from generate_series(1, $2) n`,
        [tenantId, size.users, GIVEN_NAMES, TITLES, BASE],
      ),
    );
    for (const ix of indexes) await step(`index ${ix.name}`, () => db.query(ix.def));
    for (const t of targets) {
      await db.query(
        `alter index "${t.name}" alter column ${Number(t.col)} set statistics ${Number(t.target)}`,
      );
    }
    await db.query('commit');
  } catch (e) {
    await db.query('rollback');
    throw e;
  }

  // User and group numbers → ids, for the membership statements.
  await db.query(`create temporary table scale_user_no (n int primary key, id uuid not null)`);
  await db.query(`create temporary table scale_group_no (g int primary key, id uuid not null)`);
  await db.query(
    `insert into scale_user_no select substring(user_name from 5 for position('@' in user_name) - 5)::int, id
     from app_user where tenant_id = $1`,
    [tenantId],
  );
  await db.query(
    `insert into scale_group_no select substring(external_id from 6)::int, id from "group" where tenant_id = $1`,
    [tenantId],
  );
  await db.query('analyze scale_user_no, scale_group_no');
  // One statement per batch: the triggers' transition tables stay a manageable size.
  const BATCH = 500_000;
  await step(`${size.memberships} memberships (with closure and history triggers)`, async () => {
    for (let from = 0; from < size.memberships; from += BATCH) {
      await db.query(
        `insert into membership (tenant_id, group_id, member_user_id, display)
         select $1, g.id, u.id, 'User ' || u.n
         from generate_series($2::bigint, $3::bigint) j
         join scale_user_no u on u.n = (j % $4) + 1
         join scale_group_no g on g.g = ((u.n + 37 * (j / $4)) % $5) + 1
         order by g.id, u.id`,
        [tenantId, from, Math.min(from + BATCH, size.memberships) - 1, size.users, size.groups],
      );
    }
  });
  await db.query('drop table scale_user_no, scale_group_no');
  await step('vacuum analyze', () => db.query('vacuum analyze'));
}
