import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant, buildUser } from '../support/factories';
import {
  createUser,
  deleteUser,
  findUserByUserName,
  getUser,
  patchUserAttributes,
  replaceUser,
  setUserActive,
  updateUser,
} from '../../src/domain/users/user.service';
import { userToInput } from '../../src/domain/users/user.normalize';
import { DomainError } from '../../src/domain/errors';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const auditFor = (id: string) =>
  query<{ action: string; changed_fields: string[] }>(
    db.em(),
    sql`select action, changed_fields from audit_event where resource_id = ${id} order by id`,
  );

describe('users service', () => {
  it('creates a user with every attribute stored as sent, roles and an audit event', async () => {
    const { ctx } = await buildTenant(db);
    const manager = await buildUser(ctx, { displayName: 'Boss' });
    const user = await createUser(
      ctx,
      {
        userName: 'Ada@Example.com',
        externalId: 'ext-1',
        displayName: 'Ada Lovelace',
        name: { givenName: 'Ada', familyName: 'Lovelace' } as never,
        emails: [{ type: 'work', value: ' ADA@Example.com ', primary: true }],
        phoneNumbers: [{ type: 'mobile', value: '+44 (0) 1234' }],
        enterprise: { department: 'Maths', managerId: manager.id } as never,
        roles: [{ value: 'Admin', display: 'Administrator', primary: true }, { value: 'Reader' }],
      },
      'SCIM',
    );
    expect(user.userName).toBe('Ada@Example.com');
    expect(user.emails).toEqual([{ type: 'work', value: ' ADA@Example.com ', primary: true }]);
    expect(user.phoneNumbers[0]?.value).toBe('+44 (0) 1234');
    expect(user.enterprise.department).toBe('Maths');
    expect(user.manager).toEqual({ id: manager.id, userName: manager.userName, displayName: 'Boss' });
    expect(user.roles).toEqual([
      { value: 'Admin', display: 'Administrator', type: null, primary: true },
      { value: 'Reader', display: null, type: null, primary: false },
    ]);
    expect(user.version).toBe(1);
    expect(await getUser(ctx, user.id)).toEqual(user);
    // The user first, then one role.assigned per role (the change feed's order).
    expect((await auditFor(user.id)).map((a) => a.action)).toEqual([
      'user.created',
      'role.assigned',
      'role.assigned',
    ]);
  });

  it('rejects a userName that differs only in case, and keeps one row', async () => {
    const { ctx } = await buildTenant(db);
    await buildUser(ctx, { userName: 'Bob@Example.com' });
    await expect(buildUser(ctx, { userName: 'bob@example.COM' })).rejects.toMatchObject({
      code: 'USER_NAME_TAKEN',
    });
    expect((await findUserByUserName(ctx, 'BOB@example.com'))?.userName).toBe('Bob@Example.com');
  });

  it('allows the same userName in two tenants and the same externalId on many users', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    await buildUser(a.ctx, { userName: 'same@x.test', externalId: 'dup' });
    await buildUser(b.ctx, { userName: 'same@x.test', externalId: 'dup' });
    await buildUser(a.ctx, { externalId: 'dup' });
    await expect(getUser(b.ctx, (await findUserByUserName(a.ctx, 'same@x.test'))!.id)).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });

  it('rejects an empty userName as INVALID_INPUT', async () => {
    const { ctx } = await buildTenant(db);
    await expect(createUser(ctx, { userName: '  ' }, 'SCIM')).rejects.toBeInstanceOf(DomainError);
  });

  it('updates by delta, bumps the version, records changed fields, and skips no-op changes', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx);
    const updated = await patchUserAttributes(ctx, user.id, { title: 'CTO', displayName: 'X' });
    expect(updated.title).toBe('CTO');
    expect(updated.version).toBe(2);
    const again = await setUserActive(ctx, user.id, true);
    expect(again.version).toBe(2);
    const disabled = await setUserActive(ctx, user.id, false);
    expect(disabled.active).toBe(false);
    expect(disabled.version).toBe(3);
    const audit = await auditFor(user.id);
    // Setting active=false is user.disabled in the change feed.
    expect(audit.map((a) => a.action)).toEqual(['user.created', 'user.updated', 'user.disabled']);
    expect(audit[1]?.changed_fields.sort()).toEqual(['display_name', 'title']);
  });

  it('replaces a user: omitted attributes become absent, roles replaced assertively', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx, { title: 'T', roles: [{ value: 'A' }, { value: 'B' }] });
    const replaced = await replaceUser(ctx, user.id, {
      userName: user.userName,
      roles: [{ value: 'B' }, { value: 'C' }],
    });
    expect(replaced.title).toBeNull();
    expect(replaced.roles.map((r) => r.value)).toEqual(['B', 'C']);
    const withoutRoles = await replaceUser(ctx, user.id, { userName: user.userName });
    expect(withoutRoles.roles).toEqual([]);
  });

  it('fails with VERSION_MISMATCH when If-Match is stale and writes nothing', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx);
    await expect(patchUserAttributes(ctx, user.id, { title: 'x' }, { ifMatch: 7 })).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
    });
    expect((await getUser(ctx, user.id)).title).toBeNull();
    await expect(deleteUser(ctx, user.id, { ifMatch: 9 })).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
    });
  });

  it('deletes a user, then reports it not found', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx);
    await deleteUser(ctx, user.id);
    await expect(getUser(ctx, user.id)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(deleteUser(ctx, user.id)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(deleteUser(ctx, 'not-a-uuid')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect((await auditFor(user.id)).map((a) => a.action)).toEqual(['user.created', 'user.deleted']);
  });

  it('gives one success and only USER_NAME_TAKEN errors for 16 parallel creates of one userName', async () => {
    const { ctx } = await buildTenant(db);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        createUser({ ...ctx, em: db.em() }, { userName: i % 2 ? 'RACE@x.test' : 'race@x.test' }, 'SCIM'),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'USER_NAME_TAKEN' });
  });

  it('leaves an unknown manager empty and reports a warning', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx, {
      enterprise: { managerId: '00000000-0000-4000-8000-000000000000' } as never,
    });
    expect(user.enterprise.managerId).toBeNull();
    expect(ctx.warnings.join()).toMatch(/manager/);
  });

  it('loses no change when 24 updates of one user race (each appends an e-mail and a role)', async () => {
    const { ctx } = await buildTenant(db);
    const user = await buildUser(ctx, { emails: [], roles: [] });
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        updateUser({ ...ctx, warnings: [] }, user.id, (current) => {
          const input = userToInput(current);
          return {
            ...input,
            emails: [...(input.emails ?? []), { value: `e${i}@example.com`, type: `t${i}` }],
            roles: [...(input.roles ?? []), { value: `Role${i}` }],
          };
        }),
      ),
    );
    const after = await getUser(ctx, user.id);
    expect(after.emails.map((e) => e.value).sort()).toEqual(
      Array.from({ length: 24 }, (_, i) => `e${i}@example.com`).sort(),
    );
    expect(after.roles.map((r) => r.value).sort()).toEqual(
      Array.from({ length: 24 }, (_, i) => `Role${i}`).sort(),
    );
    // One version step and one audit event per applied change; no role exists unassigned.
    expect(after.version).toBe(25);
    expect((await auditFor(user.id)).filter((a) => a.action === 'user.updated')).toHaveLength(24);
    const orphans = await query<{ n: string }>(
      db.em(),
      sql`select count(*) as n from role r where r.tenant_id = ${ctx.tenantId} and not exists (select 1 from user_role ur where ur.role_id = r.id)`,
    );
    expect(Number(orphans[0]!.n)).toBe(0);
  });
});
