import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant, buildUser } from '../support/factories';
import {
  assignRole,
  ensureRole,
  findRole,
  listRoles,
  unassignRole,
} from '../../src/domain/roles/role.service';
import { createUser } from '../../src/domain/users/user.service';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('roles', () => {
  it('creates tenant roles from user input, assigns one primary, and unassigns', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx, { roles: [{ value: 'Reader', primary: true }] });
    const withAdmin = await assignRole(ctx, user.id, { value: 'Admin', display: 'Administrator' }, true);
    expect(withAdmin.roles).toEqual([
      { value: 'Admin', display: 'Administrator', type: null, primary: true },
      { value: 'Reader', display: null, type: null, primary: false },
    ]);
    expect((await findRole(ctx, 'Admin'))?.display).toBe('Administrator');
    const without = await unassignRole(ctx, user.id, 'Reader');
    expect(without.roles.map((r) => r.value)).toEqual(['Admin']);
    await expect(
      assignRole(ctx, '00000000-0000-4000-8000-000000000000', { value: 'X' }),
    ).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });

  it('keeps one role row per value when many users with the same role are created at once', async () => {
    const { ctx } = await buildTenant(db);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createUser(
          { ...ctx, em: db.em() },
          { userName: `r${i}@x.test`, roles: [{ value: 'Admin' }] },
          'SCIM',
        ),
      ),
    );
    const roles = await listRoles(ctx, { first: 10 });
    expect(roles.items.map((r) => r.value)).toEqual(['Admin']);
    expect(roles.total).toBe(1);
  });

  it('pages roles by value and rejects an empty role value', async () => {
    const { ctx } = await buildTenant(db);
    for (const v of ['c', 'a', 'b']) await ensureRole(ctx, { value: v });
    const first = await listRoles(ctx, { first: 2 });
    expect(first.items.map((r) => r.value)).toEqual(['a', 'b']);
    expect(first.hasNext).toBe(true);
    const next = await listRoles(ctx, { first: 2, afterValue: 'b' });
    expect(next.items.map((r) => r.value)).toEqual(['c']);
    await expect(ensureRole(ctx, { value: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
