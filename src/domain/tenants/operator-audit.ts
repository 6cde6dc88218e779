import type { OperatorContext } from '../context';
import { isUuid, json, query, sql, type SqlFragment } from '../sql';

/** What the operator did to a tenant, as kept in operator_audit_event. */
export type OperatorAction =
  | 'tenant.updated'
  | 'tenant.suspended'
  | 'tenant.resumed'
  | 'tenant.deleted'
  | 'scim_token.rotated'
  | 'scim_token.revoked';

/** One record of the operator's log: it names the tenant by id, slug and name, which outlive it. */
export interface OperatorAuditRecord {
  id: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  actor: string;
  action: OperatorAction;
  details: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
}

/**
 * The INSERT of an operator audit record, to run in the transaction of the change it records.
 * The table has no foreign key to the tenant and refuses updates and deletes, so the record of a
 * tenant's deletion survives it (and the change feed's retention purge).
 */
export function operatorAuditInsert(
  ctx: OperatorContext,
  tenant: { id: string; slug: string; name: string },
  action: OperatorAction,
  details: Record<string, unknown> = {},
): SqlFragment {
  return sql`insert into operator_audit_event (tenant_id, tenant_slug, tenant_name, actor, action, details, request_id)
    values (${tenant.id}, ${tenant.slug}, ${tenant.name}, ${`${ctx.actor.kind}:${ctx.actor.id}`}, ${action}, ${json(details)}::jsonb, ${ctx.requestId})`;
}

/** The operator's records about one tenant (it may have been deleted), newest first. */
export async function operatorAuditEvents(
  ctx: OperatorContext,
  tenantId: string,
  first = 50,
): Promise<OperatorAuditRecord[]> {
  if (!isUuid(tenantId)) return [];
  const rows = await query(
    ctx.em,
    sql`select * from operator_audit_event where tenant_id = ${tenantId} order by id desc limit ${first}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    tenantId: String(r.tenant_id),
    tenantSlug: String(r.tenant_slug),
    tenantName: String(r.tenant_name),
    actor: String(r.actor),
    action: r.action as OperatorAction,
    details: (r.details as Record<string, unknown>) ?? {},
    requestId: (r.request_id as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
  }));
}
