import type { OperatorContext } from '../context';
import { pgArray, sql, type SqlFragment } from '../sql';

export type ResourceType = 'Tenant' | 'User' | 'Group' | 'Role' | 'Credential' | 'SetupLink';

export interface AuditEntry {
  tenantId: string | null;
  action: string;
  resourceType: ResourceType;
  /**
   * The resource id: a value, or an expression over the rows of `from` (sql`u.id`), which lets a
   * CTE take it from a RETURNING row.
   */
  resourceId: string | SqlFragment;
  changedFields: readonly string[];
}

/**
 * The INSERT of an audit event, to be embedded in the same statement or transaction as the write
 * it records, so the event exists if and only if the change does. `from` (e.g. sql`from u`) names
 * the rows the event is written for.
 */
export function auditInsert(
  ctx: OperatorContext,
  entry: AuditEntry,
  from: SqlFragment = sql.empty,
): SqlFragment {
  return sql`insert into audit_event (tenant_id, actor, action, resource_type, resource_id, changed_fields, request_id) select ${entry.tenantId}::uuid, ${`${ctx.actor.kind}:${ctx.actor.id}`}, ${entry.action}, ${entry.resourceType}, ${entry.resourceId}::text, ${pgArray(entry.changedFields)}::text[], ${ctx.requestId} ${from}`;
}
