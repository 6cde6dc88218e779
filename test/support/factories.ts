import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DirectoryContext, OperatorContext } from '../../src/domain/context';
import { createTenant, type TenantRecord } from '../../src/domain/tenants/tenant.service';
import { createUser } from '../../src/domain/users/user.service';
import { createGroup } from '../../src/domain/groups/group.service';
import type { UserInput } from '../../src/domain/users/user.types';
import type { GroupInput } from '../../src/domain/groups/group.types';
import type { TestDatabase } from './db';

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function uniq(prefix = 'x'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function operatorContext(em: EntityManager): OperatorContext {
  return { actor: { kind: 'operator', id: 'operator' }, em, requestId: uniq('req'), log: silentLog };
}

/** A fresh tenant and a context acting in it (as a SCIM client). */
export async function buildTenant(
  db: TestDatabase,
): Promise<{ tenant: TenantRecord; scimToken: string; ctx: DirectoryContext }> {
  const { tenant, scimToken } = await createTenant(operatorContext(db.em()), {
    slug: uniq('t'),
    name: 'Test tenant',
  });
  return { tenant, scimToken, ctx: tenantContext(db, tenant.id) };
}

export function tenantContext(db: TestDatabase, tenantId: string): DirectoryContext {
  return {
    tenantId,
    actor: { kind: 'scim', id: 'test' },
    em: db.em(),
    requestId: uniq('req'),
    log: silentLog,
    warnings: [],
  };
}

export function buildUser(ctx: DirectoryContext, overrides: Partial<UserInput> = {}) {
  return createUser(ctx, { userName: `${uniq('user')}@example.com`, ...overrides }, 'SCIM');
}

export function buildGroup(ctx: DirectoryContext, overrides: Partial<GroupInput> = {}) {
  return createGroup(ctx, { displayName: uniq('group'), ...overrides }, 'SCIM');
}
