import type { OperatorContext } from '../context';
import { pgArray } from '../sql';

export type ResourceType = 'Tenant' | 'User' | 'Group' | 'Role' | 'Credential';

export interface AuditEntry {
  tenantId: string | null;
  action: string;
  resourceType: ResourceType;
  /** SQL expression or `?` for the resource id (lets a CTE take it from a RETURNING row). */
  resourceIdSql?: string;
  resourceId?: string;
  changedFields: readonly string[];
}

/**
 * The INSERT of an audit event, to be embedded in the same statement or transaction as the write
 * it records, so the event exists if and only if the change does.
 */
export function auditInsert(
  ctx: OperatorContext,
  entry: AuditEntry,
  from = '',
): { sql: string; params: unknown[] } {
  const idSql = entry.resourceIdSql ?? '?';
  const idParams = entry.resourceIdSql ? [] : [entry.resourceId];
  return {
    sql:
      `insert into audit_event (tenant_id, actor, action, resource_type, resource_id, changed_fields, request_id) ` +
      `select ?::uuid, ?, ?, ?, ${idSql}::text, ?::text[], ? ${from}`,
    params: [
      entry.tenantId,
      `${ctx.actor.kind}:${ctx.actor.id}`,
      entry.action,
      entry.resourceType,
      ...idParams,
      pgArray(entry.changedFields),
      ctx.requestId,
    ],
  };
}
