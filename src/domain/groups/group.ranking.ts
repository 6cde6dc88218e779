import type { DirectoryContext } from '../context';
import { memberCountSql, type MembershipDepth } from '../memberships/membership.graph';
import { decodeKeyset, encodeKeyset, type Page, type PageRequest } from '../paging';
import { query } from '../sql';
import { rowToGroup } from './group.row';
import type { GroupRecord } from './group.types';

export interface RankedGroup {
  group: GroupRecord;
  memberCount: number;
}

/**
 * Groups of the tenant ordered by member count ("how big is each group?"), keyset-paged on
 * (count, id). DIRECT counts the group's membership rows (users and groups); INHERITED and ALL
 * count distinct users reachable through nesting, as memberCounts does. `where` is a compiled
 * filter over `g` (typed filter or SCIM filter).
 */
export async function listGroupsByMemberCount(
  ctx: DirectoryContext,
  opts: {
    depth: MembershipDepth;
    descending: boolean;
    page: PageRequest;
    where?: { sql: string; params: unknown[] };
  },
): Promise<Page<RankedGroup>> {
  const { depth, descending, page } = opts;
  const ordering = `groups-by-count:${depth}:${descending ? 'd' : 'a'}`;
  const after = page.after === undefined ? undefined : decodeKeyset(ordering, page.after);
  const params: unknown[] = [ctx.tenantId, ...(opts.where?.params ?? [])];
  const base = `select g.* from "group" g where g.tenant_id = ?${opts.where ? ` and (${opts.where.sql})` : ''}`;
  // DIRECT counts every member row; INHERITED/ALL count people, as Group.memberCount does by default.
  const countSql = memberCountSql('base.id', depth, depth === 'DIRECT' ? 'Any' : 'User');
  let cursorSql = 'true';
  if (after) {
    cursorSql = `(r.__count, r.id) ${descending ? '<' : '>'} (?::int, ?::uuid)`;
    params.push(Number(after.v ?? 0), after.id);
  }
  params.push(page.first + 1);
  const dir = descending ? 'desc' : 'asc';
  const rows = await query<Record<string, unknown>>(
    ctx.em,
    `with base as (${base}),
     ranked as (select base.*, ${countSql}::int as __count, count(*) over () as __total from base)
     select * from ranked r where ${cursorSql} order by r.__count ${dir}, r.id ${dir} limit ?`,
    params,
  );
  const items = rows.slice(0, page.first);
  return {
    items: items.map((r) => ({ group: rowToGroup(r), memberCount: Number(r.__count) })),
    cursors: items.map((r) => encodeKeyset(ordering, { v: String(r.__count), id: String(r.id) })),
    hasNext: rows.length > page.first,
    // The window total is computed before the cursor condition; without rows, count separately.
    total: page.withTotal ? (rows[0] ? Number(rows[0].__total) : await countGroups(ctx, opts.where)) : null,
  };
}

async function countGroups(
  ctx: DirectoryContext,
  where?: { sql: string; params: unknown[] },
): Promise<number> {
  const rows = await query<{ n: number }>(
    ctx.em,
    `select count(*)::int as n from "group" g where g.tenant_id = ?${where ? ` and (${where.sql})` : ''}`,
    [ctx.tenantId, ...(where?.params ?? [])],
  );
  return rows[0]?.n ?? 0;
}
