import { Migration } from '@mikro-orm/migrations';

/**
 * An API key or SCIM token is found by its visible prefix before its hash is compared. API keys
 * are looked up across tenants (the key names its tenant), so without this index every GraphQL
 * request authenticated by key scanned the credentials of all tenants.
 */
export class Migration20261126030000_credential_prefix_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "credential_prefix_index" on "credential" ("prefix");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "credential_prefix_index";`);
  }
}
