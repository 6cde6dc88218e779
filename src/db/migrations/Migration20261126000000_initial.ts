import { Migration } from '@mikro-orm/migrations';

/**
 * The directory's schema. Written by hand rather than generated: it needs expression indexes
 * (lower(user_name)), a generated member_id, an immutable helper for the work e-mail index and an
 * append-only trigger on audit events, none of which MikroORM's schema diff can express.
 */
export class Migration20261126000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "tenant" (
      "id" uuid primary key,
      "slug" text not null,
      "name" text not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "tenant_slug_unique" unique ("slug")
    );`);

    this.addSql(`create table "app_user" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "user_name" text not null,
      "external_id" text null,
      "active" boolean not null default true,
      "display_name" text null,
      "name_formatted" text null,
      "family_name" text null,
      "given_name" text null,
      "middle_name" text null,
      "honorific_prefix" text null,
      "honorific_suffix" text null,
      "nick_name" text null,
      "profile_url" text null,
      "title" text null,
      "user_type" text null,
      "preferred_language" text null,
      "locale" text null,
      "timezone" text null,
      "emails" jsonb not null default '[]',
      "phone_numbers" jsonb not null default '[]',
      "addresses" jsonb not null default '[]',
      "ims" jsonb not null default '[]',
      "photos" jsonb not null default '[]',
      "entitlements" jsonb not null default '[]',
      "x509_certificates" jsonb not null default '[]',
      "employee_number" text null,
      "cost_center" text null,
      "organization" text null,
      "division" text null,
      "department" text null,
      "manager_id" uuid null references "app_user" ("id") on delete set null,
      "source" text not null check ("source" in ('SCIM', 'API')),
      "version" integer not null default 1,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create unique index "app_user_tenant_user_name_unique" on "app_user" ("tenant_id", lower("user_name"));`,
    );
    this.addSql(
      `create index "app_user_tenant_external_id_index" on "app_user" ("tenant_id", "external_id");`,
    );
    this.addSql(
      `create index "app_user_tenant_created_index" on "app_user" ("tenant_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "app_user_manager_index" on "app_user" ("manager_id") where "manager_id" is not null;`,
    );
    // Entra matches users on emails[type eq "work"].value; this helper makes that lookup indexable.
    this
      .addSql(`create function "cp_work_email"(emails jsonb) returns text language sql immutable parallel safe as $$
      select lower(e->>'value') from jsonb_array_elements(emails) e where lower(e->>'type') = 'work' limit 1
    $$;`);
    this.addSql(
      `create index "app_user_tenant_work_email_index" on "app_user" ("tenant_id", "cp_work_email"("emails"));`,
    );

    this.addSql(`create table "group" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "display_name" text not null,
      "external_id" text null,
      "source" text not null check ("source" in ('SCIM', 'API')),
      "version" integer not null default 1,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create unique index "group_tenant_display_name_unique" on "group" ("tenant_id", lower("display_name"));`,
    );
    this.addSql(`create index "group_tenant_external_id_index" on "group" ("tenant_id", "external_id");`);
    this.addSql(`create index "group_tenant_created_index" on "group" ("tenant_id", "created_at", "id");`);

    // One row per (group, member). A member is a user or a group; the two foreign keys make the
    // database remove memberships with their member, even under concurrent deletes.
    this.addSql(`create table "membership" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "group_id" uuid not null references "group" ("id") on delete cascade,
      "member_user_id" uuid null references "app_user" ("id") on delete cascade,
      "member_group_id" uuid null references "group" ("id") on delete cascade,
      "member_id" uuid generated always as (coalesce("member_user_id", "member_group_id")) stored,
      "display" text null,
      "created_at" timestamptz not null default now(),
      constraint "membership_one_member" check (("member_user_id" is null) <> ("member_group_id" is null)),
      constraint "membership_not_self" check ("member_group_id" is distinct from "group_id"),
      constraint "membership_pkey" primary key ("group_id", "member_id")
    );`);
    this.addSql(`create index "membership_member_index" on "membership" ("member_id", "group_id");`);
    this.addSql(
      `create index "membership_member_group_index" on "membership" ("member_group_id") where "member_group_id" is not null;`,
    );

    this.addSql(`create table "role" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "value" text not null,
      "display" text null,
      "type" text null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "role_tenant_value_unique" unique ("tenant_id", "value")
    );`);
    this.addSql(`create table "user_role" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "user_id" uuid not null references "app_user" ("id") on delete cascade,
      "role_id" uuid not null references "role" ("id") on delete cascade,
      "primary" boolean not null default false,
      "created_at" timestamptz not null default now(),
      constraint "user_role_pkey" primary key ("user_id", "role_id")
    );`);
    this.addSql(`create index "user_role_role_index" on "user_role" ("role_id");`);

    this.addSql(`create table "credential" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "kind" text not null check ("kind" in ('SCIM_TOKEN', 'API_KEY')),
      "name" text not null,
      "prefix" text not null,
      "secret_hash" text not null,
      "scopes" text[] not null default '{}',
      "created_at" timestamptz not null default now(),
      "last_used_at" timestamptz null,
      "revoked_at" timestamptz null,
      constraint "credential_secret_hash_unique" unique ("secret_hash")
    );`);
    this.addSql(`create index "credential_tenant_kind_index" on "credential" ("tenant_id", "kind");`);

    this.addSql(`create table "audit_event" (
      "id" bigint generated always as identity primary key,
      "tenant_id" uuid null references "tenant" ("id") on delete cascade,
      "actor" text not null,
      "action" text not null,
      "resource_type" text not null,
      "resource_id" text not null,
      "changed_fields" text[] not null default '{}',
      "request_id" text null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create index "audit_event_tenant_created_index" on "audit_event" ("tenant_id", "created_at");`,
    );
    this.addSql(`create index "audit_event_resource_index" on "audit_event" ("resource_id");`);
    // Append-only: the audit trail cannot be edited from the application.
    this.addSql(`create function "cp_audit_event_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only'; end
    $$;`);
    this.addSql(`create trigger "audit_event_append_only" before update on "audit_event"
      for each row execute function "cp_audit_event_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop function if exists "cp_audit_event_append_only"();`);
    this.addSql(`drop table if exists "credential" cascade;`);
    this.addSql(`drop table if exists "user_role" cascade;`);
    this.addSql(`drop table if exists "role" cascade;`);
    this.addSql(`drop table if exists "membership" cascade;`);
    this.addSql(`drop table if exists "group" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop function if exists "cp_work_email"(jsonb);`);
    this.addSql(`drop table if exists "tenant" cascade;`);
  }
}
