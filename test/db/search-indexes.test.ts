import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { migrateUp, openOrm } from '../../src/db/orm';
import { reportSearchIndexes } from '../../src/db/search-indexes';
import { query, sql } from '../../src/domain/sql';

function recorder() {
  const warned: string[] = [];
  return { warned, log: { warn: (_: object, msg?: string) => warned.push(msg ?? '') } };
}

describe('the search indexes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('start quietly when the trigram indexes were built', async () => {
    const { warned, log } = recorder();
    expect(await reportSearchIndexes(db.em(), log)).toEqual([]);
    expect(warned).toEqual([]);
  });

  it('say once at start-up that substring filters scan when a trigram index is missing', async () => {
    await query(db.em(), sql`drop index app_user_search_trigram`);
    const { warned, log } = recorder();
    expect(await reportSearchIndexes(db.em(), log)).toEqual(['app_user_search_trigram']);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/pg_trgm .* substring filters \(co, ew/);
  });
});

/**
 * A role that may create tables in its schema but not extensions in the database (as on a managed
 * server without pg_trgm, or with a restricted role): the migrations still succeed, every btree
 * index is there, and only the trigram indexes are missing.
 */
describe('the migrations, where pg_trgm cannot be created', () => {
  const admin = process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL ?? '';
  const suffix = randomBytes(4).toString('hex');
  const dbName = `cpd_test_notrgm_${suffix}`;
  const role = `cpd_notrgm_${suffix}`;
  const exec = async (url: string, statements: string[]) => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  };
  const url = (user?: string) => {
    const u = new URL(admin);
    u.pathname = `/${dbName}`;
    if (user) {
      u.username = user;
      u.password = 'x';
    }
    return u.toString();
  };

  beforeAll(async () => {
    await exec(admin, [`create database "${dbName}"`, `create role "${role}" login password 'x'`]);
    // The role owns the schema; it has no CREATE on the database, which a trusted extension needs.
    await exec(url(), [
      `revoke create on database "${dbName}" from public`,
      `alter schema public owner to "${role}"`,
    ]);
  });
  afterAll(async () => {
    await exec(admin, [`drop database if exists "${dbName}" with (force)`, `drop role if exists "${role}"`]);
  });

  it('succeed without the trigram indexes, and the service says so', async () => {
    const orm = await openOrm({ url: url(role), poolMax: 1 });
    try {
      const applied = await migrateUp(orm);
      expect(applied).toContain('Migration20261210010000_search_indexes');
      const indexes = await query<{ indexname: string }>(
        orm.em.fork(),
        sql`select indexname from pg_indexes where schemaname = current_schema() and (indexname like '%search_trigram' or indexname like '%_key') order by 1`,
      );
      expect(indexes.map((r) => r.indexname)).toEqual(
        expect.arrayContaining(['app_user_tenant_display_name_key', 'group_tenant_display_name_key']),
      );
      expect(indexes.map((r) => r.indexname).filter((n) => n.endsWith('trigram'))).toEqual([]);
      const { warned, log } = recorder();
      expect(await reportSearchIndexes(orm.em.fork(), log)).toEqual([
        'app_user_search_trigram',
        'group_search_trigram',
      ]);
      expect(warned).toHaveLength(1);
    } finally {
      await orm.close(true);
    }
  });
});
