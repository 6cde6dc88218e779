import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { getUser, updateUser } from '../users/user.service';
import { userToInput } from '../users/user.normalize';
import type { UserRecord } from '../users/user.types';
import { query, sql } from '../sql';

export interface RoleRecord {
  id: string;
  tenantId: string;
  value: string;
  display: string | null;
  type: string | null;
  createdAt: Date;
}

function toRole(row: Record<string, unknown>): RoleRecord {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    value: String(row.value),
    display: (row.display as string | null) ?? null,
    type: (row.type as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
  };
}

/** A tenant role by its value (exact), or null. */
export async function findRole(ctx: DirectoryContext, value: string): Promise<RoleRecord | null> {
  const rows = await query(
    ctx.em,
    sql`select * from role where tenant_id = ${ctx.tenantId} and value = ${value}`,
  );
  return rows[0] ? toRole(rows[0]) : null;
}

/** Creates the role if needed, without assigning it. */
export async function ensureRole(
  ctx: DirectoryContext,
  input: { value: string; display?: string | null; type?: string | null },
): Promise<RoleRecord> {
  if (!input.value)
    throw new DomainError('INVALID_INPUT', 'A role needs a non-empty value.', { field: 'value' });
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'role.upserted',
      resourceType: 'Role',
      resourceId: sql`r.id`,
      changedFields: ['*'],
    },
    sql`from r`,
  );
  const rows = await query(
    ctx.em,
    sql`with r as (insert into role (id, tenant_id, value, display, type) values (gen_random_uuid(), ${ctx.tenantId}, ${input.value}, ${input.display ?? null}, ${input.type ?? null})
       on conflict (tenant_id, value) do update set display = coalesce(excluded.display, role.display),
         type = coalesce(excluded.type, role.type), updated_at = now() returning *),
     a as (${audit}) select * from r`,
  );
  return toRole(rows[0]!);
}

/** Assigns a role (created if new) to a user; `primary` makes it the user's only primary role. */
export async function assignRole(
  ctx: DirectoryContext,
  userId: string,
  role: { value: string; display?: string | null; type?: string | null },
  primary = false,
): Promise<UserRecord> {
  await getUser(ctx, userId);
  return updateUser(ctx, userId, (current) => {
    const input = userToInput(current);
    const others = (input.roles ?? [])
      .filter((r) => r.value !== role.value)
      .map((r) => ({ ...r, primary: primary ? false : r.primary }));
    const existing = current.roles.find((r) => r.value === role.value);
    return {
      ...input,
      roles: [
        ...others,
        {
          value: role.value,
          display: role.display ?? existing?.display ?? null,
          type: role.type ?? existing?.type ?? null,
          primary,
        },
      ],
    };
  });
}

/** Removes a role assignment from a user (no-op if absent). */
export function unassignRole(ctx: DirectoryContext, userId: string, value: string): Promise<UserRecord> {
  return updateUser(ctx, userId, (current) => {
    const input = userToInput(current);
    return { ...input, roles: (input.roles ?? []).filter((r) => r.value !== value) };
  });
}

/** Roles of the tenant ordered by value, keyset-paged after `afterValue`. */
export async function listRoles(
  ctx: DirectoryContext,
  opts: { first: number; afterValue?: string },
): Promise<{ items: RoleRecord[]; total: number; hasNext: boolean }> {
  const after = opts.afterValue !== undefined ? sql` and value > ${opts.afterValue}` : sql.empty;
  const [rows, count] = await Promise.all([
    query(
      ctx.em,
      sql`select * from role where tenant_id = ${ctx.tenantId}${after} order by value limit ${opts.first + 1}`,
    ),
    query<{ n: string }>(
      ctx.em.fork(),
      sql`select count(*) as n from role where tenant_id = ${ctx.tenantId}`,
    ),
  ]);
  return {
    items: rows.slice(0, opts.first).map(toRole),
    total: Number(count[0]?.n ?? 0),
    hasNext: rows.length > opts.first,
  };
}
