/**
 * Transitive membership, answered in PostgreSQL with recursive queries over the membership rows
 * (`membership.member_group_id` is the nesting edge). Writes reject cycles (membership.service),
 * and every recursion uses UNION or a path guard, so a cycle could not loop even if one slipped in.
 *
 * Depths: DIRECT = a membership row of the group itself; ALL = direct or through nested groups;
 * INHERITED = through nested groups only, i.e. ALL minus DIRECT (the same rule as the `memberOf`
 * filter in src/domain/query/compile.ts).
 *
 * Now (without `asOf`), ALL and INHERITED read `membership_closure` (ADR 0014): one row per group and
 * member at any depth, kept by triggers on `membership`, so a count is an index-only scan and a
 * user's groups are one index lookup, however large the tenant.
 *
 * An optional `asOf` answers at a past instant: the recursive statements walk the membership
 * intervals valid then (membership.history.ts) instead of the live rows (no closure is kept for
 * the past).
 */
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { rowToGroup } from '../groups/group.row';
import type { GroupRecord, MemberType } from '../groups/group.types';
import { isUuid, pgArray, PREPARE, query, sql, type SqlFragment } from '../sql';
import { groupsAt, membershipAt, userKnownSql } from './membership.history';

export type MembershipDepth = 'DIRECT' | 'INHERITED' | 'ALL';

/** Which members to count or list: users, groups, or both. */
export type MemberKindFilter = 'User' | 'Group' | 'Any';

const MEMBER_KIND: Readonly<Record<MemberKindFilter, SqlFragment>> = {
  User: sql`m.member_user_id is not null`,
  Group: sql`m.member_group_id is not null`,
  Any: sql`true`,
};

/** SQL condition on a membership row `m` restricting the member's kind. */
export function memberKindSql(kind: MemberKindFilter): SqlFragment {
  return MEMBER_KIND[kind];
}

const CLOSURE_KIND: Readonly<Record<MemberKindFilter, SqlFragment>> = {
  User: sql`c.is_user`,
  Group: sql`not c.is_user`,
  Any: sql`true`,
};

/** SQL condition on a closure row `c` restricting the member's kind. */
export function closureKindSql(kind: MemberKindFilter): SqlFragment {
  return CLOSURE_KIND[kind];
}

/** Over a closure row `c` of group `owner`: the member is not also a direct member of it. */
export function notDirectSql(owner: SqlFragment): SqlFragment {
  return sql`not exists (select 1 from membership dm where dm.group_id = ${owner} and dm.member_id = c.member_id)`;
}

/**
 * Recursive CTE `d(owner, gid)`: each owner group (ids `owners`) paired with itself and every group
 * nested in it.
 */
export function nestedGroupsCte(owners: readonly string[], asOf?: Date): SqlFragment {
  return sql`d(owner, gid) as (
    select o, o from unnest(${pgArray(owners)}::uuid[]) as o
    union
    select d.owner, m.member_group_id from d join ${membershipAt(asOf)} m on m.group_id = d.gid
    where m.member_group_id is not null)`;
}

/** Recursive CTE `up(gid)`: every group user `userId` belongs to, directly or through nesting. */
function userGroupsCte(userId: string, tenantId: string, asOf: Date | undefined): SqlFragment {
  const m = membershipAt(asOf);
  return sql`up(gid) as (
    select m.group_id from ${m} m
    where m.member_id = ${userId}::uuid and m.member_user_id is not null and m.tenant_id = ${tenantId}
    union
    select m.group_id from ${m} m join up on m.member_group_id = up.gid)`;
}

const userNotFound = (id: string) => new DomainError('USER_NOT_FOUND', `User ${id} not found.`, { id });

/**
 * Which of `groupIds` the user belongs to (at `asOf`, or now), directly or through nesting, in the
 * order given: one statement whatever the number of ids. USER_NOT_FOUND for a user outside the
 * tenant (with `asOf`, a user deleted since is still known through its history).
 */
export async function checkMembership(
  ctx: DirectoryContext,
  userId: string,
  groupIds: readonly string[],
  asOf?: Date,
): Promise<string[]> {
  if (!isUuid(userId)) throw userNotFound(userId);
  const wanted = [...new Set(groupIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const userFound =
    asOf === undefined
      ? sql`(select count(*) from app_user where tenant_id = ${ctx.tenantId} and id = ${userId}::uuid)::int`
      : sql`(${userKnownSql(ctx, userId, asOf)})::int`;
  const rows = await query<{ user_found: number; ids: string[] | null }>(
    ctx.em,
    asOf === undefined
      ? sql`select ${userFound} as user_found,
         (select array_agg(c.group_id::text) from membership_closure c
          where c.member_id = ${userId}::uuid and c.group_id = any(${pgArray(wanted)}::uuid[]) and c.tenant_id = ${ctx.tenantId}) as ids`
      : sql`with recursive ${userGroupsCte(userId, ctx.tenantId, asOf)}
         select ${userFound} as user_found,
           (select array_agg(gid::text) from up where gid = any(${pgArray(wanted)}::uuid[])) as ids`,
  );
  const row = rows[0];
  if (!row || row.user_found === 0) throw userNotFound(userId);
  const found = new Set(row.ids ?? []);
  return wanted.filter((id) => found.has(id));
}

/**
 * Why a user is in a group (at `asOf`, or now): the shortest chain of groups from one the user is
 * a direct member of up to `groupId` (both included), or null when the user is not in it at any
 * depth. With `asOf`, groups deleted since appear as they last were.
 */
export async function membershipPath(
  ctx: DirectoryContext,
  userId: string,
  groupId: string,
  asOf?: Date,
): Promise<GroupRecord[] | null> {
  const m = membershipAt(asOf);
  const groups = groupsAt(asOf);
  const userFound =
    asOf === undefined
      ? sql`(select count(*) from app_user where tenant_id = ${ctx.tenantId} and id = ${userId}::uuid)::int`
      : sql`(${userKnownSql(ctx, userId, asOf)})::int`;
  if (!isUuid(userId)) throw userNotFound(userId);
  if (!isUuid(groupId)) throw new DomainError('GROUP_NOT_FOUND', `Group ${groupId} not found.`);
  const rows = await query<{
    user_found: number;
    group_found: number;
    path: Record<string, unknown>[] | null;
  }>(
    ctx.em,
    sql`with recursive walk(gid, path) as (
       select m.group_id, array[m.group_id] from ${m} m
       where m.member_id = ${userId}::uuid and m.member_user_id is not null and m.tenant_id = ${ctx.tenantId}
       union all
       select m.group_id, walk.path || m.group_id from walk join ${m} m on m.member_group_id = walk.gid
       where walk.gid <> ${groupId}::uuid and not m.group_id = any(walk.path) and cardinality(walk.path) < 64
     ),
     best as (select path from walk where gid = ${groupId}::uuid order by cardinality(path) limit 1)
     select ${userFound} as user_found,
       (select count(*) from ${groups} g where g.tenant_id = ${ctx.tenantId} and g.id = ${groupId}::uuid)::int as group_found,
       (select json_agg(row_to_json(g.*) order by p.ord)
          from best cross join unnest(best.path) with ordinality as p(id, ord) join ${groups} g on g.id = p.id) as path`,
  );
  const row = rows[0];
  if (!row || row.user_found === 0) throw userNotFound(userId);
  if (row.group_found === 0) throw new DomainError('GROUP_NOT_FOUND', `Group ${groupId} not found.`);
  return row.path && row.path.length > 0 ? row.path.map(rowToGroup) : null;
}

/**
 * A scalar subquery: the member count of the group `owner` (an SQL expression such as sql`o.owner`)
 * at `depth`.
 * DIRECT counts the group's membership rows; INHERITED and ALL count distinct members reachable
 * through nesting (a user in two nested groups counts once). Now, that is a count of the group's
 * closure rows, from the closure's primary key alone. At a past instant the nested groups are the
 * recursive `d`, and ALL users = distinct members − (|d| − 1), read from the interval index.
 */
export function memberCountSql(
  owner: SqlFragment,
  depth: MembershipDepth,
  kind: MemberKindFilter,
  asOf?: Date,
): SqlFragment {
  const m = membershipAt(asOf);
  if (depth === 'DIRECT') {
    return sql`(select count(*) from ${m} m where m.group_id = ${owner} and ${memberKindSql(kind)})`;
  }
  if (asOf === undefined) {
    const inherited = depth === 'INHERITED' ? sql` and ${notDirectSql(owner)}` : sql.empty;
    return sql`(select count(*) from membership_closure c where c.group_id = ${owner} and ${closureKindSql(kind)}${inherited})`;
  }
  const nested = sql`with recursive d(gid) as (select ${owner} union
      select m.member_group_id from d join ${m} m on m.group_id = d.gid where m.member_group_id is not null)`;
  if (depth === 'ALL') {
    const nestedGroups = sql`(select count(*) - 1 from d)`;
    if (kind === 'Group') return sql`(${nested} select ${nestedGroups})`;
    const distinct = sql`(select count(*) from (select m.member_id from ${m} m
        where m.group_id = any(array(select gid from d)) group by m.member_id) x)`;
    return sql`(${nested} select ${distinct}${kind === 'User' ? sql` - ${nestedGroups}` : sql.empty})`;
  }
  return sql`(${nested} select count(*) from (select m.member_id from ${m} m
      where m.group_id = any(array(select gid from d where gid <> ${owner})) and ${memberKindSql(kind)}
      group by m.member_id) x
    where not exists (select 1 from ${m} dm where dm.group_id = ${owner} and dm.member_id = x.member_id))`;
}

/**
 * Member counts of several groups in one statement (see memberCountSql). Groups of other tenants
 * are never reached: callers pass ids of groups they loaded in the tenant.
 */
export async function memberCounts(
  ctx: DirectoryContext,
  groupIds: readonly string[],
  depth: MembershipDepth,
  kind: MemberKindFilter,
  asOf?: Date,
): Promise<Map<string, number>> {
  const ids = [...new Set(groupIds.filter(isUuid))];
  const counts = new Map<string, number>(ids.map((id) => [id, 0]));
  if (ids.length === 0) return counts;
  const rows = await query<{ owner: string; n: number }>(
    ctx.em,
    sql`select o.owner, ${memberCountSql(O_OWNER, depth, kind, asOf)}::int as n from unnest(${pgArray(ids)}::uuid[]) as o(owner)`,
  );
  for (const r of rows) counts.set(r.owner, r.n);
  return counts;
}

const O_OWNER = sql`o.owner`;

/**
 * Over `d join membership m`: reached through a nested group and not a direct member of the owner
 * (at `asOf`, or now).
 */
export function inheritedOnlySql(asOf: Date | undefined): SqlFragment {
  return sql`d.gid <> d.owner and not exists (
    select 1 from ${membershipAt(asOf)} x where x.group_id = d.owner and x.member_id = m.member_id)`;
}

/** The kind of each id that is a user or group of the tenant (unknown ids are absent). */
export async function memberTypes(
  ctx: DirectoryContext,
  ids: readonly string[],
): Promise<Map<string, MemberType>> {
  const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (valid.length === 0) return new Map();
  // Driven by the ids, one primary-key probe each, and prepared: planned with the values, the
  // group half read the whole group table for an array of 25 (~1 ms at 1,000 groups, on every
  // member PATCH) and planning cost as much again.
  const wanted = pgArray(valid);
  const rows = await query<{ id: string; type: MemberType }>(
    ctx.em,
    sql`select u.id, 'User' as type from unnest(${wanted}::uuid[]) as x(id) join app_user u on u.id = x.id and u.tenant_id = ${ctx.tenantId}
     union all select g.id, 'Group' as type from unnest(${wanted}::uuid[]) as x(id) join "group" g on g.id = x.id and g.tenant_id = ${ctx.tenantId}`,
    PREPARE,
  );
  return new Map(rows.map((r) => [r.id, r.type]));
}

/** SQL condition: resource `alias` (sql`u` or sql`g`) is a direct member of at least one group. */
export function inAnyGroupSql(alias: SqlFragment): SqlFragment {
  return sql`exists (select 1 from membership mo where mo.member_id = ${alias}.id)`;
}

/** A group a user belongs to; `direct` when the user is a member of it, not only of a nested group. */
export interface UserGroupRef {
  id: string;
  displayName: string;
  direct: boolean;
}

/**
 * Every group of the tenant each user belongs to, directly or through nesting, ordered by
 * displayName (case-insensitive) then id: one closure lookup for any number of users (a SCIM page).
 */
export async function groupsOfUsers(
  ctx: DirectoryContext,
  userIds: readonly string[],
): Promise<Map<string, UserGroupRef[]>> {
  const owners = [...new Set(userIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, UserGroupRef[]>(owners.map((o) => [o, []]));
  if (owners.length === 0) return result;
  const rows = await query<{ owner: string; id: string; display_name: string; direct: boolean }>(
    ctx.em,
    sql`select c.member_id as owner, g.id, g.display_name,
       exists (select 1 from membership dm where dm.group_id = c.group_id and dm.member_id = c.member_id) as direct
     from membership_closure c join "group" g on g.id = c.group_id and g.tenant_id = ${ctx.tenantId}
     where c.member_id = any(${pgArray(owners)}::uuid[]) and c.tenant_id = ${ctx.tenantId}
     order by c.member_id, lower(g.display_name), g.id`,
  );
  for (const r of rows) {
    result.get(r.owner)?.push({ id: r.id, displayName: r.display_name, direct: r.direct });
  }
  return result;
}
