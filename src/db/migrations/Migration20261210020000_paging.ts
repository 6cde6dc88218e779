import { Migration } from '@mikro-orm/migrations';

/**
 * What offset paging remembers between requests (ADR 0019): where the page that ends just before a
 * startIndex ended (`list_continuation`), and a list's exact total (`list_count`), each with the
 * tenant's change-feed position it is valid for (`token`, and `pending`: the transactions below it
 * still running when it was read, list-memo.ts). Both are caches, rebuilt by the next request that
 * misses: UNLOGGED (no WAL, emptied by a crash, not copied to replicas), and rows older than an hour
 * are pruned by the statements that write them.
 */
export class Migration20261210020000_paging extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "list_continuation" (
      "query_key" text not null,
      "start_index" bigint not null,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "token" xid8 not null,
      "pending" xid8[] not null,
      "sort_value" text null,
      "last_id" uuid not null,
      "updated_at" timestamptz not null default now(),
      primary key ("query_key", "start_index"));`);
    this.addSql(`create unlogged table "list_count" (
      "query_key" text primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "token" xid8 not null,
      "pending" xid8[] not null,
      "total" bigint not null,
      "updated_at" timestamptz not null default now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "list_count";`);
    this.addSql(`drop table if exists "list_continuation";`);
  }
}
