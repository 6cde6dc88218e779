import { Migration } from '@mikro-orm/migrations';

/**
 * A tenant can be suspended (its SCIM token and tenant credentials refused, its data kept) and
 * deleted. The operator's record of these actions lives in a table of its own, without a foreign
 * key to the tenant: it must outlive a deleted tenant, and the change feed's retention purge
 * (which empties audit_event by age) must not remove it.
 */
export class Migration20261209020000_tenant_lifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "tenant"
      add column "suspended_at" timestamptz null,
      add column "suspended_reason" text null,
      add column "suspended_by" text null;`);

    this.addSql(`create table "operator_audit_event" (
      "id" bigint generated always as identity primary key,
      "tenant_id" uuid not null,
      "tenant_slug" text not null,
      "tenant_name" text not null,
      "actor" text not null,
      "action" text not null,
      "details" jsonb not null default '{}',
      "request_id" text null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create index "operator_audit_event_tenant_index" on "operator_audit_event" ("tenant_id", "id");`,
    );
    this
      .addSql(`create function "cp_operator_audit_event_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'operator_audit_event is append-only'; end
    $$;`);
    this
      .addSql(`create trigger "operator_audit_event_append_only" before update or delete on "operator_audit_event"
      for each row execute function "cp_operator_audit_event_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "operator_audit_event";`);
    this.addSql(`drop function if exists "cp_operator_audit_event_append_only"();`);
    this.addSql(`alter table "tenant"
      drop column if exists "suspended_at",
      drop column if exists "suspended_reason",
      drop column if exists "suspended_by";`);
  }
}
