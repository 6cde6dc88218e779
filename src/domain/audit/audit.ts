import type { OperatorContext } from '../context';
import { pgArray, sql, type SqlFragment } from '../sql';

export type ResourceType =
  'Tenant' | 'User' | 'Group' | 'Role' | 'Credential' | 'SetupLink' | 'WebhookEndpoint';

export interface AuditEntry {
  tenantId: string | null;
  /** The event's type in the change feed (docs/changes.md), e.g. user.created, group.member_added. */
  action: string;
  resourceType: ResourceType;
  /**
   * The resource id: a value, or an expression over the rows of `from` (sql`u.id`), which lets a
   * CTE take it from a RETURNING row.
   */
  resourceId: string | SqlFragment;
  changedFields: readonly string[];
  /**
   * The subject's state after the change (its last state, for a deletion) as a jsonb expression,
   * usually over the rows of `from`; consumers of the feed upsert it without calling back.
   */
  data?: SqlFragment;
  /** What changed, `{ "<field>": { "old": …, "new": … } }`, as a jsonb expression (updates). */
  changes?: SqlFragment;
}

const NULL_JSONB = sql`null::jsonb`;

/**
 * The INSERT of an audit event, to be embedded in the same statement or transaction as the write
 * it records, so the event exists if and only if the change does. `from` (e.g. sql`from u`) names
 * the rows the event is written for; one event per row. The event is also the change feed's
 * (its transaction id is the column's default, pg_current_xact_id()).
 */
export function auditInsert(
  ctx: OperatorContext,
  entry: AuditEntry,
  from: SqlFragment = sql.empty,
): SqlFragment {
  if (entry.tenantId) ctx.noteChange?.(entry.tenantId);
  return sql`insert into audit_event (tenant_id, actor, actor_name, action, resource_type, resource_id, changed_fields, request_id, data, changes) select ${entry.tenantId}::uuid, ${`${ctx.actor.kind}:${ctx.actor.id}`}, ${ctx.actor.name ?? null}, ${entry.action}, ${entry.resourceType}, ${entry.resourceId}::text, ${pgArray(entry.changedFields)}::text[], ${ctx.requestId}, ${entry.data ?? NULL_JSONB}, ${entry.changes ?? NULL_JSONB} ${from}`;
}
