import type { DirectoryContext } from '../context';
import { memberCountSql, type MembershipDepth } from '../memberships/membership.graph';
import { decodeKeyset, encodeKeyset, type Page, type PageRequest } from '../paging';
import { query, sql, type SqlFragment } from '../sql';
import { rowToGroup } from './group.row';
import type { GroupRecord } from './group.types';

const BASE_ID = sql`base.id`;
const LT = sql`<`;
const GT = sql`>`;
const ASC = sql`asc`;
const DESC = sql`desc`;
const AND = sql` and `;

/** ` and ((w1) and (w2) …)`, or nothing. */
function filtered(where: readonly SqlFragment[] = []): SqlFragment {
  if (where.length === 0) return sql.empty;
  const each = where.map((w) => sql`(${w})`);
  return sql` and (${sql.join(each, AND)})`;
}

export interface RankedGroup {
  group: GroupRecord;
  memberCount: number;
}

/**
 * Groups of the tenant ordered by member count ("how big is each group?"), keyset-paged on
 * (count, id). DIRECT counts the group's membership rows (users and groups); INHERITED and ALL
 * count distinct users reachable through nesting, as memberCounts does. `where` holds compiled
 * filters over `g` (typed filter, SCIM filter).
 */
export async function listGroupsByMemberCount(
  ctx: DirectoryContext,
  opts: {
    depth: MembershipDepth;
    descending: boolean;
    page: PageRequest;
    where?: readonly SqlFragment[];
  },
): Promise<Page<RankedGroup>> {
  const { depth, descending, page } = opts;
  const ordering = `groups-by-count:${depth}:${descending ? 'd' : 'a'}`;
  const after = page.after === undefined ? undefined : decodeKeyset(ordering, page.after);
  const base = sql`select g.* from "group" g where g.tenant_id = ${ctx.tenantId}${filtered(opts.where)}`;
  // DIRECT counts every member row; INHERITED/ALL count people, as Group.memberCount does by default.
  const countSql = memberCountSql(BASE_ID, depth, depth === 'DIRECT' ? 'Any' : 'User');
  const cursorSql = after
    ? sql`(r.__count, r.id) ${descending ? LT : GT} (${Number(after.v ?? 0)}::int, ${after.id}::uuid)`
    : sql`true`;
  const dir = descending ? DESC : ASC;
  const rows = await query<Record<string, unknown>>(
    ctx.em,
    sql`with base as (${base}),
     ranked as (select base.*, ${countSql}::int as __count, count(*) over () as __total from base)
     select * from ranked r where ${cursorSql} order by r.__count ${dir}, r.id ${dir} limit ${page.first + 1}`,
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

async function countGroups(ctx: DirectoryContext, where?: readonly SqlFragment[]): Promise<number> {
  const rows = await query<{ n: number }>(
    ctx.em,
    sql`select count(*)::int as n from "group" g where g.tenant_id = ${ctx.tenantId}${filtered(where)}`,
  );
  return rows[0]?.n ?? 0;
}
