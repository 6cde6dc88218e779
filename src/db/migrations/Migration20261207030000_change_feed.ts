import { Migration } from '@mikro-orm/migrations';

/**
 * The audit trail becomes the change feed (docs/changes.md): each event also records the
 * transaction that wrote it (`txid`), the subject's state after the change (`data`), what changed
 * (`changes`, old → new) and the acting credential's name. Readers page by (txid, id) and see only
 * events below the snapshot's xmin, so a transaction that commits late cannot slip an event in
 * behind a reader's cursor. No trigger announces new events: a NOTIFY inside the writing
 * transaction serialises concurrent commits on PostgreSQL's notify-queue lock (it halved write
 * throughput); the process announces a request's tenants after it instead (change.announce.ts).
 *
 * Indexes: (tenant_id, txid, id) is the feed's keyset; (tenant_id, resource_id, txid, id) serves
 * the subject filter and a resource's recent events; created_at serves the retention purge. They
 * replace the two older indexes, so a write keeps the same number of index entries.
 */
export class Migration20261207030000_change_feed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event"
      add column "txid" xid8 not null default pg_current_xact_id(),
      add column "actor_name" text null,
      add column "data" jsonb null,
      add column "changes" jsonb null;`);
    this.addSql(`create index "audit_event_feed_index" on "audit_event" ("tenant_id", "txid", "id");`);
    this.addSql(
      `create index "audit_event_subject_index" on "audit_event" ("tenant_id", "resource_id", "txid", "id");`,
    );
    this.addSql(`create index "audit_event_created_index" on "audit_event" ("created_at");`);
    this.addSql(`drop index if exists "audit_event_tenant_created_index";`);
    this.addSql(`drop index if exists "audit_event_resource_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index "audit_event_tenant_created_index" on "audit_event" ("tenant_id", "created_at");`,
    );
    this.addSql(`create index "audit_event_resource_index" on "audit_event" ("resource_id");`);
    this.addSql(`drop index if exists "audit_event_created_index";`);
    this.addSql(`drop index if exists "audit_event_subject_index";`);
    this.addSql(`drop index if exists "audit_event_feed_index";`);
    this.addSql(`alter table "audit_event"
      drop column "changes", drop column "data", drop column "actor_name", drop column "txid";`);
  }
}
