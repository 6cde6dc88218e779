import type { RoleInput } from '../users/user.types';
import { json } from '../sql';

/**
 * CTE parts that make a user's role assignments exactly `roles` (assertive replace, as Entra's
 * role mappings expect), upserting tenant roles by value. `userCte` names a CTE with the user row.
 * `ON CONFLICT DO UPDATE` (not DO NOTHING) so a role created by a concurrent request is still returned.
 * Nothing is written when `userCte` has no row (an update whose version guard did not match).
 */
export function rolesCtes(
  tenantId: string,
  userCte: string,
  roles: readonly RoleInput[],
  replaceExisting: boolean,
): { sql: string; params: unknown[] } {
  const parts = [
    `ri as (select * from jsonb_to_recordset(?::jsonb) as x(value text, display text, type text, "primary" boolean))`,
    `r as (insert into role (id, tenant_id, value, display, type)
       select gen_random_uuid(), ?::uuid, ri.value, ri.display, ri.type from ri
       where exists (select 1 from ${userCte})
       on conflict (tenant_id, value) do update
         set display = coalesce(excluded.display, role.display), type = coalesce(excluded.type, role.type)
       returning id, value, display, type)`,
    `ur as (insert into user_role (tenant_id, user_id, role_id, "primary")
       select ?::uuid, ${userCte}.id, r.id, coalesce(ri."primary", false) from ${userCte}, r join ri on ri.value = r.value
       on conflict (user_id, role_id) do update set "primary" = excluded."primary"
       returning role_id, "primary")`,
  ];
  const params: unknown[] = [json(roles), tenantId, tenantId];
  if (replaceExisting) {
    parts.push(
      `rd as (delete from user_role where user_id = (select id from ${userCte}) and role_id not in (select id from r))`,
    );
  }
  return { sql: parts.join(',\n'), params };
}

/** Roles JSON of the final select, built from the `ur`/`r` CTEs of rolesCtes. */
export const ROLES_FROM_CTES = `(select coalesce(json_agg(json_build_object('value', r.value, 'display', r.display, 'type', r.type, 'primary', ur."primary") order by r.value), '[]'::json) from ur join r on r.id = ur.role_id)`;
