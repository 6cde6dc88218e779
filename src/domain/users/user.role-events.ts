import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { json, sql, type SqlFragment } from '../sql';
import type { normalizeRoles } from './user.normalize';
import { roleDelta } from './user.state';
import type { RoleAssignment } from './user.types';

const U_ID = sql`u.id`;

/** Role assignments as the roles JSON carries them (RoleInput with its defaults). */
export function assignments(roles: ReturnType<typeof normalizeRoles>): RoleAssignment[] {
  return roles.map((r) => ({
    value: r.value,
    display: r.display ?? null,
    type: r.type ?? null,
    primary: r.primary === true,
  }));
}

/**
 * role.assigned / role.unassigned events of user `u`, one per role, as CTEs of its statement. They
 * read the `a` CTE (the user's own event, with RETURNING), so they are written after it and follow
 * it in the feed: a consumer sees the user before its roles.
 */
export function roleEventCtes(
  ctx: DirectoryContext,
  state: SqlFragment,
  before: RoleAssignment[],
  after?: RoleAssignment[],
) {
  const { assigned, unassigned } = roleDelta(before, after);
  const ctes: SqlFragment[] = [];
  for (const [action, list, name] of [
    ['role.assigned', assigned, sql`ra`],
    ['role.unassigned', unassigned, sql`ru`],
  ] as const) {
    if (list.length === 0) continue;
    const event = auditInsert(
      ctx,
      {
        tenantId: ctx.tenantId,
        action,
        resourceType: 'User',
        resourceId: U_ID,
        changedFields: ['roles'],
        data: sql`jsonb_build_object('role', x.role, 'user', ${state})`,
      },
      sql`from u cross join (select count(*) from a) as after_a cross join jsonb_array_elements(${json(list)}::jsonb) as x(role)`,
    );
    ctes.push(sql`${name} as (${event})`);
  }
  return ctes;
}
