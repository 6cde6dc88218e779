/**
 * Offset paging that continues from the previous page's end (ADR 0019) must give exactly what
 * OFFSET gives at the moment of each request: same ids, same order, same exact total, whatever was
 * written between the pages, by whichever instance. Each page is compared with an independent
 * OFFSET query run right after it; the statements logged show that the continuation and the
 * remembered total were actually used when nothing changed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { openOrm, type Orm } from '../../../src/db/orm';
import type { DirectoryContext } from '../../../src/domain/context';
import { parseFilter } from '../../../src/domain/query/filter/parser';
import type { ListRequest } from '../../../src/domain/query/list';
import { inTransaction, query, sql, type SqlFragment } from '../../../src/domain/sql';
import { listUsers } from '../../../src/domain/users/user.queries';
import { createUser, deleteUser, updateUser } from '../../../src/domain/users/user.service';
import { listGroups } from '../../../src/domain/groups/group.queries';
import { createGroup } from '../../../src/domain/groups/group.service';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { buildTenant, tenantContext } from '../../support/factories';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db.drop());

/** The page OFFSET gives now, and the total, by a statement written here (not by list.ts). */
async function reference(
  ctx: DirectoryContext,
  order: SqlFragment,
  where: SqlFragment,
  startIndex: number,
  count: number,
): Promise<{ ids: string[]; total: number }> {
  const em = db.em();
  const ids = await query<{ id: string }>(
    em,
    sql`select /* reference */ u.id from app_user u where u.tenant_id = ${ctx.tenantId} and ${where}
     order by ${order} limit ${count} offset ${startIndex - 1}`,
  );
  const [n] = await query<{ n: string }>(
    em,
    sql`select /* reference */ count(*) as n from app_user u where u.tenant_id = ${ctx.tenantId} and ${where}`,
  );
  return { ids: ids.map((r) => r.id), total: Number(n!.n) };
}

const BY_CREATED = sql`u.created_at asc nulls last, u.id asc`;
const BY_USER_NAME = sql`lower(u.user_name) asc nulls last, u.id asc`;
const BY_DISPLAY_NAME_DESC = sql`lower(u.display_name) desc nulls first, u.id desc`;
const ALL = sql`true`;

/** A context on `em` (a fresh fork each call, like a request). */
function ctxOn(ctx: DirectoryContext, em: () => EntityManager): DirectoryContext {
  return { ...ctx, em: em() };
}

/** Page statements run since `mark` that skipped rows with OFFSET, and count statements. */
function statementsSince(log: string[], mark: number): { offsets: number; counts: number } {
  const since = log.slice(mark).filter((q) => !q.includes('/* reference */'));
  return {
    offsets: since.filter((q) => /from app_user u/.test(q) && / offset /.test(q)).length,
    counts: since.filter((q) => /select count\(\*\) as n, \(select coalesce/.test(q)).length,
  };
}

async function seedUsers(ctx: DirectoryContext, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // Few distinct display names: sorting by them exercises the id tie-break.
    const u = await createUser(
      ctx,
      {
        userName: `m${String(i).padStart(3, '0')}@x.test`,
        displayName: `Team ${i % 4}`,
        title: i % 3 ? 'eng' : null,
      },
      'SCIM',
    );
    ids.push(u.id);
  }
  return ids;
}

/** Walks startIndex pages to the end, checking each against OFFSET right after it is served. */
async function walk(
  ctx: () => DirectoryContext,
  req: Omit<ListRequest, 'startIndex' | 'count'>,
  order: SqlFragment,
  where: SqlFragment,
  count: number,
  between: (startIndex: number) => Promise<void> = async () => undefined,
): Promise<string[]> {
  const seen: string[] = [];
  for (let startIndex = 1; ; startIndex += count) {
    const c = ctx();
    const page = await listUsers(c, { ...req, startIndex, count });
    const expected = await reference(c, order, where, startIndex, count);
    expect({ startIndex, ids: page.items.map((u) => u.id), total: page.total }).toEqual({
      startIndex,
      ids: expected.ids,
      total: expected.total,
    });
    seen.push(...page.items.map((u) => u.id));
    if (!page.hasNext) return seen;
    await between(startIndex);
  }
}

describe('startIndex paging continues from the previous page', () => {
  let ctx: DirectoryContext;
  let ids: string[];
  beforeAll(async () => {
    ctx = (await buildTenant(db)).ctx;
    ids = await seedUsers(ctx, 47);
  }, 60_000);
  const fresh = () => ctxOn(ctx, () => db.em());

  it('walks to the end with the ids, order and total of OFFSET, counting once and never skipping rows', async () => {
    const mark = db.queries.length;
    const seen = await walk(fresh, {}, BY_CREATED, ALL, 10);
    expect(seen).toEqual(ids);
    // Pages 2..5 continued from the remembered end; the total was counted for page 1 only.
    expect(statementsSince(db.queries, mark)).toEqual({ offsets: 0, counts: 1 });
  });

  it('gives OFFSET answers with a filter and a descending sort with ties', async () => {
    const filter = parseFilter('title eq "eng"');
    const sort = { path: { attr: 'displayName' }, descending: true };
    const mark = db.queries.length;
    const seen = await walk(fresh, { filter, sort }, BY_DISPLAY_NAME_DESC, sql`u.title = 'eng'`, 7);
    expect(seen).toHaveLength(31);
    expect(statementsSince(db.queries, mark)).toEqual({ offsets: 0, counts: 1 });
  });

  it('answers a cold deep page (no continuation) like OFFSET', async () => {
    const page = await listUsers(fresh(), { startIndex: 33, count: 5 });
    expect(page.items.map((u) => u.id)).toEqual(ids.slice(32, 37));
    expect(page.total).toBe(47);
    const tail = await listUsers(fresh(), { startIndex: 45, count: 5 });
    expect(tail.items.map((u) => u.id)).toEqual(ids.slice(44));
    expect(tail.hasNext).toBe(false);
    const past = await listUsers(fresh(), { startIndex: 60, count: 5 });
    expect({ items: past.items, total: past.total }).toEqual({ items: [], total: 47 });
  });
});

describe('a write between pages makes the next page OFFSET again', () => {
  let ctx: DirectoryContext;
  beforeAll(async () => {
    ctx = (await buildTenant(db)).ctx;
    await seedUsers(ctx, 30);
  }, 60_000);
  const fresh = () => ctxOn(ctx, () => db.em());
  const sortByUserName = { sort: { path: { attr: 'userName' }, descending: false } };

  it('a user inserted before the key', async () => {
    await walk(fresh, sortByUserName, BY_USER_NAME, ALL, 8, async (startIndex) => {
      await createUser(fresh(), { userName: `a-${startIndex}@x.test` }, 'SCIM');
    });
  });

  it('a user deleted before the key', async () => {
    const victims = (await listUsers(fresh(), { ...sortByUserName, count: 3 })).items.map((u) => u.id);
    await walk(fresh, sortByUserName, BY_USER_NAME, ALL, 8, async () => {
      const id = victims.shift();
      if (id) await deleteUser(fresh(), id);
    });
  });

  it('a sort value moved across the key', async () => {
    const first = (await listUsers(fresh(), { ...sortByUserName, count: 3 })).items.map((u) => u.id);
    let n = 0;
    await walk(fresh, sortByUserName, BY_USER_NAME, ALL, 8, async () => {
      const id = first[n++];
      if (id) await updateUser(fresh(), id, (u) => ({ userName: `zz-${n}-${u.userName}` }));
    });
  });

  it('a total remembered for page 1 is not used after an insert or a delete', async () => {
    const p1 = await listUsers(fresh(), { startIndex: 1, count: 5 });
    const added = await createUser(fresh(), { userName: 'counted@x.test' }, 'SCIM');
    const p2 = await listUsers(fresh(), { startIndex: 6, count: 5 });
    expect(p2.total).toBe(p1.total + 1);
    await deleteUser(fresh(), added.id);
    await deleteUser(fresh(), p1.items[0]!.id);
    const p3 = await listUsers(fresh(), { startIndex: 11, count: 5 });
    expect(p3.total).toBe(p1.total - 1);
  });

  it('a transaction that commits after a later one (its id below the token) is not missed', async () => {
    // T1 takes its transaction id first and holds it; T2 commits a later id. A page served now
    // sees T2's event as the tenant's latest, yet T1's user is still to come, before the key.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const begun = new Promise<void>((r) => (started = r));
    const t1 = inTransaction(fresh(), async (tx) => {
      await createUser(tx, { userName: 'aaa-late-commit@x.test' }, 'SCIM');
      started();
      await gate;
    });
    await begun;
    await createUser(fresh(), { userName: 'zzz-early-commit@x.test' }, 'SCIM');
    const p1 = await listUsers(fresh(), { ...sortByUserName, startIndex: 1, count: 8 });
    release();
    await t1;
    const p2 = await listUsers(fresh(), { ...sortByUserName, startIndex: 9, count: 8 });
    const expected = await reference(ctx, BY_USER_NAME, ALL, 9, 8);
    expect({ ids: p2.items.map((u) => u.id), total: p2.total }).toEqual(expected);
    expect(p2.total).toBe(p1.total + 1);
  });
});

describe('two app instances share continuations and totals', () => {
  let other: Orm;
  const otherLog: string[] = [];
  beforeAll(async () => {
    other = await openOrm({ url: db.url, poolMax: 2, onQuery: (q) => otherLog.push(q) });
  });
  afterAll(() => other.close(true));

  it('alternating instances give OFFSET answers; the second continues from pages the first served', async () => {
    const { ctx } = await buildTenant(db);
    await seedUsers(ctx, 25);
    let i = 0;
    const alternate = () => ctxOn(ctx, () => (i++ % 2 === 0 ? db.em() : other.em.fork()));
    const mark = otherLog.length;
    await walk(alternate, {}, BY_CREATED, ALL, 6, async (startIndex) => {
      // A write through the first instance between two pages, read by the second.
      if (startIndex === 7)
        await createUser(tenantContext(db, ctx.tenantId), { userName: 'a@x.test' }, 'SCIM');
    });
    const onOther = statementsSince(otherLog, mark);
    expect(onOther.offsets).toBe(0);
  });
});

describe('cursor paging (GraphQL connections) with totalCount', () => {
  it('counts once, then uses the remembered total until a write changes it', async () => {
    const { ctx } = await buildTenant(db);
    await seedUsers(ctx, 12);
    const fresh = () => tenantContext(db, ctx.tenantId);
    const mark = db.queries.length;
    const p1 = await listUsers(fresh(), { count: 5, cursor: '' });
    const p2 = await listUsers(fresh(), { count: 5, cursor: p1.nextCursor! });
    expect([p1.total, p2.total]).toEqual([12, 12]);
    expect(statementsSince(db.queries, mark).counts).toBe(1);
    await createUser(fresh(), { userName: 'late@x.test' }, 'SCIM');
    const p3 = await listUsers(fresh(), { count: 5, cursor: p2.nextCursor! });
    expect(p3.total).toBe(13);
    expect(p3.items.map((u) => u.userName)).toEqual(['m010@x.test', 'm011@x.test', 'late@x.test']);
  });
});

describe('groups', () => {
  it('walk like OFFSET', async () => {
    const { ctx } = await buildTenant(db);
    const made: string[] = [];
    for (let i = 0; i < 13; i++) made.push((await createGroup(ctx, { displayName: `G${i}` }, 'SCIM')).id);
    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= 13; startIndex += 4) {
      const page = await listGroups(tenantContext(db, ctx.tenantId), { startIndex, count: 4 });
      expect(page.total).toBe(13);
      seen.push(...page.items.map((g) => g.id));
    }
    expect(seen).toEqual(made);
  });
});
