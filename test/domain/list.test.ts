import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser } from '../support/factories';
import { listUsers } from '../../src/domain/users/user.queries';
import { listGroups } from '../../src/domain/groups/group.queries';
import { parseFilter, parseSortBy } from '../../src/domain/query/filter/parser';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('listing with filter, sort and paging in PostgreSQL', () => {
  it('filters case-insensitively on userName and exactly on externalId, within the tenant only', async () => {
    const { ctx } = await buildTenant(db);
    const other = await buildTenant(db);
    await buildUser(other.ctx, { userName: 'Alice@x.test' });
    const alice = await buildUser(ctx, { userName: 'Alice@x.test', externalId: 'E1' });
    await buildUser(ctx, { userName: 'bob@x.test', externalId: 'e1' });
    const byName = await listUsers(ctx, { filter: parseFilter('userName eq "ALICE@X.TEST"'), count: 10 });
    expect(byName.items.map((u) => u.id)).toEqual([alice.id]);
    expect(byName.total).toBe(1);
    const byExt = await listUsers(ctx, { filter: parseFilter('externalId eq "E1"'), count: 10 });
    expect(byExt.items.map((u) => u.id)).toEqual([alice.id]);
  });

  it('walks every page exactly once with cursors, in both directions of a sort, with nulls', async () => {
    const { ctx } = await buildTenant(db);
    const titles = ['b', null, 'a', 'c', null, 'a', 'B', 'd', null, 'e', 'A'];
    const users = [];
    for (const title of titles) users.push(await buildUser(ctx, { title }));
    for (const sortOrder of ['ascending', 'descending']) {
      const seen: string[] = [];
      let cursor: string | undefined = '';
      let pages = 0;
      while (cursor !== undefined) {
        const page: Awaited<ReturnType<typeof listUsers>> = await listUsers(ctx, {
          sort: parseSortBy('title', sortOrder),
          count: 3,
          cursor,
        });
        seen.push(...page.items.map((u) => u.id));
        cursor = page.nextCursor;
        expect(page.total).toBe(titles.length);
        if (++pages > 10) throw new Error('paging does not end');
      }
      expect(seen.sort()).toEqual(users.map((u) => u.id).sort());
    }
  });

  it('pages by startIndex with an exact total and rejects a cursor from another sort', async () => {
    const { ctx } = await buildTenant(db);
    for (let i = 0; i < 5; i++) await buildGroup(ctx, { displayName: `G${i}` });
    const page = await listGroups(ctx, { sort: parseSortBy('displayName'), startIndex: 2, count: 2 });
    expect(page.items.map((g) => g.displayName)).toEqual(['G1', 'G2']);
    expect(page.total).toBe(5);
    const first = await listGroups(ctx, { count: 2, cursor: '' });
    await expect(
      listGroups(ctx, { sort: parseSortBy('displayName'), count: 2, cursor: first.nextCursor }),
    ).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    await expect(listGroups(ctx, { count: 2, cursor: 'garbage' })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('filters users by the groups they are directly in (RFC 7643 groups attribute)', async () => {
    const { ctx } = await buildTenant(db);
    const inGroup = await buildUser(ctx, { userName: 'member@x.test' });
    const loner = await buildUser(ctx, { userName: 'loner@x.test' });
    const g = await buildGroup(ctx, { displayName: 'Finance', members: [{ value: inGroup.id }] });
    const ids = async (f: string) =>
      (await listUsers(ctx, { filter: parseFilter(f), count: 10 })).items.map((u) => u.id);
    expect(await ids(`groups.value eq "${g.id}"`)).toEqual([inGroup.id]);
    expect(await ids('groups.display eq "finance"')).toEqual([inGroup.id]);
    expect(await ids('not (groups pr)')).toEqual([loner.id]);
  });
});
