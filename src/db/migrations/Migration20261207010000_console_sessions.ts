import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in for the web console (ADR 0010): a session is a random secret in an HttpOnly cookie,
 * stored here only as its SHA-256 hash; a setup link lets a tenant's first administrator in once.
 * Both are found by their hash (unique index), so a request costs one indexed lookup.
 */
export class Migration20261207010000_console_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "console_session" (
      "id" uuid primary key,
      "token_hash" bytea not null,
      "kind" text not null,
      "tenant_id" uuid null references "tenant" ("id") on delete cascade,
      "created_at" timestamptz not null default now(),
      "last_seen_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      "revoked_at" timestamptz null,
      constraint "console_session_token_hash_unique" unique ("token_hash"),
      constraint "console_session_kind_check" check (
        ("kind" = 'operator' and "tenant_id" is null) or ("kind" = 'tenant_admin' and "tenant_id" is not null)
      )
    );`);
    this.addSql(`create index "console_session_tenant_index" on "console_session" ("tenant_id");`);
    this.addSql(`create table "setup_link" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "secret_hash" bytea not null,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      constraint "setup_link_secret_hash_unique" unique ("secret_hash")
    );`);
    this.addSql(`create index "setup_link_tenant_index" on "setup_link" ("tenant_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "setup_link" cascade;`);
    this.addSql(`drop table if exists "console_session" cascade;`);
  }
}
