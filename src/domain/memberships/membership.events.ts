import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { groupStateJson } from '../groups/group.state';
import { sql, type SqlFragment } from '../sql';

const GROUP_STATE = groupStateJson('pg');
const GROUP_TABLE = sql`"group"`;

/** The member of membership row `m` as events name it: type, id and display name. */
const MEMBER_JSON = sql`jsonb_build_object('type', case when m.member_user_id is not null then 'User' else 'Group' end,
  'id', m.member_id, 'display', coalesce(m.display, mu.display_name, mu.user_name, mg.display_name))`;

/**
 * The group.member_added or group.member_removed events (one per member) for the membership rows
 * a CTE of the same statement returned (`rows`: group_id, member_id, member_user_id,
 * member_group_id, display), each naming the group (its state) and the member. `groups` is where
 * the group's state is read: the table, or a CTE of the same statement that changed the group
 * (whose new version the table does not show that statement).
 */
export function memberEvents(
  ctx: DirectoryContext,
  action: 'group.member_added' | 'group.member_removed',
  rows: SqlFragment,
  groups: SqlFragment = GROUP_TABLE,
): SqlFragment {
  return auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action,
      resourceType: 'Group',
      resourceId: sql`m.group_id`,
      changedFields: ['members'],
      data: sql`jsonb_build_object('group', ${GROUP_STATE}, 'member', ${MEMBER_JSON})`,
    },
    sql`from ${rows} m join ${groups} pg on pg.id = m.group_id
      left join app_user mu on mu.id = m.member_user_id left join "group" mg on mg.id = m.member_group_id`,
  );
}

/** The columns memberEvents reads, for a RETURNING clause. */
export const MEMBER_ROW = sql`group_id, member_id, member_user_id, member_group_id, display`;

/**
 * group.member_removed events for the groups the deleted row `d` (a user or group) was a direct
 * member of: its memberships go with it by foreign key, and this statement's snapshot still sees
 * them. `name` is the member's display name over `d`.
 */
export function memberRemovedOnDelete(
  ctx: DirectoryContext,
  type: 'User' | 'Group',
  name: SqlFragment,
): SqlFragment {
  return auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'group.member_removed',
      resourceType: 'Group',
      resourceId: sql`m.group_id`,
      changedFields: ['members'],
      data: sql`jsonb_build_object('group', ${GROUP_STATE}, 'member', jsonb_build_object('type', ${type}::text, 'id', d.id, 'display', coalesce(m.display, ${name})))`,
    },
    sql`from d join membership m on m.member_id = d.id and m.tenant_id = d.tenant_id join "group" pg on pg.id = m.group_id`,
  );
}
