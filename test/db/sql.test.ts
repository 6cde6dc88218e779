import { createTestDatabase, type TestDatabase } from '../support/db';
import { inTransaction, PREPARE, query, sql } from '../../src/domain/sql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createExportSnapshots } from '../../src/db/export-snapshot';

// query() sends `sql` fragments to PostgreSQL with bound parameters; PREPARE ones as named prepared statements.
let db: TestDatabase;
let em: EntityManager;
beforeAll(async () => {
  db = await createTestDatabase();
  em = db.em();
  await query(em, sql`create table probe (id int primary key, label text)`);
});
afterAll(() => db.drop());

describe('session settings', () => {
  // JIT compiled the closure triggers' statements for ~500 ms each on a 70 ms nesting change (ADR 0020).
  it('every pooled session and every export snapshot runs with JIT off', async () => {
    await inTransaction({ em }, async (tx) => {
      expect(await query(tx.em, sql`show jit`)).toEqual([{ jit: 'off' }]);
    });
    const snapshot = await createExportSnapshots({ url: db.url })();
    const rows: unknown[] = [];
    for await (const row of snapshot.rows(sql`select current_setting('jit') as jit`)) rows.push(row);
    await snapshot.finish();
    expect(rows).toEqual([['off']]);
  });
});

describe('query(): prepared statements on the pool', () => {
  it('binds each value in order, with values of every kind passed through unchanged', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const statement = sql`select ${42}::int as n, ${`it's "quoted" \\ ?`}::text as s, ${false}::boolean as b, ${at}::timestamptz as t, ${null}::text as z, ${JSON.stringify({ k: [1, 'x'] })}::jsonb as j, ${'{"a","b c"}'}::text[] as a`;
    // Twice: the second run goes through the named statement.
    for (let i = 0; i < 2; i++) {
      const [row] = await query(em, statement);
      // Timestamps come back as PostgreSQL text (MikroORM's type parsers), the domain maps them.
      expect(new Date(String(row!.t)).toISOString()).toBe(at.toISOString());
      expect({ ...row, t: at }).toEqual({
        n: 42,
        s: `it's "quoted" \\ ?`,
        b: false,
        t: at,
        z: null,
        j: { k: [1, 'x'] },
        a: ['a', 'b c'],
      });
    }
  });

  it('keeps working when a table under a prepared select * gains a column (another deploy migrated)', async () => {
    await query(em, sql`insert into probe (id, label) values (1, 'one')`);
    const read = () => query(em, sql`select * from probe where id = ${1}`, PREPARE);
    // Prepared on every pooled connection the reads land on.
    for (let i = 0; i < 40; i++) expect(await read()).toEqual([{ id: 1, label: 'one' }]);
    await query(em, sql`alter table probe add column extra text default 'x'`);
    for (let i = 0; i < 40; i++) expect(await read()).toEqual([{ id: 1, label: 'one', extra: 'x' }]);
  });

  it('runs inside the open transaction: its reads see its writes, a rollback leaves nothing', async () => {
    const ctx = { em };
    await expect(
      inTransaction(ctx, async (tx) => {
        await query(tx.em, sql`insert into probe (id, label) values (${2}, ${'two'})`);
        expect(await query(tx.em, sql`select label from probe where id = ${2}`)).toEqual([{ label: 'two' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await query(em, sql`select label from probe where id = ${2}`)).toEqual([]);
  });

  it('prepares only statements marked PREPARE; others are planned with their values each time', async () => {
    await inTransaction({ em }, async (tx) => {
      // One transaction is one connection, so pg_prepared_statements shows what it holds.
      for (let i = 0; i < 3; i++) {
        await query(tx.em, sql`select count(*) from probe where label = ${'one'} /* planned each time */`);
        await query(tx.em, sql`select count(*) from probe where id = ${1} /* prepared */`, PREPARE);
      }
      const held = await query<{ statement: string }>(
        tx.em,
        sql`select statement from pg_prepared_statements where statement like '%probe%'`,
      );
      const texts = held.map((r) => r.statement);
      expect(texts).toContain(`select count(*) from probe where id = $1 /* prepared */`);
      expect(texts.filter((t) => t.includes('planned each time'))).toEqual([]);
    });
  });

  it('runs a jsonb ? operator: a literal question mark is SQL text, not a placeholder', async () => {
    const [row] = await query<{ has: boolean; any: boolean }>(
      em,
      sql`select ${JSON.stringify({ a: 1 })}::jsonb ? ${'a'} as has, ${JSON.stringify({ b: 1 })}::jsonb ?| array[${'a'}] as any`,
    );
    expect(row).toEqual({ has: true, any: false });
  });

  it('names prepared statements by their rendered text: equal texts built differently share one', async () => {
    await inTransaction({ em }, async (tx) => {
      const where = sql`id = ${1}`;
      for (let i = 0; i < 2; i++) {
        await query(tx.em, sql`select label from probe where ${where} /* shared */`, PREPARE);
        await query(tx.em, sql`select label from probe where id = ${1} /* shared */`, PREPARE);
      }
      const held = await query<{ statement: string }>(
        tx.em,
        sql`select statement from pg_prepared_statements where statement like '%shared%'`,
      );
      expect(held.map((r) => r.statement)).toEqual(['select label from probe where id = $1 /* shared */']);
    });
  });

  it('serves any number of distinct statement texts (only a bounded number are kept prepared)', async () => {
    for (let i = 0; i < 450; i++) {
      for (let k = 0; k < 2; k++) {
        const [row] = await query<{ v: number }>(
          em,
          sql`select ${k}::int + ${sql.raw(String(i))} as v`,
          PREPARE,
        );
        expect(row!.v).toBe(i + k);
      }
    }
  });
});
