import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks (docs/changes.md, ADR 0013). An endpoint keeps its own cursor in the change feed
 * (`cursor_txid`, `cursor_id`): a dispatcher moves the events behind it into `webhook_delivery`
 * rows and advances the cursor in the same statement, under a row lock taken with SKIP LOCKED, so
 * each event becomes one delivery per endpoint however many processes dispatch. Nothing here is
 * written by the SCIM path.
 *
 * Deliveries are claimed with a lease (`lease_until`, `lease_token`) rather than a lock held
 * across the HTTP call; a process that dies mid-call loses its lease and another sends again (at
 * least once). `webhook_delivery_subject_index` serves the ordering rule: a delivery waits while
 * an earlier one (by id) for the same endpoint and subject is still pending.
 *
 * Secrets are stored as they are shown (`whsec_…`): signing needs them, and there is no server
 * secret to encrypt them with (ADR 0013).
 */
export class Migration20261208010000_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "webhook_endpoint" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "url" text not null,
      "description" text not null default '',
      "event_types" text[] not null default '{}',
      "enabled" boolean not null default true,
      "secret" text not null,
      "previous_secret" text null,
      "previous_secret_until" timestamptz null,
      "cursor_txid" xid8 not null,
      "cursor_id" bigint not null default 0,
      "since_snapshot" pg_snapshot null,
      "failing_since" timestamptz null,
      "last_success_at" timestamptz null,
      "last_failure_at" timestamptz null,
      "disabled_at" timestamptz null,
      "disabled_reason" text null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(
      `create index "webhook_endpoint_tenant_index" on "webhook_endpoint" ("tenant_id", "created_at");`,
    );
    this.addSql(
      `create index "webhook_endpoint_enabled_index" on "webhook_endpoint" ("id") where "enabled";`,
    );

    this.addSql(`create table "webhook_delivery" (
      "id" bigint generated always as identity primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "endpoint_id" uuid not null references "webhook_endpoint" ("id") on delete cascade,
      "message_id" text not null,
      "event_id" bigint null,
      "event_type" text not null,
      "subject_key" text not null,
      "payload" jsonb null,
      "is_test" boolean not null default false,
      "redelivery_of" bigint null,
      "state" text not null default 'pending' check ("state" in ('pending', 'delivered', 'failed', 'cancelled')),
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz not null default now(),
      "lease_until" timestamptz null,
      "lease_token" uuid null,
      "last_status" int null,
      "last_error" text null,
      "created_at" timestamptz not null default now(),
      "finished_at" timestamptz null
    );`);
    this.addSql(`create index "webhook_delivery_due_index" on "webhook_delivery" ("next_attempt_at", "id")
      where "state" = 'pending';`);
    this
      .addSql(`create index "webhook_delivery_subject_index" on "webhook_delivery" ("endpoint_id", "subject_key", "id")
      where "state" = 'pending';`);
    this.addSql(
      `create index "webhook_delivery_endpoint_index" on "webhook_delivery" ("endpoint_id", "id");`,
    );

    this.addSql(`create table "webhook_attempt" (
      "id" bigint generated always as identity primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "delivery_id" bigint not null references "webhook_delivery" ("id") on delete cascade,
      "attempted_at" timestamptz not null,
      "status" int null,
      "latency_ms" int not null,
      "error" text null,
      "response_excerpt" text null
    );`);
    this.addSql(`create index "webhook_attempt_delivery_index" on "webhook_attempt" ("delivery_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_attempt";`);
    this.addSql(`drop table if exists "webhook_delivery";`);
    this.addSql(`drop table if exists "webhook_endpoint";`);
  }
}
