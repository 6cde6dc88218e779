import type { DirectoryContext } from '../context';
import { isUuid, pgArray, query, sql } from '../sql';

/** An audit event as the console shows it. */
export interface AuditEventRecord {
  id: string;
  action: string;
  resourceType: string;
  resourceId: string;
  changedFields: string[];
  /** Who acted: `<kind>:<id>` (scim:<token id>, apiKey:<key id>, jwt:<subject>, operator:operator …). */
  actor: string;
  /** The name of the SCIM token or API key that acted, when the actor is one of the tenant's credentials. */
  actorName: string | null;
  requestId: string | null;
  createdAt: Date;
}

/**
 * The newest `first` audit events of each of these resources of the tenant, in one statement
 * (newest first per resource).
 */
export async function recentAuditEvents(
  ctx: DirectoryContext,
  resourceIds: readonly string[],
  first: number,
): Promise<Map<string, AuditEventRecord[]>> {
  const ids = [...new Set(resourceIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const out = new Map<string, AuditEventRecord[]>();
  if (ids.length === 0 || first === 0) return out;
  const rows = await query(
    ctx.em,
    sql`select e.*, c.name as actor_name from unnest(${pgArray(ids)}::text[]) as r(id)
     cross join lateral (select * from audit_event a where a.resource_id = r.id and a.tenant_id = ${ctx.tenantId}
       order by a.created_at desc, a.id desc limit ${first}) e
     left join credential c on c.tenant_id = e.tenant_id and c.id::text = split_part(e.actor, ':', 2)
       and split_part(e.actor, ':', 1) in ('scim', 'apiKey')
     order by e.resource_id, e.created_at desc, e.id desc`,
  );
  for (const r of rows) {
    const key = String(r.resource_id);
    const list = out.get(key) ?? [];
    list.push({
      id: String(r.id),
      action: String(r.action),
      resourceType: String(r.resource_type),
      resourceId: key,
      changedFields: (r.changed_fields as string[]) ?? [],
      actor: String(r.actor),
      actorName: (r.actor_name as string | null) ?? null,
      requestId: (r.request_id as string | null) ?? null,
      createdAt: new Date(r.created_at as string),
    });
    out.set(key, list);
  }
  return out;
}
