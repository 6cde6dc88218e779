import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { DomainError, isDomainError } from '../errors';
import { ROLES_FROM_CTES, rolesCtes } from '../roles/role.sql';
import { inTransaction, isUuid, pgArray, PREPARE, query, sql } from '../sql';
import { findUser } from '../users/user.service';
import { userStateJson } from '../users/user.state';
import type { RoleInput, UserRecord } from '../users/user.types';
import type { RestoreConflict, RestoreUsersResult } from './deleted.types';
import { restoreMemberships } from './deleted.restore';

const U = sql`u`;
const U_ID = sql`u.id`;
const FROM_U = sql`from u`;

const notDeleted = (id: string) =>
  new DomainError(
    'USER_NOT_FOUND',
    `No deleted user ${id} to restore in this tenant (never deleted, already restored, or purged after the retention period).`,
    { id },
  );

/**
 * Puts a deleted user back from its archive (ADR 0012): the same id and stored attributes (version
 * bumped), its roles, its memberships of groups that still exist, its manager if still a user, and
 * itself as manager of the users it managed whose manager is still empty. One transaction; a
 * userName taken meanwhile is USER_NAME_TAKEN naming the user that holds it, and nothing changes.
 */
export async function restoreUser(ctx: DirectoryContext, id: string): Promise<UserRecord> {
  if (!isUuid(id)) throw notDeleted(id);
  return inTransaction(ctx, async (tx) => {
    const archived = await query<{ user_name: string; roles: RoleInput[]; reports: string[] }>(
      tx.em,
      sql`select user_name, roles, reports from deleted_user where tenant_id = ${tx.tenantId} and id = ${id} for update`,
      PREPARE,
    );
    const a = archived[0];
    if (!a) throw notDeleted(id);
    const audit = auditInsert(
      tx,
      {
        tenantId: tx.tenantId,
        action: 'user.restored',
        resourceType: 'User',
        resourceId: U_ID,
        changedFields: ['*'],
        // The restored state, its roles from this statement's role CTEs (the feed's payload).
        data: userStateJson('u', a.roles.length > 0 ? ROLES_FROM_CTES : sql`'[]'::json`),
      },
      FROM_U,
    );
    const ctes = [
      sql`u as (insert into app_user select (p).* from (
          select jsonb_populate_record(null::app_user, k.record || jsonb_build_object(
            'version', (k.record->>'version')::integer + 1,
            'updated_at', now(),
            'manager_id', (select m.id from app_user m where m.tenant_id = k.tenant_id and m.id = (k.record->>'manager_id')::uuid))) as p
          from deleted_user k where k.tenant_id = ${tx.tenantId} and k.id = ${id}) s
        on conflict do nothing returning *)`,
    ];
    if (a.roles.length > 0) ctes.push(rolesCtes(tx.tenantId, U, a.roles, false));
    ctes.push(sql`a as (${audit})`);
    const inserted = await query(tx.em, sql`with ${sql.join(ctes, sql`,\n`)} select id from u`);
    if (inserted.length === 0) throw await userNameClash(tx, id, a.user_name);
    await restoreMemberships(tx, 'deleted_user', id);
    if (a.reports.length > 0) await restoreReports(tx, id, a.reports);
    await query(
      tx.em,
      sql`delete from deleted_user where tenant_id = ${tx.tenantId} and id = ${id}`,
      PREPARE,
    );
    return (await findUser(tx, id))!;
  });
}

async function userNameClash(ctx: DirectoryContext, id: string, userName: string): Promise<DomainError> {
  const rows = await query<{ id: string; user_name: string }>(
    ctx.em,
    sql`select id, user_name from app_user where tenant_id = ${ctx.tenantId} and (lower(user_name) = lower(${userName}) or id = ${id})`,
  );
  const holder = rows[0];
  return new DomainError(
    'USER_NAME_TAKEN',
    holder && holder.id !== id
      ? `Cannot restore user ${id}: its userName "${userName}" is now used by user ${holder.id} ("${holder.user_name}"). Rename or delete that user, then restore again.`
      : `Cannot restore user ${id}: it exists again.`,
    { id, userName, conflictingId: holder?.id ?? null },
  );
}

/** The restored user becomes the manager again of those it managed whose manager is still empty. */
async function restoreReports(ctx: DirectoryContext, id: string, reports: string[]): Promise<void> {
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.updated',
      resourceType: 'User',
      resourceId: U_ID,
      changedFields: ['manager'],
    },
    FROM_U,
  );
  await query(
    ctx.em,
    sql`with u as (update app_user set manager_id = ${id}, version = version + 1, updated_at = now()
         where tenant_id = ${ctx.tenantId} and id = any(${pgArray(reports)}::uuid[]) and manager_id is null
         returning id), a as (${audit}) select count(*) from u`,
  );
}

/**
 * Undoes a mass deprovisioning: restores every user deleted at or after `since` (each on its own,
 * so one name clash does not stop the rest) and re-enables every user disabled at or after it that
 * is still disabled. Conflicts are returned, not thrown.
 */
export async function restoreUsers(ctx: DirectoryContext, since: Date): Promise<RestoreUsersResult> {
  const deleted = await query<{ id: string; user_name: string }>(
    ctx.em,
    sql`select id, user_name from deleted_user where tenant_id = ${ctx.tenantId} and deleted_at >= ${since}
     order by deleted_at, id`,
  );
  let restored = 0;
  const conflicts: RestoreConflict[] = [];
  for (const d of deleted) {
    try {
      await restoreUser(ctx, d.id);
      restored++;
    } catch (e) {
      if (!isDomainError(e) || (e.code !== 'USER_NAME_TAKEN' && e.code !== 'USER_NOT_FOUND')) throw e;
      // USER_NOT_FOUND: restored (or purged) by someone else meanwhile.
      if (e.code === 'USER_NAME_TAKEN') {
        conflicts.push({
          id: d.id,
          name: d.user_name,
          message: e.message,
          conflictingId: (e.details.conflictingId as string | null) ?? null,
        });
      }
    }
  }
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'user.updated',
      resourceType: 'User',
      resourceId: U_ID,
      changedFields: ['active'],
    },
    FROM_U,
  );
  const reenabled = await query<{ n: string }>(
    ctx.em,
    sql`with u as (update app_user set active = true, version = version + 1, updated_at = now()
         where tenant_id = ${ctx.tenantId} and not active and id in (
           select user_id from user_deprovisioning where tenant_id = ${ctx.tenantId} and kind = 'disabled' and at >= ${since})
         returning id), a as (${audit}) select count(*) as n from u`,
  );
  return { restored, reenabled: Number(reenabled[0]?.n ?? 0), conflicts };
}
