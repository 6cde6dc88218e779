import { Migration } from '@mikro-orm/migrations';

/** Every expression column of an index on app_user or "group" (lower(userName) and the like). */
const forEachExpressionColumn = (statement: string) => `do $$
  declare r record;
  begin
    for r in
      select i.indexrelid::regclass as idx, p + 1 as col
      from pg_index i cross join lateral generate_series(0, i.indnatts - 1) as p
      where i.indrelid in ('app_user'::regclass, '"group"'::regclass) and i.indkey[p] = 0
    loop
      execute format('${statement}', r.idx, r.col);
    end loop;
  end $$;`;

/**
 * A larger statistics sample (1,000 rather than 100 histogram bounds) for the expressions the
 * filters compare: lower(userName), lower(displayName) and the other attribute keys (ADR 0018).
 * PostgreSQL estimates an unanchored `co`/`ew` pattern by the share of histogram bounds it
 * matches. With 101 bounds, one bound that happened to match a rare name ("User 27777" for
 * `co "er 7777"`) put the estimate at 1 % of the tenant instead of a handful, and for a page
 * ordered by creation the planner then walked the tenant in that order, filtering, instead of
 * asking the trigram index: seen in a CI run of the plan tests on 50,000 users, which pass on most
 * samples. With 1,001 bounds one stray match is 0.1 %, and the trigram plan stays the cheaper.
 * ANALYZE of app_user then samples 300,000 rows instead of 30,000.
 */
export class Migration20261211040000_search_statistics extends Migration {
  override async up(): Promise<void> {
    this.addSql(forEachExpressionColumn('alter index %s alter column %s set statistics 1000'));
  }

  override async down(): Promise<void> {
    this.addSql(forEachExpressionColumn('alter index %s alter column %s set statistics -1'));
  }
}
