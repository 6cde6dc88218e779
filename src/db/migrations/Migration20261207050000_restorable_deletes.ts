import { Migration } from '@mikro-orm/migrations';

/**
 * Restorable deletes (ADR 0012). A deleted user or group leaves the live tables at once (its name is
 * free, SCIM and GraphQL answer 404) and is archived here by the same statement: the row as stored,
 * its direct memberships, a user's roles and the users it managed. Restoring puts them back; rows
 * older than DELETED_RETENTION_DAYS are purged in batches. The live tables and their indexes are
 * untouched, so reads cost what they did.
 *
 * user_deprovisioning records each time an active user is disabled or deleted: the mass-
 * deprovisioning alert counts it over the last hour, and restoreUsers(since) reads it back.
 */
export class Migration20261207050000_restorable_deletes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "deleted_user" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "id" uuid not null,
      "user_name" text not null,
      "display_name" text null,
      "record" jsonb not null,
      "roles" jsonb not null default '[]',
      "memberships" jsonb not null default '[]',
      "reports" uuid[] not null default '{}',
      "deleted_at" timestamptz not null default now(),
      "deleted_by" text not null,
      "request_id" text null,
      constraint "deleted_user_pkey" primary key ("tenant_id", "id")
    );`);
    this.addSql(
      `create index "deleted_user_tenant_deleted_index" on "deleted_user" ("tenant_id", "deleted_at" desc, "id" desc);`,
    );
    this.addSql(
      `create index "deleted_user_tenant_user_name_index" on "deleted_user" ("tenant_id", lower("user_name") text_pattern_ops);`,
    );
    this.addSql(`create index "deleted_user_deleted_at_index" on "deleted_user" ("deleted_at");`);

    this.addSql(`create table "deleted_group" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "id" uuid not null,
      "display_name" text not null,
      "record" jsonb not null,
      "memberships" jsonb not null default '[]',
      "deleted_at" timestamptz not null default now(),
      "deleted_by" text not null,
      "request_id" text null,
      constraint "deleted_group_pkey" primary key ("tenant_id", "id")
    );`);
    this.addSql(
      `create index "deleted_group_tenant_deleted_index" on "deleted_group" ("tenant_id", "deleted_at" desc, "id" desc);`,
    );
    this.addSql(
      `create index "deleted_group_tenant_display_name_index" on "deleted_group" ("tenant_id", lower("display_name") text_pattern_ops);`,
    );
    this.addSql(`create index "deleted_group_deleted_at_index" on "deleted_group" ("deleted_at");`);

    this.addSql(`create table "user_deprovisioning" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "user_id" uuid not null,
      "kind" text not null check ("kind" in ('disabled', 'deleted')),
      "at" timestamptz not null default now(),
      "request_id" text null
    );`);
    this.addSql(
      `create index "user_deprovisioning_tenant_at_index" on "user_deprovisioning" ("tenant_id", "at");`,
    );
    this.addSql(`create index "user_deprovisioning_at_index" on "user_deprovisioning" ("at");`);

    this.addSql(`alter table "tenant"
      add column "mass_deprovisioning_percent" numeric(5, 2) not null default 10
        constraint "tenant_mass_deprovisioning_percent_check" check ("mass_deprovisioning_percent" > 0 and "mass_deprovisioning_percent" <= 100),
      add column "mass_deprovisioning_min_users" integer not null default 20
        constraint "tenant_mass_deprovisioning_min_users_check" check ("mass_deprovisioning_min_users" >= 1),
      add column "mass_deprovisioning_alerted_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "tenant"
      drop column "mass_deprovisioning_percent",
      drop column "mass_deprovisioning_min_users",
      drop column "mass_deprovisioning_alerted_at";`);
    this.addSql(`drop table if exists "user_deprovisioning";`);
    this.addSql(`drop table if exists "deleted_group";`);
    this.addSql(`drop table if exists "deleted_user";`);
  }
}
