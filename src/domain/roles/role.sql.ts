import type { RoleInput } from '../users/user.types';
import { json, sql, type SqlFragment } from '../sql';

/**
 * A user's roles as a JSON array (`[{ value, display, type, primary }]`, by value; `[]` for none),
 * aggregated over rows of role `r` joined to user_role `ur`. The one place that shape is written:
 * users/user.row.ts reads it back.
 */
export const ROLES_JSON = sql`coalesce(json_agg(json_build_object('value', r.value, 'display', r.display, 'type', r.type, 'primary', ur."primary") order by r.value), '[]'::json)`;

/** The roles JSON of user `u`, as stored. */
export const USER_ROLES_JSON = sql`(select ${ROLES_JSON}
     from user_role ur join role r on r.id = ur.role_id where ur.user_id = u.id)`;

/** The roles JSON of the final select, built from the `ur`/`r` CTEs of rolesCtes. */
export const ROLES_FROM_CTES = sql`(select ${ROLES_JSON} from ur join r on r.id = ur.role_id)`;

/**
 * CTE parts that make a user's role assignments exactly `roles` (assertive replace, as Entra's
 * role mappings expect), upserting tenant roles by value. `userCte` names a CTE with the user row.
 * `ON CONFLICT DO UPDATE` (not DO NOTHING) so a role created by a concurrent request is still returned.
 * Nothing is written when `userCte` has no row (an update whose version guard did not match).
 */
export function rolesCtes(
  tenantId: string,
  userCte: SqlFragment,
  roles: readonly RoleInput[],
  replaceExisting: boolean,
): SqlFragment {
  const written = sql`ri as (select * from jsonb_to_recordset(${json(roles)}::jsonb) as x(value text, display text, type text, "primary" boolean)),
r as (insert into role (id, tenant_id, value, display, type)
       select gen_random_uuid(), ${tenantId}::uuid, ri.value, ri.display, ri.type from ri
       where exists (select 1 from ${userCte})
       on conflict (tenant_id, value) do update
         set display = coalesce(excluded.display, role.display), type = coalesce(excluded.type, role.type)
       returning id, value, display, type),
ur as (insert into user_role (tenant_id, user_id, role_id, "primary")
       select ${tenantId}::uuid, ${userCte}.id, r.id, coalesce(ri."primary", false) from ${userCte}, r join ri on ri.value = r.value
       on conflict (user_id, role_id) do update set "primary" = excluded."primary"
       returning role_id, "primary")`;
  if (!replaceExisting) return written;
  return sql`${written},
rd as (delete from user_role where user_id = (select id from ${userCte}) and role_id not in (select id from r))`;
}
