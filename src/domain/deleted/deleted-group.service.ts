import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { findGroup } from '../groups/group.service';
import { groupStateJson } from '../groups/group.state';
import type { GroupRecord } from '../groups/group.types';
import { inTransaction, isUuid, PREPARE, query, sql } from '../sql';
import { restoreMemberships } from './deleted.restore';

const notDeleted = (id: string) =>
  new DomainError(
    'GROUP_NOT_FOUND',
    `No deleted group ${id} to restore in this tenant (never deleted, already restored, or purged after the retention period).`,
    { id },
  );

/**
 * Puts a deleted group back from its archive (ADR 0012): the same id and attributes (version
 * bumped), its members that still exist, and its place in the groups that still exist (except
 * where nesting changed meanwhile would make a cycle; see restoreMemberships). One transaction; a
 * displayName taken meanwhile is GROUP_NAME_TAKEN naming the group that holds it.
 */
export async function restoreGroup(ctx: DirectoryContext, id: string): Promise<GroupRecord> {
  if (!isUuid(id)) throw notDeleted(id);
  return inTransaction(ctx, async (tx) => {
    const archived = await query<{ display_name: string }>(
      tx.em,
      sql`select display_name from deleted_group where tenant_id = ${tx.tenantId} and id = ${id} for update`,
      PREPARE,
    );
    const a = archived[0];
    if (!a) throw notDeleted(id);
    const audit = auditInsert(
      tx,
      {
        tenantId: tx.tenantId,
        action: 'group.restored',
        resourceType: 'Group',
        resourceId: sql`g.id`,
        changedFields: ['*'],
        data: groupStateJson('g'),
      },
      sql`from g`,
    );
    const inserted = await query(
      tx.em,
      sql`with g as (insert into "group" select (p).* from (
          select jsonb_populate_record(null::"group", k.record || jsonb_build_object(
            'version', (k.record->>'version')::integer + 1, 'updated_at', now())) as p
          from deleted_group k where k.tenant_id = ${tx.tenantId} and k.id = ${id}) s
        on conflict do nothing returning *), a as (${audit}) select id from g`,
    );
    if (inserted.length === 0) throw await displayNameClash(tx, id, a.display_name);
    await restoreMemberships(tx, 'deleted_group', id);
    await query(
      tx.em,
      sql`delete from deleted_group where tenant_id = ${tx.tenantId} and id = ${id}`,
      PREPARE,
    );
    return (await findGroup(tx, id))!;
  });
}

async function displayNameClash(
  ctx: DirectoryContext,
  id: string,
  displayName: string,
): Promise<DomainError> {
  const rows = await query<{ id: string; display_name: string }>(
    ctx.em,
    sql`select id, display_name from "group" where tenant_id = ${ctx.tenantId} and (lower(display_name) = lower(${displayName}) or id = ${id})`,
  );
  const holder = rows[0];
  return new DomainError(
    'GROUP_NAME_TAKEN',
    holder && holder.id !== id
      ? `Cannot restore group ${id}: its displayName "${displayName}" is now used by group ${holder.id} ("${holder.display_name}"). Rename or delete that group, then restore again.`
      : `Cannot restore group ${id}: it exists again.`,
    { id, displayName, conflictingId: holder?.id ?? null },
  );
}
