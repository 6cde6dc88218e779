import { sql, type SqlFragment } from '../sql-fragment';
import { groupColumns, MEMBERSHIP_COLUMNS, userColumns } from './export.columns';
import type { ExportColumn, ExportDataset } from './export.types';

/** Nesting deeper than this is not followed (as in membershipPath and groupPathsOf). */
const MAX_DEPTH = 64;

/** An export: its columns (headers and kinds, in order) and the statement whose rows fill them. */
export interface ExportPlan {
  readonly dataset: ExportDataset;
  readonly columns: readonly Pick<ExportColumn, 'header' | 'kind'>[];
  readonly statement: SqlFragment;
}

const selectList = (cols: readonly ExportColumn[]) =>
  sql.join(
    cols.map((c) => c.sql),
    sql`, `,
  );

/**
 * Users in creation order (the tenant's (created_at, id) index: rows stream as the index is read,
 * with no sort before the first one).
 */
function usersStatement(tenantId: string): ExportPlan {
  const columns = userColumns();
  return {
    dataset: 'users',
    columns,
    statement: sql`select ${selectList(columns)} from app_user u where u.tenant_id = ${tenantId} order by u.created_at, u.id`,
  };
}

/** Groups in creation order, each with its direct members counted by kind. */
function groupsStatement(tenantId: string): ExportPlan {
  const columns = groupColumns();
  return {
    dataset: 'groups',
    columns,
    statement: sql`select ${selectList(columns)} from "group" g where g.tenant_id = ${tenantId} order by g.created_at, g.id`,
  };
}

/**
 * One row per (group, user) for every user in a group, directly or through nested groups, with
 * the shortest way in: `depth` 1 and an empty `via` for a direct member; otherwise `via` lists the
 * groups from the group's own member group down to the group the user is directly in (`depth` is
 * their count plus one). Of several shortest ways the one through the smallest group ids is kept,
 * so the answer does not change between runs.
 *
 * The walk is over groups only (every group's descendant groups with the last hop of a shortest
 * way down, one row per pair), which stays small however many users there are; the chains are
 * rebuilt from those last hops, and the users joined once at the end. Ordered by group id, then
 * user id.
 */
function membershipsStatement(tenantId: string): ExportPlan {
  return {
    dataset: 'memberships',
    columns: MEMBERSHIP_COLUMNS,
    statement: sql`with recursive reach(ancestor, descendant, parent, depth) as (
        select g.id, g.id, null::uuid, 0 from "group" g where g.tenant_id = ${tenantId}
        union
        select r.ancestor, m.member_group_id, r.descendant, r.depth + 1
        from reach r join membership m on m.group_id = r.descendant and m.member_group_id is not null
        where m.tenant_id = ${tenantId} and r.depth < ${MAX_DEPTH}
      ),
      shortest as (
        select distinct on (ancestor, descendant) ancestor, descendant, parent, depth
        from reach order by ancestor, descendant, depth, parent
      ),
      chain(ancestor, descendant, depth, via) as (
        select ancestor, descendant, 0, array[]::uuid[] from shortest where depth = 0
        union all
        select s.ancestor, s.descendant, s.depth, c.via || s.descendant
        from chain c join shortest s on s.ancestor = c.ancestor and s.parent = c.descendant and s.depth = c.depth + 1
      ),
      best as (
        select distinct on (c.ancestor, m.member_user_id) c.ancestor, g.display_name, m.member_user_id, u.user_name, c.depth, c.via
        from chain c
        join membership m on m.group_id = c.descendant and m.member_user_id is not null
        join "group" g on g.id = c.ancestor
        join app_user u on u.id = m.member_user_id
        where m.tenant_id = ${tenantId}
        order by c.ancestor, m.member_user_id, c.depth, c.via
      )
      select b.ancestor, b.display_name, b.member_user_id, b.user_name,
        case when b.depth = 0 then 'direct' else 'inherited' end, b.depth + 1, b.via::text[]
      from best b
      order by b.ancestor, b.member_user_id`,
  };
}

/** The columns and statement of a tenant's export of `dataset`. */
export function exportPlan(dataset: ExportDataset, tenantId: string): ExportPlan {
  switch (dataset) {
    case 'users':
      return usersStatement(tenantId);
    case 'groups':
      return groupsStatement(tenantId);
    case 'memberships':
      return membershipsStatement(tenantId);
  }
}
