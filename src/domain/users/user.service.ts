import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import { memberRemovedOnDelete } from '../memberships/membership.events';
import type { DirectoryContext } from '../context';
import { archiveUsers, recordDeprovisioning } from '../deleted/deleted.sql';
import { scheduleMassDeprovisioningCheck } from '../deprovisioning/mass-deprovisioning.service';
import { DomainError } from '../errors';
import { ROLES_FROM_CTES, ROLES_JSON, rolesCtes, USER_ROLES_JSON } from '../roles/role.sql';
import { actingSql } from '../memberships/membership.history';
import { inTransaction, isUuid, json, PREPARE, query, sql, type SqlValue } from '../sql';
import { normalizeRoles, normalizeUserInput, userToInput } from './user.normalize';
import { rowToUser, USER_COLUMNS, USER_FROM, USER_SELECT, type UserRow } from './user.row';
import type { Source, UserAttributes, UserInput, UserRecord } from './user.types';
import { changedUserFields } from './user.diff';
import { userChanges, userStateJson } from './user.state';
import { assignments, roleEventCtes } from './user.role-events';

export interface WriteOptions {
  /** Expected version (If-Match); a different current version fails with VERSION_MISMATCH. */
  ifMatch?: number;
}

const notFound = (id: string) => new DomainError('USER_NOT_FOUND', `User ${id} not found.`, { id });

/** Each writable column, named once at load: its value bound (jsonb columns cast), and its SET. */
const COLUMNS = USER_COLUMNS.map((c) => {
  const name = sql.identifier(c.column);
  const value = c.json
    ? (a: UserAttributes) => sql`${json(c.get(a))}::jsonb`
    : (a: UserAttributes) => sql`${c.get(a) as SqlValue}`;
  const assign = c.json
    ? (a: UserAttributes) => sql`${name} = ${json(c.get(a))}::jsonb`
    : (a: UserAttributes) => sql`${name} = ${c.get(a) as SqlValue}`;
  return { column: c, name, value, assign };
});

const COMMA = sql`, `;
const CTES = sql`,\n`;
const U = sql`u`;
const U_ID = sql`u.id`;
const FROM_U = sql`from u`;
const D = sql`d`;
const D_ID = sql`d.id`;
/** After the membership events of a deletion (it reads them): memberships end, then the subject goes. */
const FROM_D_AFTER_M = sql`from d cross join (select count(*) from m) as after_m`;
const NO_ROLES = sql`'[]'::json`;
/** The roles of the deleted row `d`, read from the statement's snapshot (before the cascade). */
const DELETED_ROLES_JSON = sql`(select ${ROLES_JSON} from user_role ur join role r on r.id = ur.role_id where ur.user_id = d.id)`;

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
  const present = COLUMNS.filter(({ column: c }) => {
    const v = c.get(attrs);
    return c.column === 'active' || (v !== null && !(Array.isArray(v) && v.length === 0));
  });
  const managerId = isUuid(attrs.enterprise.managerId) ? attrs.enterprise.managerId : null;
  const names = sql.join(
    present.map((c) => c.name),
    COMMA,
  );
  const values = sql.join(
    present.map((c) => c.value(attrs)),
    COMMA,
  );
  const manager = managerId
    ? {
        name: sql`, manager_id`,
        value: sql`, (select id from app_user where tenant_id = ${ctx.tenantId} and id = ${managerId}::uuid)`,
      }
    : { name: sql.empty, value: sql.empty };
  const ctes = [
    sql`u as (insert into app_user (id, tenant_id, source${manager.name}, ${names})
      values (${id}, ${ctx.tenantId}, ${source}${manager.value}, ${values})
      returning *)`,
  ];
  if (roles.length > 0) ctes.push(rolesCtes(ctx.tenantId, U, roles, false));
  const rolesSql = roles.length > 0 ? ROLES_FROM_CTES : NO_ROLES;
  const state = userStateJson('u', rolesSql);
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.created',
      resourceType: 'User',
      resourceId: U_ID,
      changedFields: ['*'],
      data: state,
    },
    FROM_U,
  );
  ctes.push(sql`a as (${audit} returning id)`);
  ctes.push(...roleEventCtes(ctx, state, [], assignments(roles)));
  const managerSql = managerId
    ? sql`m.user_name as manager_user_name, m.display_name as manager_display_name from u left join app_user m on m.id = u.manager_id`
    : sql`null as manager_user_name, null as manager_display_name from u`;
  const rows = await query<UserRow>(
    ctx.em,
    sql`with ${sql.join(ctes, CTES)} select u.*, ${rolesSql} as roles_json, ${managerSql}`,
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
      sql`select 1 from app_user where tenant_id = ${ctx.tenantId} and id = ${id} for update`,
      PREPARE,
    );
    if (locked.length === 0) return null;
  }
  const rows = await query<UserRow>(
    ctx.em,
    sql`select ${USER_SELECT} from ${USER_FROM} where u.tenant_id = ${ctx.tenantId} and u.id = ${id}`,
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
    sql`select ${USER_SELECT} from ${USER_FROM} where u.tenant_id = ${ctx.tenantId} and lower(u.user_name) = lower(${userName})`,
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
  const managerId = isUuid(attrs.enterprise.managerId) ? attrs.enterprise.managerId : null;
  const sets = sql.join(
    COLUMNS.map((c) => c.assign(attrs)),
    COMMA,
  );
  const guard = expectVersion === undefined ? sql.empty : sql` and version = ${expectVersion}`;
  const ctes = [
    sql`u as (update app_user set ${sets},
        manager_id = (select id from app_user where tenant_id = ${ctx.tenantId} and id = ${managerId}::uuid),
        version = version + 1, updated_at = now()
      where tenant_id = ${ctx.tenantId} and id = ${current.id}${guard} returning *)`,
  ];
  const rolesChanged = roles !== undefined && changed.includes('roles');
  if (rolesChanged) ctes.push(rolesCtes(ctx.tenantId, U, roles, true));
  // Only a disable pays for this: the alert and restoreUsers(since) need to know who and when.
  const disabled = current.active && !attrs.active;
  if (disabled) ctes.push(sql`p as (${recordDeprovisioning(ctx, U, 'disabled')})`);
  const rolesSql = rolesChanged ? ROLES_FROM_CTES : USER_ROLES_JSON;
  const state = userStateJson('u', rolesSql);
  const newRoles = rolesChanged ? assignments(roles) : undefined;
  // A change of `active` is the event Entra's disable and enable are: user.disabled / user.enabled
  // (its changes list every attribute the request altered); any other change is user.updated.
  const action = changed.includes('active')
    ? attrs.active
      ? 'user.enabled'
      : 'user.disabled'
    : 'user.updated';
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action,
      resourceType: 'User',
      resourceId: U_ID,
      changedFields: changed,
      data: state,
      changes: sql`${json(userChanges(current, attrs, newRoles, changed))}::jsonb`,
    },
    FROM_U,
  );
  ctes.push(sql`a as (${audit} returning id)`);
  if (newRoles) ctes.push(...roleEventCtes(ctx, state, current.roles, newRoles));
  const rows = await query<UserRow>(
    ctx.em,
    sql`with ${sql.join(ctes, CTES)}
     select u.*, ${rolesSql} as roles_json, m.user_name as manager_user_name, m.display_name as manager_display_name
     from u left join app_user m on m.id = u.manager_id`,
    PREPARE,
  );
  // No row: the optimistic version guard found the user changed meanwhile (or deleted).
  if (!rows[0]) return undefined;
  const user = rowToUser(rows[0]);
  noteUnknownManager(ctx, attrs.enterprise.managerId, user);
  if (disabled) scheduleMassDeprovisioningCheck(ctx);
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

/**
 * Deletes a user; its memberships and role assignments go with it (foreign keys). The same
 * statement archives all three for restoreUser (ADR 0012), so the delete stays one round trip.
 */
export async function deleteUser(ctx: DirectoryContext, id: string, opts: WriteOptions = {}): Promise<void> {
  if (!isUuid(id)) throw notFound(id);
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.deleted',
      resourceType: 'User',
      resourceId: D_ID,
      changedFields: [],
      data: userStateJson('d', DELETED_ROLES_JSON),
    },
    FROM_D_AFTER_M,
  );
  // The memberships go with the user (foreign keys): each is a group.member_removed event.
  const removed = memberRemovedOnDelete(ctx, 'User', sql`coalesce(d.display_name, d.user_name)`);
  const versionSql = opts.ifMatch === undefined ? sql.empty : sql` and version = ${opts.ifMatch}`;
  const rows = await query<{ id: string; active: boolean }>(
    ctx.em,
    sql`with d as (delete from app_user where tenant_id = ${ctx.tenantId} and id = ${id}${versionSql} and ${actingSql(ctx)} returning *),
     k as (${archiveUsers(ctx, D)}), p as (${recordDeprovisioning(ctx, D, 'deleted')}), m as (${removed} returning 1), a as (${audit})
     select id, active from d`,
    PREPARE,
  );
  if (rows[0]?.active) scheduleMassDeprovisioningCheck(ctx);
  if (rows.length === 0) {
    if (opts.ifMatch !== undefined && (await findUser(ctx, id))) {
      throw new DomainError('VERSION_MISMATCH', `User ${id} has changed.`, { id });
    }
    throw notFound(id);
  }
}
