import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import type { MemberRecord, MemberRef, MemberType } from '../groups/group.types';
import { isUuid, pgArray, PREPARE, query, sql, type SqlFragment } from '../sql';
import { MEMBER_ROW, memberEvents } from './membership.events';
import { memberTypes } from './membership.graph';
import { actingSql } from './membership.history';

const ADDED = sql`ins`;
const REMOVED = sql`del`;

export interface Resolved {
  id: string;
  type: MemberType;
  display: string | null;
}

/** Splits member references into those that exist in the tenant (with their type) and unknown ids. */
export async function resolveMembers(ctx: DirectoryContext, refs: readonly MemberRef[]) {
  const unknown: string[] = [];
  const byId = new Map<string, MemberRef>();
  for (const ref of refs) {
    if (isUuid(ref.value)) byId.set(ref.value.toLowerCase(), ref);
    else unknown.push(String(ref.value));
  }
  const found: Resolved[] = [];
  if (byId.size > 0) {
    const types = await memberTypes(ctx, [...byId.keys()]);
    for (const [id, ref] of byId) {
      const type = types.get(id);
      if (type) found.push({ id, type, display: ref.display ?? null });
      else unknown.push(ref.value);
    }
  }
  return { found, unknown };
}

/**
 * Rejects adding `childIds` to `groupId` when that would make a group contain itself, directly or
 * through nesting. A per-tenant advisory lock serialises these checks so two concurrent adds
 * (A into B, B into A) cannot both pass.
 */
async function assertNoCycle(ctx: DirectoryContext, groupId: string, childIds: string[]): Promise<void> {
  if (childIds.length === 0) return;
  if (childIds.includes(groupId)) {
    throw new DomainError('MEMBERSHIP_CYCLE', `Group ${groupId} cannot be a member of itself.`, { groupId });
  }
  await query(
    ctx.em,
    sql`select pg_advisory_xact_lock(hashtextextended(${`membership-graph:${ctx.tenantId}`}, 0))`,
  );
  const rows = await query<{ id: string }>(
    ctx.em,
    sql`with recursive d(id) as (
       select unnest(${pgArray(childIds)}::uuid[])
       union
       select m.member_group_id from membership m join d on m.group_id = d.id where m.member_group_id is not null
     ) select id from d where id = ${groupId} limit 1`,
  );
  if (rows.length > 0) {
    throw new DomainError(
      'MEMBERSHIP_CYCLE',
      `Adding these groups to group ${groupId} would make it contain itself through nested groups.`,
      { groupId },
    );
  }
}

/**
 * Adds members (insert-if-absent, safe under concurrency). Unknown ids are skipped and reported
 * in ctx.warnings. Must run inside a transaction. Returns how many rows were inserted.
 */
export async function addMembers(
  ctx: DirectoryContext,
  groupId: string,
  refs: readonly MemberRef[],
): Promise<number> {
  const { found, unknown } = await resolveMembers(ctx, refs);
  warnUnknown(ctx, unknown);
  if (found.length === 0) return 0;
  await assertNoCycle(
    ctx,
    groupId,
    found.filter((m) => m.type === 'Group').map((m) => m.id),
  );
  // Each row inserted is a group.member_added event, written by the same statement.
  const rows = await query<{ n: number }>(
    ctx.em,
    sql`with ins as (insert into membership (tenant_id, group_id, member_user_id, member_group_id, display)
     select ${ctx.tenantId}, ${groupId}, case when x.type = 'User' then x.id end, case when x.type = 'Group' then x.id end, x.display
     from unnest(${pgArray(found.map((m) => m.id))}::uuid[], ${pgArray(found.map((m) => m.type))}::text[], ${pgArray(found.map((m) => m.display))}::text[]) as x(id, type, display)
     where ${actingSql(ctx)}
     on conflict (group_id, member_id) do nothing returning ${MEMBER_ROW}),
     a as (${memberEvents(ctx, 'group.member_added', ADDED)})
     select count(*)::int as n from ins`,
    PREPARE,
  );
  return rows[0]?.n ?? 0;
}

/** Reports member ids that are neither users nor groups of the tenant (they are skipped). */
export function warnUnknown(ctx: DirectoryContext, unknown: readonly string[]): void {
  if (unknown.length === 0) return;
  ctx.warnings.push(
    `Skipped ${unknown.length} member id(s) that are not users or groups of this tenant: ${unknown.slice(0, 20).join(', ')}`,
  );
}

/**
 * The CTEs that add users to the group row the CTE `g` of the same statement changed (locked and
 * versioned), with their events: `ins` and `me`. They read `g`, so they run after it, and the
 * events also read `after` (the group's own event CTE), so the feed keeps its order: group.updated,
 * then one group.member_added per member.
 *
 * Only adds: insert-if-absent is decided against the latest committed rows, whatever the
 * statement's snapshot. A delete is not: when the statement waits for the group's lock, its
 * snapshot predates the change it waited for, and a member that change added would not be seen
 * (and not removed). Removals take the transaction, whose next statement sees it.
 */
export function addUsersCtes(
  ctx: DirectoryContext,
  users: readonly Resolved[],
  after: SqlFragment,
): SqlFragment {
  return sql`ins as (insert into membership (tenant_id, group_id, member_user_id, display)
       select g.tenant_id, g.id, x.id, x.display from g
       cross join unnest(${pgArray(users.map((m) => m.id))}::uuid[], ${pgArray(users.map((m) => m.display))}::text[]) as x(id, display)
       where ${actingSql(ctx)}
       on conflict (group_id, member_id) do nothing returning ${MEMBER_ROW}),
     me as (${memberEvents(ctx, 'group.member_added', sql`(select ins.* from ins cross join (select count(*) from ${after}) as after_g)`, sql`g`)} returning 1)`;
}

/** Deletes membership rows of `groupId` matching `where`, with a group.member_removed event each. */
async function deleteMembers(
  ctx: DirectoryContext,
  groupId: string,
  where: SqlFragment,
  prepare = false,
): Promise<number> {
  const rows = await query<{ n: number }>(
    ctx.em,
    sql`with del as (delete from membership where group_id = ${groupId}${where} and ${actingSql(ctx)} returning ${MEMBER_ROW}),
     a as (${memberEvents(ctx, 'group.member_removed', REMOVED)})
     select count(*)::int as n from del`,
    prepare ? PREPARE : {},
  );
  return rows[0]?.n ?? 0;
}

/** Removes only the listed members (delete-listed). Returns how many rows were deleted. */
export async function removeMembers(
  ctx: DirectoryContext,
  groupId: string,
  ids: readonly string[],
): Promise<number> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return 0;
  return deleteMembers(ctx, groupId, sql` and member_id = any(${pgArray(valid)}::uuid[])`, true);
}

/** Removes every member of a group. */
export async function removeAllMembers(ctx: DirectoryContext, groupId: string): Promise<number> {
  return deleteMembers(ctx, groupId, sql.empty);
}

/** Makes the member set exactly `refs`, touching only the difference. */
export async function replaceMembers(
  ctx: DirectoryContext,
  groupId: string,
  refs: readonly MemberRef[],
): Promise<void> {
  const keep = refs.map((r) => r.value).filter(isUuid);
  await deleteMembers(ctx, groupId, sql` and member_id <> all(${pgArray(keep)}::uuid[])`);
  await addMembers(ctx, groupId, refs);
}

/** Direct members of a group (for SCIM GET; GraphQL pages them). */
export async function listDirectMembers(ctx: DirectoryContext, groupId: string): Promise<MemberRecord[]> {
  return (await listDirectMembersOf(ctx, [groupId])).get(groupId) ?? [];
}

/** Direct members of several groups in one query (a SCIM list page of groups). */
export async function listDirectMembersOf(
  ctx: DirectoryContext,
  groupIds: readonly string[],
): Promise<Map<string, MemberRecord[]>> {
  const out = new Map<string, MemberRecord[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await query<{ group_id: string; member_id: string; type: MemberType; display: string | null }>(
    ctx.em,
    sql`select m.group_id, m.member_id, case when m.member_user_id is not null then 'User' else 'Group' end as type,
       coalesce(m.display, u.display_name, u.user_name, g.display_name) as display
     from membership m
     left join app_user u on u.id = m.member_user_id
     left join "group" g on g.id = m.member_group_id
     where m.tenant_id = ${ctx.tenantId} and m.group_id = any(${pgArray([...groupIds])}::uuid[]) order by m.created_at, m.member_id`,
  );
  for (const r of rows) out.get(r.group_id)?.push({ value: r.member_id, type: r.type, display: r.display });
  return out;
}
