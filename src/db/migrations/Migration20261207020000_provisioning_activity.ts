import { Migration } from '@mikro-orm/migrations';

/**
 * What the console's Activity, Health and Connection pages read from the provisioning log, stored
 * when each entry is written (the SCIM route already knows it), and the indexes that keep a page
 * of one tenant's log fast over a million rows whichever filter is set: each is tenant-leading and
 * ends in the keyset (created_at desc, id desc), so a page is an index range read in order. Entries
 * written before this migration have no classification (null). Also: user_role in (role_id,
 * user_id) order, for a role's holders page by page.
 */
export class Migration20261207020000_provisioning_activity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "provisioning_log"
      add column "operation" text null check ("operation" in ('CREATE', 'UPDATE', 'DISABLE', 'DELETE', 'READ')),
      add column "resource_type" text null check ("resource_type" in ('USER', 'GROUP')),
      add column "resource_id" text null,
      add column "resource_name" text null,
      add column "response_body" jsonb null,
      add column "credential_id" uuid null,
      add column "test_connection" boolean not null default false;`);
    this.addSql(`drop index if exists "provisioning_log_tenant_created_index";`);
    this.addSql(
      `create index "provisioning_log_tenant_created_id_index" on "provisioning_log" ("tenant_id", "created_at" desc, "id" desc);`,
    );
    // status included: an index-only scan needs every column the condition reads, and PostgreSQL
    // does not take status from the expression; failure counts then never touch the table.
    this.addSql(
      `create index "provisioning_log_tenant_failed_index" on "provisioning_log" ("tenant_id", ("status" >= 400), "created_at" desc, "id" desc) include ("status");`,
    );
    this.addSql(
      `create index "provisioning_log_tenant_operation_index" on "provisioning_log" ("tenant_id", "operation", "created_at" desc, "id" desc);`,
    );
    this.addSql(
      `create index "provisioning_log_tenant_resource_type_index" on "provisioning_log" ("tenant_id", "resource_type", "created_at" desc, "id" desc);`,
    );
    // Search is a prefix of the lower-cased name: text_pattern_ops serves LIKE 'abc%' in any collation.
    // Not partial: ANALYZE keeps statistics on the expression only for such an index, and without
    // them a rare prefix was estimated at 5,000 rows and read newest-first through the whole log.
    this.addSql(
      `create index "provisioning_log_tenant_resource_name_index" on "provisioning_log" ("tenant_id", lower("resource_name") text_pattern_ops);`,
    );
    // A DELETE names only the id; its name is taken from the newest earlier entry for that id.
    this.addSql(
      `create index "provisioning_log_tenant_resource_id_index" on "provisioning_log" ("tenant_id", "resource_id", "id" desc) where "resource_id" is not null;`,
    );
    this.addSql(
      `create index "provisioning_log_test_connection_index" on "provisioning_log" ("tenant_id", "created_at" desc) where "test_connection";`,
    );
    // Role.users pages a role's holders in user id order.
    this.addSql(`create index "user_role_role_user_index" on "user_role" ("role_id", "user_id");`);
    this.addSql(`drop index if exists "user_role_role_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "user_role_role_index" on "user_role" ("role_id");`);
    this.addSql(`drop index if exists "user_role_role_user_index";`);
    for (const index of [
      'provisioning_log_test_connection_index',
      'provisioning_log_tenant_resource_id_index',
      'provisioning_log_tenant_resource_name_index',
      'provisioning_log_tenant_resource_type_index',
      'provisioning_log_tenant_operation_index',
      'provisioning_log_tenant_failed_index',
      'provisioning_log_tenant_created_id_index',
    ]) {
      this.addSql(`drop index if exists "${index}";`);
    }
    this.addSql(
      `create index "provisioning_log_tenant_created_index" on "provisioning_log" ("tenant_id", "created_at" desc);`,
    );
    this.addSql(`alter table "provisioning_log"
      drop column "operation", drop column "resource_type", drop column "resource_id",
      drop column "resource_name", drop column "response_body", drop column "credential_id",
      drop column "test_connection";`);
  }
}
