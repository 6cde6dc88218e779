import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { ROLES_FROM_CTES, rolesCtes } from '../roles/role.sql';
import { inTransaction, isUuid, json, PREPARE, query } from '../sql';
import { normalizeRoles, normalizeUserInput, userToInput } from './user.normalize';
import { rowToUser, USER_COLUMNS, USER_FROM, USER_SELECT, type UserRow } from './user.row';
import type { Source, UserAttributes, UserInput, UserRecord } from './user.types';
import { changedUserFields } from './user.diff';

export interface WriteOptions {
  /** Expected version (If-Match); a different current version fails with VERSION_MISMATCH. */
  ifMatch?: number;
}

const notFound = (id: string) => new DomainError('USER_NOT_FOUND', `User ${id} not found.`, { id });

function columnValues(attrs: UserAttributes): { placeholders: string[]; params: unknown[] } {
  return {
    placeholders: USER_COLUMNS.map((c) => (c.json ? '?::jsonb' : '?')),
    params: USER_COLUMNS.map((c) => (c.json ? json(c.get(attrs)) : c.get(attrs))),
  };
}

function noteUnknownManager(ctx: DirectoryContext, requested: string | null, user: UserRecord): void {
  if (requested && user.enterprise.managerId === null) {
    ctx.warnings.push(
      `manager ${requested} is not a user of this tenant; the manager reference was left empty.`,
    );
  }
}

/** Creates a user, its role assignments and the audit event in one statement (one round trip). */
export async function createUser(
  ctx: DirectoryContext,
  input: UserInput,
  source: Source,
): Promise<UserRecord> {
  const attrs = normalizeUserInput(input);
  const roles = normalizeRoles(input.roles);
  const id = randomUUID();
  // Only the attributes that are set: the statement stays short (its size is a real cost on the
  // wire), and absent ones take the column defaults (null, '[]').
  const present = USER_COLUMNS.filter((c) => {
    const v = c.get(attrs);
    return c.column === 'active' || (v !== null && !(Array.isArray(v) && v.length === 0));
  });
  const managerId = isUuid(attrs.enterprise.managerId) ? attrs.enterprise.managerId : null;
  const ctes = [
    `u as (insert into app_user (id, tenant_id, source${managerId ? ', manager_id' : ''}, ${present.map((c) => c.column).join(', ')})
      values (?, ?, ?${managerId ? ', (select id from app_user where tenant_id = ? and id = ?::uuid)' : ''}, ${present.map((c) => (c.json ? '?::jsonb' : '?')).join(', ')})
      returning *)`,
  ];
  const params: unknown[] = [
    id,
    ctx.tenantId,
    source,
    ...(managerId ? [ctx.tenantId, managerId] : []),
    ...present.map((c) => (c.json ? json(c.get(attrs)) : c.get(attrs))),
  ];
  if (roles.length > 0) {
    const r = rolesCtes(ctx.tenantId, 'u', roles, false);
    ctes.push(r.sql);
    params.push(...r.params);
  }
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.created',
      resourceType: 'User',
      resourceIdSql: 'u.id',
      changedFields: ['*'],
    },
    'from u',
  );
  ctes.push(`a as (${audit.sql})`);
  params.push(...audit.params);
  const rolesSql = roles.length > 0 ? ROLES_FROM_CTES : `'[]'::json`;
  const managerSql = managerId
    ? `m.user_name as manager_user_name, m.display_name as manager_display_name from u left join app_user m on m.id = u.manager_id`
    : `null as manager_user_name, null as manager_display_name from u`;
  const rows = await query<UserRow>(
    ctx.em,
    `with ${ctes.join(',\n')} select u.*, ${rolesSql} as roles_json, ${managerSql}`,
    params,
    PREPARE,
  );
  const user = rowToUser(rows[0]!);
  noteUnknownManager(ctx, attrs.enterprise.managerId, user);
  return user;
}

/** A user of the context's tenant, or USER_NOT_FOUND. */
export async function getUser(ctx: DirectoryContext, id: string): Promise<UserRecord> {
  const user = await findUser(ctx, id);
  if (!user) throw notFound(id);
  return user;
}

/** A user of the context's tenant, or null. */
export async function findUser(
  ctx: DirectoryContext,
  id: string,
  forUpdate = false,
): Promise<UserRecord | null> {
  if (!isUuid(id)) return null;
  if (forUpdate) {
    // Lock first, read after: a statement that waited for the lock re-reads only the locked row,
    // while its role and manager subqueries keep the snapshot taken before the wait. Reading in a
    // new statement sees what the previous holder committed (else parallel PATCHes lose roles).
    const locked = await query(
      ctx.em,
      `select 1 from app_user where tenant_id = ? and id = ? for update`,
      [ctx.tenantId, id],
      PREPARE,
    );
    if (locked.length === 0) return null;
  }
  const rows = await query<UserRow>(
    ctx.em,
    `select ${USER_SELECT} from ${USER_FROM} where u.tenant_id = ? and u.id = ?`,
    [ctx.tenantId, id],
    PREPARE,
  );
  return rows[0] ? rowToUser(rows[0]) : null;
}

/** Looks a user up by userName, case-insensitively. */
export async function findUserByUserName(
  ctx: DirectoryContext,
  userName: string,
): Promise<UserRecord | null> {
  const rows = await query<UserRow>(
    ctx.em,
    `select ${USER_SELECT} from ${USER_FROM} where u.tenant_id = ? and lower(u.user_name) = lower(?)`,
    [ctx.tenantId, userName],
    PREPARE,
  );
  return rows[0] ? rowToUser(rows[0]) : null;
}

/** Optimistic attempts before a change falls back to reading the user under a row lock. */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * Changes a user: lets `change` compute the new attributes from the current ones and writes the
 * difference with its audit event in one statement. A change that alters nothing (Entra re-sending
 * active=true) writes nothing and keeps the version.
 *
 * Outside a transaction the write is optimistic: the UPDATE applies only if the version read is
 * still current, else the change is recomputed from a fresh read (two round trips instead of a
 * transaction's five). After a few lost races, or inside a caller's transaction, the user is read
 * under a row lock instead. Either way no concurrent change is lost.
 */
export async function updateUser(
  ctx: DirectoryContext,
  id: string,
  change: (current: UserRecord) => UserInput,
  opts: WriteOptions = {},
): Promise<UserRecord> {
  if (!ctx.em.isInTransaction()) {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const written = await applyChange(ctx, id, await findUser(ctx, id), change, opts, true);
      if (written) return written;
    }
  }
  return inTransaction(
    ctx,
    async (tx) => (await applyChange(tx, id, await findUser(tx, id, true), change, opts, false))!,
  );
}

/** The changed user, or undefined when `optimistic` and the user changed since `current` was read. */
async function applyChange(
  ctx: DirectoryContext,
  id: string,
  current: UserRecord | null,
  change: (current: UserRecord) => UserInput,
  opts: WriteOptions,
  optimistic: boolean,
): Promise<UserRecord | undefined> {
  if (!current) throw notFound(id);
  if (opts.ifMatch !== undefined && opts.ifMatch !== current.version) {
    throw new DomainError('VERSION_MISMATCH', `User ${id} has changed (version ${current.version}).`, {
      id,
    });
  }
  const next = change(current);
  const attrs = normalizeUserInput(next);
  const roles = next.roles === undefined ? undefined : normalizeRoles(next.roles);
  const changed = changedUserFields(current, attrs, roles);
  if (changed.length === 0) return current;
  return writeUser(ctx, current, attrs, roles, changed, optimistic ? current.version : undefined);
}

async function writeUser(
  ctx: DirectoryContext,
  current: UserRecord,
  attrs: UserAttributes,
  roles: ReturnType<typeof normalizeRoles> | undefined,
  changed: string[],
  expectVersion: number | undefined,
): Promise<UserRecord | undefined> {
  const cols = columnValues(attrs);
  const managerId = isUuid(attrs.enterprise.managerId) ? attrs.enterprise.managerId : null;
  const sets = USER_COLUMNS.map((c, i) => `${c.column} = ${cols.placeholders[i]}`).join(', ');
  const ctes = [
    `u as (update app_user set ${sets},
        manager_id = (select id from app_user where tenant_id = ? and id = ?::uuid),
        version = version + 1, updated_at = now()
      where tenant_id = ? and id = ?${expectVersion === undefined ? '' : ' and version = ?'} returning *)`,
  ];
  const params: unknown[] = [
    ...cols.params,
    ctx.tenantId,
    managerId,
    ctx.tenantId,
    current.id,
    ...(expectVersion === undefined ? [] : [expectVersion]),
  ];
  const rolesChanged = roles !== undefined && changed.includes('roles');
  if (rolesChanged) {
    const r = rolesCtes(ctx.tenantId, 'u', roles, true);
    ctes.push(r.sql);
    params.push(...r.params);
  }
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.updated',
      resourceType: 'User',
      resourceIdSql: 'u.id',
      changedFields: changed,
    },
    'from u',
  );
  ctes.push(`a as (${audit.sql})`);
  params.push(...audit.params);
  const rolesSql = rolesChanged
    ? ROLES_FROM_CTES
    : `(select coalesce(json_agg(json_build_object('value', r.value, 'display', r.display, 'type', r.type, 'primary', ur."primary") order by r.value), '[]'::json) from user_role ur join role r on r.id = ur.role_id where ur.user_id = u.id)`;
  const rows = await query<UserRow>(
    ctx.em,
    `with ${ctes.join(',\n')}
     select u.*, ${rolesSql} as roles_json, m.user_name as manager_user_name, m.display_name as manager_display_name
     from u left join app_user m on m.id = u.manager_id`,
    params,
    PREPARE,
  );
  // No row: the optimistic version guard found the user changed meanwhile (or deleted).
  if (!rows[0]) return undefined;
  const user = rowToUser(rows[0]);
  noteUnknownManager(ctx, attrs.enterprise.managerId, user);
  return user;
}

/** Replaces every attribute (SCIM PUT, RFC 7644 §3.5.1): omitted attributes, roles included, become absent. */
export function replaceUser(ctx: DirectoryContext, id: string, input: UserInput, opts: WriteOptions = {}) {
  return updateUser(ctx, id, () => ({ ...input, roles: input.roles ?? [] }), opts);
}

/** Merges the given attributes into the user (GraphQL updateUser). */
export function patchUserAttributes(
  ctx: DirectoryContext,
  id: string,
  patch: Partial<UserInput>,
  opts: WriteOptions = {},
) {
  return updateUser(
    ctx,
    id,
    (current) => {
      const base = userToInput(current);
      return {
        ...base,
        ...patch,
        userName: patch.userName ?? base.userName,
        name: { ...base.name!, ...(patch.name ?? {}) },
        enterprise: { ...base.enterprise!, ...(patch.enterprise ?? {}) },
      };
    },
    opts,
  );
}

/** Activates or deactivates a user (idempotent). */
export function setUserActive(ctx: DirectoryContext, id: string, active: boolean) {
  return updateUser(ctx, id, (current) => ({ ...userToInput(current), active }));
}

/** Deletes a user; its memberships and role assignments go with it (foreign keys). */
export async function deleteUser(ctx: DirectoryContext, id: string, opts: WriteOptions = {}): Promise<void> {
  if (!isUuid(id)) throw notFound(id);
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.deleted',
      resourceType: 'User',
      resourceIdSql: 'd.id',
      changedFields: [],
    },
    'from d',
  );
  const versionSql = opts.ifMatch === undefined ? '' : ' and version = ?';
  const rows = await query<{ id: string }>(
    ctx.em,
    `with d as (delete from app_user where tenant_id = ? and id = ?${versionSql} returning id), a as (${audit.sql}) select id from d`,
    [ctx.tenantId, id, ...(opts.ifMatch === undefined ? [] : [opts.ifMatch]), ...audit.params],
    PREPARE,
  );
  if (rows.length === 0) {
    if (opts.ifMatch !== undefined && (await findUser(ctx, id))) {
      throw new DomainError('VERSION_MISMATCH', `User ${id} has changed.`, { id });
    }
    throw notFound(id);
  }
}
