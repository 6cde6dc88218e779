import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import type { OperatorContext } from '../context';
import { issueCredential } from '../credentials/credential.service';
import { DomainError } from '../errors';
import { decodeKeyset, encodeKeyset, type Page, type PageRequest } from '../paging';
import { inTransaction, isUuid, PREPARE, query, sql } from '../sql';

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  /** When the operator suspended it (SCIM and tenant credentials refused), or null. */
  suspendedAt: Date | null;
  suspendedReason: string | null;
  /** The operator actor that suspended it (`operator:operator`). */
  suspendedBy: string | null;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Maps a tenant row. */
export function toTenant(row: Record<string, unknown>): TenantRecord {
  return {
    id: String(row.id),
    slug: String(row.slug),
    name: String(row.name),
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
    suspendedAt: row.suspended_at ? new Date(row.suspended_at as string) : null,
    suspendedReason: (row.suspended_reason as string | null) ?? null,
    suspendedBy: (row.suspended_by as string | null) ?? null,
  };
}

/** A slug as stored (trimmed, lower case), or INVALID_INPUT naming `field`. */
export function checkSlug(raw: string | undefined, field = 'slug'): string {
  const slug = raw?.trim().toLowerCase();
  if (!slug || !SLUG.test(slug)) {
    throw new DomainError(
      'INVALID_INPUT',
      `${field} must be 1-63 characters of lower-case letters, digits and hyphens, starting and ending with a letter or digit.`,
      { field },
    );
  }
  return slug;
}

/** A tenant name as stored (trimmed), or INVALID_INPUT. */
export function checkTenantName(raw: string | undefined): string {
  const name = raw?.trim();
  if (!name || name.length > 200) {
    throw new DomainError('INVALID_INPUT', 'name is required (at most 200 characters).', { field: 'name' });
  }
  return name;
}

/** Creates a tenant with its first SCIM Provisioning Secret Token (returned once). */
export async function createTenant(
  ctx: OperatorContext,
  input: { slug: string; name: string },
): Promise<{ tenant: TenantRecord; scimToken: string }> {
  const slug = checkSlug(input.slug);
  const name = checkTenantName(input.name);
  return inTransaction(ctx, async (tx) => {
    const id = randomUUID();
    const audit = auditInsert(
      tx,
      {
        tenantId: id,
        action: 'tenant.created',
        resourceType: 'Tenant',
        resourceId: sql`t.id`,
        changedFields: ['*'],
      },
      sql`from t`,
    );
    const rows = await query(
      tx.em,
      sql`with t as (insert into tenant (id, slug, name) values (${id}, ${slug}, ${name}) returning *), a as (${audit}) select * from t`,
    );
    const issued = await issueCredential(tx, id, 'SCIM_TOKEN', 'Initial provisioning token');
    return { tenant: toTenant(rows[0]!), scimToken: issued.secret };
  });
}

/** Every tenant, by slug. */
export async function listTenants(ctx: OperatorContext): Promise<TenantRecord[]> {
  const rows = await query(ctx.em, sql`select * from tenant order by slug`);
  return rows.map(toTenant);
}

const TENANT_ORDER = 'tenant.slug';

/**
 * One page of tenants in slug order (a keyset on the unique slug), optionally only those whose
 * name contains `search` or whose slug starts with it (case-insensitive).
 */
export async function listTenantPage(
  ctx: OperatorContext,
  request: PageRequest & { search?: string },
): Promise<Page<TenantRecord>> {
  const search = request.search?.trim();
  const where = search
    ? sql`(name ilike ${`%${escapeLike(search)}%`} or slug like ${`${escapeLike(search.toLowerCase())}%`})`
    : sql`true`;
  const after = request.after ? decodeKeyset(TENANT_ORDER, request.after) : undefined;
  const [rows, count] = await Promise.all([
    request.first > 0
      ? query(
          ctx.em,
          sql`select * from tenant where ${where}${after ? sql` and slug > ${after.v ?? ''}` : sql.empty} order by slug limit ${request.first + 1}`,
        )
      : Promise.resolve([]),
    request.withTotal
      ? query(ctx.em, sql`select count(*)::int as n from tenant where ${where}`)
      : Promise.resolve(null),
  ]);
  const items = rows.slice(0, request.first).map(toTenant);
  return {
    items,
    cursors: items.map((t) => encodeKeyset(TENANT_ORDER, { v: t.slug, id: t.id })),
    hasNext: rows.length > request.first,
    total: count ? Number(count[0]!.n) : null,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One tenant, or null. */
export async function findTenant(ctx: OperatorContext, id: string): Promise<TenantRecord | null> {
  if (!isUuid(id)) return null;
  const rows = await query(ctx.em, sql`select * from tenant where id = ${id}`);
  return rows[0] ? toTenant(rows[0]) : null;
}

/** Whether a tenant can be served: active, suspended, or (unknown id) null. One primary-key read. */
export async function tenantStatus(
  em: OperatorContext['em'],
  tenantId: string,
): Promise<'active' | 'suspended' | null> {
  if (!isUuid(tenantId)) return null;
  const rows = await query(
    em,
    sql`select suspended_at is not null as suspended from tenant where id = ${tenantId}`,
    PREPARE,
  );
  if (!rows[0]) return null;
  return rows[0].suspended ? 'suspended' : 'active';
}
