import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for what people filter and sort on (ADR 0018). Filters compare text attributes by
 * `lower(col) collate "C"` (`col collate "C"` when caseExact) and sort by the same expression with
 * the id as tie-breaker (src/domain/query/compile.ts, comparisonKey), so one btree per attribute,
 * `(tenant_id, <that expression>, id)`, serves eq, in, sw (a LIKE prefix is an index range only in
 * the "C" collation), gt/lt and ORDER BY … LIMIT in both directions. A trigram GIN index per
 * table serves co and ew where pg_trgm can be had; where it cannot (a managed server without it,
 * or no privilege to create it) the migration goes on without it, those filters scan the tenant,
 * and the service says so at start-up (src/db/search-indexes.ts).
 *
 * Plain CREATE INDEX inside the migration's transaction: on a large table it blocks writes to it
 * while it builds (2-3 s per btree and about 30 s for the trigram index at 1M users; ADR 0018).
 * `if not exists` lets an operator build the new ones `concurrently` beforehand, under these names.
 */
const USER_KEYS: readonly [name: string, expression: string][] = [
  ['app_user_tenant_user_name_key', `lower("user_name") collate "C"`],
  ['app_user_tenant_display_name_key', `lower("display_name") collate "C"`],
  ['app_user_tenant_given_name_key', `lower("given_name") collate "C"`],
  ['app_user_tenant_family_name_key', `lower("family_name") collate "C"`],
  ['app_user_tenant_title_key', `lower("title") collate "C"`],
  ['app_user_tenant_department_key', `lower("department") collate "C"`],
  ['app_user_tenant_employee_number_key', `lower("employee_number") collate "C"`],
];

/**
 * The columns co/ew search through trigrams (lower-cased, as the filters compare them): the names
 * people look someone up by. Each column adds its trigrams to every insert and name change
 * (ADR 0018 has the measured cost), so title and department, searched by eq/sw, are left out.
 */
const USER_TRIGRAM = ['user_name', 'display_name', 'given_name', 'family_name'];

/** Creates the trigram indexes if pg_trgm is installed, naming its schema (it may be off the path). */
function trigramIndexes(): string {
  const cols = (columns: string[]) =>
    columns.map((c) => `(lower("${c}") collate "C") %1$I.gin_trgm_ops`).join(', ');
  return `do $$
    declare s name := (select n.nspname from pg_extension x join pg_namespace n on n.oid = x.extnamespace where x.extname = 'pg_trgm');
    begin
      if s is null then return; end if;
      execute format('create index if not exists "app_user_search_trigram" on "app_user" using gin (${cols(USER_TRIGRAM)})', s);
      execute format('create index if not exists "group_search_trigram" on "group" using gin (${cols(['display_name'])})', s);
    end $$;`;
}

export class Migration20261210010000_search_indexes extends Migration {
  override async up(): Promise<void> {
    // In a subtransaction: a server that lacks pg_trgm, or a role that may not create it, must
    // not fail the migration.
    this.addSql(`do $$ begin
      create extension if not exists pg_trgm;
    exception when others then
      raise notice 'pg_trgm is not available (%): substring filters will scan', sqlerrm;
    end $$;`);
    for (const [name, expression] of USER_KEYS) {
      this.addSql(`create index if not exists "${name}" on "app_user" ("tenant_id", (${expression}), "id");`);
    }
    // The externalId indexes are rebuilt in the "C" collation (with the id for sorting); nothing
    // else compares external_id, so the old ones would only cost writes.
    this.addSql(`drop index "app_user_tenant_external_id_index";`);
    this.addSql(
      `create index "app_user_tenant_external_id_index" on "app_user" ("tenant_id", ("external_id" collate "C"), "id");`,
    );
    this.addSql(`drop index "group_tenant_external_id_index";`);
    this.addSql(
      `create index "group_tenant_external_id_index" on "group" ("tenant_id", ("external_id" collate "C"), "id");`,
    );
    this.addSql(
      `create index if not exists "group_tenant_display_name_key" on "group" ("tenant_id", (lower("display_name") collate "C"), "id");`,
    );
    this.addSql(trigramIndexes());
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "app_user_search_trigram";`);
    this.addSql(`drop index if exists "group_search_trigram";`);
    for (const [name] of USER_KEYS) this.addSql(`drop index if exists "${name}";`);
    this.addSql(`drop index if exists "group_tenant_display_name_key";`);
    this.addSql(`drop index "app_user_tenant_external_id_index";`);
    this.addSql(
      `create index "app_user_tenant_external_id_index" on "app_user" ("tenant_id", "external_id");`,
    );
    this.addSql(`drop index "group_tenant_external_id_index";`);
    this.addSql(`create index "group_tenant_external_id_index" on "group" ("tenant_id", "external_id");`);
    // pg_trgm stays: other objects of the database may use it by now.
  }
}
