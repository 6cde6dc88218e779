/**
 * Pages of relationships for many owners at once (GraphQL asks for a page of each user's groups,
 * each group's members …): one statement per call, whatever the number of owners, so a list of
 * 100 users with their groups costs the same number of queries as a list of 2.
 */
import type { DirectoryContext } from '../context';
import { rowToGroup } from '../groups/group.row';
import type { GroupRecord, MemberType } from '../groups/group.types';
import { decodeKeyset, emptyPage, encodeKeyset, type Page, type PageRequest } from '../paging';
import { isUuid, pgArray, query, sql } from '../sql';
import {
  closureKindSql,
  inheritedOnlySql,
  memberCounts,
  memberKindSql,
  nestedGroupsCte,
  notDirectSql,
  type MemberKindFilter,
  type MembershipDepth,
} from './membership.graph';
import { groupsAt, membershipAt } from './membership.history';

export interface MemberRef {
  id: string;
  type: MemberType;
}

const GROUPS_ORDER = 'groups-by-name';
const O_OWNER = sql`o.owner`;
const MEMBERS_ORDER = 'members-by-id';

type Row = Record<string, unknown>;

function pagesFromRows<T>(
  owners: readonly string[],
  rows: Row[],
  page: PageRequest,
  map: (row: Row) => T,
  cursor: (row: Row) => string,
): Map<string, Page<T>> {
  const result = new Map<string, Page<T>>(owners.map((o) => [o, emptyPage<T>(page.withTotal)]));
  for (const row of rows) {
    const p = result.get(String(row.__owner));
    if (!p) continue;
    if (page.withTotal && row.__total !== undefined) p.total = Number(row.__total);
    if (p.items.length >= page.first) {
      p.hasNext = true;
      continue;
    }
    p.items.push(map(row));
    p.cursors.push(cursor(row));
  }
  return result;
}

/**
 * The groups each member (user or group) belongs to at `depth` (at `asOf`, or now), ordered by
 * displayName (case-insensitive) then id, a page per member. With `asOf`, groups deleted since
 * appear as they last were.
 */
export async function groupsContaining(
  ctx: DirectoryContext,
  memberIds: readonly string[],
  depth: MembershipDepth,
  page: PageRequest,
  asOf?: Date,
): Promise<Map<string, Page<GroupRecord>>> {
  const m = membershipAt(asOf);
  const owners = [...new Set(memberIds.filter(isUuid))];
  if (owners.length === 0) return new Map();
  const after = page.after === undefined ? undefined : decodeKeyset(GROUPS_ORDER, page.after);
  const recursive =
    depth === 'DIRECT'
      ? sql.empty
      : sql`union select up.owner, m.group_id, false from up join ${m} m on m.member_group_id = up.gid`;
  // Now, every depth is one lookup in the closure (ADR 0014); the past walks up the intervals.
  const up =
    depth !== 'DIRECT' && asOf === undefined
      ? sql`select c.member_id, c.group_id, exists (select 1 from membership dm
            where dm.group_id = c.group_id and dm.member_id = c.member_id)
         from membership_closure c where c.member_id = any(${pgArray(owners)}::uuid[]) and c.tenant_id = ${ctx.tenantId}`
      : sql`select m.member_id, m.group_id, true from ${m} m
         where m.member_id = any(${pgArray(owners)}::uuid[]) and m.tenant_id = ${ctx.tenantId}
         ${recursive}`;
  const having = depth === 'INHERITED' ? sql`having not bool_or(direct)` : sql.empty;
  const cursorSql = after ? sql`(y.__sort, y.id) > (${after.v ?? ''}, ${after.id}::uuid)` : sql`true`;
  const rows = await query<Row>(
    ctx.em,
    sql`with recursive up(owner, gid, direct) as (${up}),
     s as (select owner, gid from up group by owner, gid ${having})
     select * from (
       select y.*, row_number() over (partition by y.__owner order by y.__sort, y.id) as __rn from (
         select s.owner as __owner, g.*, lower(g.display_name) as __sort,
           count(*) over (partition by s.owner) as __total
         from s join ${groupsAt(asOf)} g on g.id = s.gid
       ) y where ${cursorSql}
     ) x where x.__rn <= ${page.first + 1} order by x.__owner, x.__rn`,
  );
  return pagesFromRows(owners, rows, page, rowToGroup, (r) =>
    encodeKeyset(GROUPS_ORDER, { v: String(r.__sort), id: String(r.id) }),
  );
}

/**
 * Members of each group at `depth` (users, groups or both; at `asOf`, or now), ordered by member
 * id, a page per group. Totals come from memberCounts with the same depth and kind, so they always
 * agree.
 */
export async function membersOf(
  ctx: DirectoryContext,
  groupIds: readonly string[],
  depth: MembershipDepth,
  kind: MemberKindFilter,
  page: PageRequest,
  asOf?: Date,
): Promise<Map<string, Page<MemberRef>>> {
  const owners = [...new Set(groupIds.filter(isUuid))];
  if (owners.length === 0) return new Map();
  const after = page.after === undefined ? undefined : decodeKeyset(MEMBERS_ORDER, page.after);
  const [rows, totals] = await Promise.all([
    page.first === 0
      ? Promise.resolve([])
      : memberRows(ctx, owners, depth, kind, page.first, after?.id, asOf),
    page.withTotal ? memberCounts(ctx, owners, depth, kind, asOf) : Promise.resolve(undefined),
  ]);
  const pages = pagesFromRows<MemberRef>(
    owners,
    rows,
    page,
    (r) => ({ id: String(r.member_id), type: r.is_user ? 'User' : 'Group' }),
    (r) => encodeKeyset(MEMBERS_ORDER, { v: null, id: String(r.member_id) }),
  );
  if (totals) for (const [owner, p] of pages) p.total = totals.get(owner) ?? 0;
  return pages;
}

function memberRows(
  ctx: DirectoryContext,
  owners: string[],
  depth: MembershipDepth,
  kind: MemberKindFilter,
  first: number,
  afterId: string | undefined,
  asOf: Date | undefined,
): Promise<Row[]> {
  const m = membershipAt(asOf);
  const afterSql = afterId === undefined ? sql.empty : sql` and m.member_id > ${afterId}::uuid`;
  if (depth === 'DIRECT') {
    // A lateral index scan per group on (group_id, member_id): cost follows the page, not the group.
    return query<Row>(
      ctx.em,
      sql`select o.owner as __owner, p.member_id, p.is_user from unnest(${pgArray(owners)}::uuid[]) as o(owner)
       cross join lateral (
         select m.member_id, (m.member_user_id is not null) as is_user from ${m} m
         where m.group_id = o.owner and m.tenant_id = ${ctx.tenantId} and ${memberKindSql(kind)}${afterSql}
         order by m.member_id limit ${first + 1}
       ) p order by o.owner, p.member_id`,
    );
  }
  if (asOf === undefined) {
    // The closure's primary key (group_id, member_id): a page costs its size, not the group's.
    const notDirect = depth === 'INHERITED' ? sql` and ${notDirectSql(O_OWNER)}` : sql.empty;
    const afterC = afterId === undefined ? sql.empty : sql` and c.member_id > ${afterId}::uuid`;
    return query<Row>(
      ctx.em,
      sql`select o.owner as __owner, p.member_id, p.is_user from unnest(${pgArray(owners)}::uuid[]) as o(owner)
       cross join lateral (
         select c.member_id, c.is_user from membership_closure c
         where c.group_id = o.owner and c.tenant_id = ${ctx.tenantId} and ${closureKindSql(kind)}${notDirect}${afterC}
         order by c.member_id limit ${first + 1}
       ) p order by o.owner, p.member_id`,
    );
  }
  const inheritedOnly = depth === 'INHERITED' ? sql` and ${inheritedOnlySql(asOf)}` : sql.empty;
  return query<Row>(
    ctx.em,
    sql`with recursive ${nestedGroupsCte(owners, asOf)},
     r as (
       select d.owner, m.member_id, bool_or(m.member_user_id is not null) as is_user
       from d join ${m} m on m.group_id = d.gid
       where m.tenant_id = ${ctx.tenantId} and ${memberKindSql(kind)}${inheritedOnly}${afterSql}
       group by d.owner, m.member_id
     )
     select * from (
       select r.owner as __owner, r.member_id, r.is_user,
         row_number() over (partition by r.owner order by r.member_id) as __rn
       from r
     ) x where x.__rn <= ${first + 1} order by x.__owner, x.__rn`,
  );
}
