import { Migration } from '@mikro-orm/migrations';

/** The per-tenant provisioning log: one row per SCIM request, for the customer's IT admin. */
export class Migration20261126010000_provisioning_log extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "provisioning_log" (
      "id" bigint generated always as identity primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "request_id" text not null,
      "method" text not null,
      "path" text not null,
      "status" smallint not null,
      "duration_ms" real not null,
      "error_detail" text null,
      "warnings" text[] not null default '{}',
      "operations" jsonb null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create index "provisioning_log_tenant_created_index" on "provisioning_log" ("tenant_id", "created_at" desc);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provisioning_log";`);
  }
}
