import type { DirectoryContext } from '../context';
import { MEMBER_ROW, memberEvents } from '../memberships/membership.events';
import { actingSql } from '../memberships/membership.history';
import { query, sql } from '../sql';

/** The archived membership rows of one archive row, as membership records (member_id is generated). */
const archived = (table: 'deleted_user' | 'deleted_group', tenantId: string, id: string) =>
  sql`${sql.identifier(table)} k, jsonb_populate_recordset(null::membership, k.memberships) m
   where k.tenant_id = ${tenantId} and k.id = ${id}`;

/** Both ends of an archived membership still exist in the tenant. */
const BOTH_ENDS_EXIST = (tenantId: string) =>
  sql`exists (select 1 from "group" g where g.tenant_id = ${tenantId} and g.id = m.group_id)
   and (m.member_user_id is null or exists (select 1 from app_user x where x.tenant_id = ${tenantId} and x.id = m.member_user_id))
   and (m.member_group_id is null or exists (select 1 from "group" x where x.tenant_id = ${tenantId} and x.id = m.member_group_id))`;

const INSERT_MEMBERSHIP = sql`insert into membership (tenant_id, group_id, member_user_id, member_group_id, display, created_at)`;
const INS = sql`ins`;

/**
 * Puts back the archived direct memberships of a restored user or group whose other end still
 * exists, with their original display and time (SCIM lists members in that order). For a group,
 * the groups it was in come back only where that makes no cycle: nesting may have changed while it
 * was gone, and the per-tenant lock of the membership cycle check is taken for the same reason.
 * Returns the parent groups skipped to avoid a cycle (also noted in ctx.warnings).
 */
export async function restoreMemberships(
  ctx: DirectoryContext,
  table: 'deleted_user' | 'deleted_group',
  id: string,
): Promise<string[]> {
  const t = ctx.tenantId;
  // The restore's transaction names its actor for the membership history (ADR 0011): the
  // memberships it puts back open intervals "added by" whoever restored.
  await query(ctx.em, sql`select ${actingSql(ctx)}`);
  if (table === 'deleted_user') {
    await query(
      ctx.em,
      sql`with ins as (${INSERT_MEMBERSHIP} select ${t}, m.group_id, m.member_user_id, m.member_group_id, m.display, m.created_at
       from ${archived(table, t, id)} and ${BOTH_ENDS_EXIST(t)}
       on conflict (group_id, member_id) do nothing returning ${MEMBER_ROW}),
       a as (${memberEvents(ctx, 'group.member_added', INS)})
       select count(*) from ins`,
    );
    return [];
  }
  await query(ctx.em, sql`select pg_advisory_xact_lock(hashtextextended(${`membership-graph:${t}`}, 0))`);
  // Its own members first: nothing contains the group yet, so they cannot make a cycle.
  await query(
    ctx.em,
    sql`with ins as (${INSERT_MEMBERSHIP} select ${t}, m.group_id, m.member_user_id, m.member_group_id, m.display, m.created_at
     from ${archived(table, t, id)} and m.group_id = ${id} and ${BOTH_ENDS_EXIST(t)}
     on conflict (group_id, member_id) do nothing returning ${MEMBER_ROW}),
     a as (${memberEvents(ctx, 'group.member_added', INS)})
     select count(*) from ins`,
  );
  // Then the groups it was in, except any it now contains (directly or through nesting).
  const parents = await query<{ group_id: string; cycle: boolean }>(
    ctx.em,
    sql`with recursive below(id) as (
         select ${id}::uuid
         union
         select mm.member_group_id from membership mm join below on mm.group_id = below.id where mm.member_group_id is not null
       ),
       candidates as (select m.* from ${archived(table, t, id)} and m.member_group_id = ${id} and ${BOTH_ENDS_EXIST(t)}),
       ins as (${INSERT_MEMBERSHIP} select ${t}, c.group_id, null, c.member_group_id, c.display, c.created_at
         from candidates c where c.group_id not in (select id from below)
         on conflict (group_id, member_id) do nothing returning ${MEMBER_ROW}),
       a as (${memberEvents(ctx, 'group.member_added', INS)})
     select c.group_id, c.group_id in (select id from below) as cycle from candidates c`,
  );
  const skippedParents = parents.filter((p) => p.cycle).map((p) => p.group_id);
  if (skippedParents.length > 0) {
    ctx.warnings.push(
      `Not restored into ${skippedParents.length} group(s) that it now contains through nesting (a cycle): ${skippedParents.join(', ')}`,
    );
  }
  return skippedParents;
}
