import { createTestDatabase, type TestDatabase } from '../support/db';
import { migrateDown, migrateUp } from '../../src/db/orm';
import { migrationsList } from '../../src/db/migrations';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const tables = async () =>
  (
    await query<{ table_name: string }>(
      db.em(),
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations' order by 1`,
    )
  ).map((r) => r.table_name);

describe('migrations', () => {
  it('build the whole schema on an empty database', async () => {
    expect(await tables()).toEqual([
      'app_user',
      'audit_event',
      'console_session',
      'credential',
      'deleted_group',
      'deleted_user',
      'group',
      'list_continuation',
      'list_count',
      'membership',
      'membership_closure',
      'membership_deleted_group',
      'membership_interval',
      'operator_audit_event',
      'provisioning_log',
      'role',
      'setup_link',
      'tenant',
      'user_deprovisioning',
      'user_role',
      'webhook_attempt',
      'webhook_delivery',
      'webhook_endpoint',
    ]);
  });

  it("index every foreign key a user or group delete follows (not the tenant's: a tenant delete is rare and empties whole tables)", async () => {
    // A cascade or check without an index reads the whole referencing table, every tenant's, for
    // each deleted row: a user delete read all memberships (~0.1 s per million) before the index.
    const unindexed = await query<{ fk: string }>(
      db.em(),
      sql`select c.conrelid::regclass || '.' || a.attname as fk
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
       where c.contype = 'f' and c.connamespace = 'public'::regnamespace and c.confrelid <> 'tenant'::regclass
         and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
       order by 1`,
    );
    expect(unindexed).toEqual([]);
  });

  it("sample the filters' expressions with 1,000 statistics bounds (a stray bound flipped a trigram plan)", async () => {
    const targets = await query<{ idx: string; target: number }>(
      db.em(),
      sql`select a.attrelid::regclass::text as idx, a.attstattarget::int as target
       from pg_index i join pg_attribute a on a.attrelid = i.indexrelid
       where i.indrelid in ('app_user'::regclass, '"group"'::regclass) and i.indkey[a.attnum - 1] = 0
       order by 1, a.attnum`,
    );
    expect(targets.map((t) => t.idx)).toEqual(
      expect.arrayContaining([
        'app_user_tenant_display_name_key',
        'app_user_search_trigram',
        'group_search_trigram',
      ]),
    );
    expect(targets.filter((t) => t.target !== 1000)).toEqual([]);
  });

  it('roll back completely and apply again', async () => {
    const reverted = await migrateDown(db.orm);
    expect(reverted).toEqual(migrationsList.map((m) => m.name).reverse());
    expect(await tables()).toEqual([]);
    const applied = await migrateUp(db.orm);
    expect(applied).toEqual(migrationsList.map((m) => m.name));
    expect(await tables()).toHaveLength(23);
  });

  it('apply nothing when the database is up to date', async () => {
    expect(await migrateUp(db.orm)).toEqual([]);
  });
});
