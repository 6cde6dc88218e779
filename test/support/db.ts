import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { migrateUp, openOrm, type Orm } from '../../src/db/orm';

export interface TestDatabase {
  url: string;
  orm: Orm;
  /** A fresh fork of the ORM's EntityManager. */
  em(): EntityManager;
  /** SQL statements seen since the last reset (for query-count assertions). */
  queries: string[];
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('No test database server: jest globalSetup sets TEST_ADMIN_DATABASE_URL');
  return url;
}

/** Creates a database of its own for one test file, built from the migrations. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  const name = `cpd_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const queries: string[] = [];
  const orm = await openOrm({ url: url.toString(), poolMax: 20, onQuery: (sql) => queries.push(sql) });
  await migrateUp(orm);
  queries.length = 0;
  return {
    url: url.toString(),
    orm,
    em: () => orm.em.fork(),
    queries,
    drop: async () => {
      await orm.close(true);
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}
