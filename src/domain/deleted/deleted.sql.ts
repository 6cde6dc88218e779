import type { DirectoryContext } from '../context';
import { ROLES_JSON } from '../roles/role.sql';
import { sql, type SqlFragment } from '../sql';

/** Who did it, as audit events name the actor. */
export function actorName(ctx: DirectoryContext): string {
  return `${ctx.actor.kind}:${ctx.actor.id}`;
}

/** A membership row as archived: every stored column but the tenant and the generated member_id. */
const MEMBERSHIP_JSON = sql`to_jsonb(m) - 'tenant_id' - 'member_id'`;

/**
 * The CTE body that archives the users deleted by CTE `d` (rows of app_user): the row as stored,
 * its roles, its direct memberships and the users it managed. Every CTE of one statement reads the
 * snapshot taken before it, so these subqueries still see what the delete's foreign keys remove.
 */
export function archiveUsers(ctx: DirectoryContext, d: SqlFragment): SqlFragment {
  return sql`insert into deleted_user (tenant_id, id, user_name, display_name, record, roles, memberships, reports, deleted_by, request_id)
     select d.tenant_id, d.id, d.user_name, d.display_name, to_jsonb(d),
       (select ${ROLES_JSON} from user_role ur join role r on r.id = ur.role_id where ur.user_id = d.id)::jsonb,
       (select coalesce(jsonb_agg(${MEMBERSHIP_JSON} order by m.created_at), '[]'::jsonb)
          from membership m where m.member_id = d.id and m.tenant_id = d.tenant_id),
       array(select r.id from app_user r where r.manager_id = d.id and r.tenant_id = d.tenant_id and r.id <> d.id),
       ${actorName(ctx)}, ${ctx.requestId}
     from ${d} d`;
}

/** The CTE body that records, for the alert and restoreUsers, the active users of CTE `u` being deprovisioned. */
export function recordDeprovisioning(
  ctx: DirectoryContext,
  u: SqlFragment,
  kind: 'disabled' | 'deleted',
): SqlFragment {
  const activeOnly = kind === 'deleted' ? sql` where u.active` : sql.empty;
  return sql`insert into user_deprovisioning (tenant_id, user_id, kind, request_id)
     select u.tenant_id, u.id, ${kind}, ${ctx.requestId} from ${u} u${activeOnly}`;
}

/**
 * The CTE body that archives the groups deleted by CTE `d`: the row as stored and every direct
 * membership on either side (its members, and the groups it was a member of).
 */
export function archiveGroups(ctx: DirectoryContext, d: SqlFragment): SqlFragment {
  return sql`insert into deleted_group (tenant_id, id, display_name, record, memberships, deleted_by, request_id)
     select d.tenant_id, d.id, d.display_name, to_jsonb(d),
       (select coalesce(jsonb_agg(x.j order by x.created_at), '[]'::jsonb) from (
          select ${MEMBERSHIP_JSON} as j, m.created_at from membership m where m.group_id = d.id
          union all
          select ${MEMBERSHIP_JSON} as j, m.created_at from membership m
            where m.member_group_id = d.id and m.tenant_id = d.tenant_id) x),
       ${actorName(ctx)}, ${ctx.requestId}
     from ${d} d`;
}
