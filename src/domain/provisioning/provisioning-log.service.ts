import type { EntityManager } from '@mikro-orm/postgresql';
import { json, PREPARE, query, sql } from '../sql';

export interface ProvisioningLogInput {
  tenantId: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  errorDetail: string | null;
  warnings: readonly string[];
  /** The request's changes, secrets already removed. */
  operations: unknown;
}

export interface ProvisioningLogRecord extends ProvisioningLogInput {
  id: string;
  createdAt: Date;
}

const SECRET_KEYS = /^(password|secret|token|authorization|x509certificates)$/i;
const MAX_LOGGED_JSON = 64 * 1024;

// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store in text and jsonb: a NUL (a %00 echoed in an error detail) or a lone
 * UTF-16 surrogate (valid in JSON, refused by jsonb) made the whole log entry fail.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** A copy of a request body without secret-bearing keys, truncated if huge (e.g. 10,000-member PUTs). */
export function redactForLog(body: unknown): unknown {
  const strip = (v: unknown): unknown => {
    if (typeof v === 'string') return storableText(v);
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, val]) => [
          storableText(k),
          SECRET_KEYS.test(k) ? '[redacted]' : strip(val),
        ]),
      );
    }
    return v;
  };
  const clean = strip(body);
  const text = JSON.stringify(clean) ?? 'null';
  return text.length <= MAX_LOGGED_JSON
    ? clean
    : { truncated: true, bytes: text.length, preview: text.slice(0, 2048) };
}

/**
 * Appends entries to tenants' provisioning logs in one INSERT. An entry for a tenant id that does
 * not exist (a request that failed authentication with a made-up Provisioning URL) is skipped;
 * the others keep their order (ids follow it, and the log reads newest first by id). The batch travels as a single jsonb
 * parameter: a VALUES list with thousands of placeholders made the client-side query formatting
 * the most expensive step of a SCIM request.
 */
export async function recordProvisioningBatch(
  em: EntityManager,
  entries: readonly ProvisioningLogInput[],
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    tenant_id: e.tenantId,
    request_id: e.requestId,
    method: e.method,
    path: storableText(e.path),
    status: e.status,
    duration_ms: e.durationMs,
    error_detail: e.errorDetail === null ? null : storableText(e.errorDetail),
    warnings: e.warnings.map(storableText),
    operations: e.operations ?? null,
  }));
  await query(
    em,
    sql`insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, error_detail, warnings, operations)
     select x.tenant_id, request_id, method, path, status, duration_ms, error_detail, coalesce(warnings, '{}'), operations
     from rows from (jsonb_to_recordset(${json(rows)}::jsonb) as (tenant_id uuid, request_id text, method text, path text,
       status smallint, duration_ms real, error_detail text, warnings text[], operations jsonb)) with ordinality
       as x(tenant_id, request_id, method, path, status, duration_ms, error_detail, warnings, operations, n)
     where exists (select 1 from tenant t where t.id = x.tenant_id)
     order by x.n`,
    PREPARE,
  );
}

/** Appends one entry to a tenant's provisioning log. */
export function recordProvisioning(em: EntityManager, e: ProvisioningLogInput): Promise<void> {
  return recordProvisioningBatch(em, [e]);
}

/** The newest entries of a tenant's provisioning log (optionally only failed requests or those with warnings). */
export async function listProvisioning(
  em: EntityManager,
  tenantId: string,
  limit: number,
  problemsOnly = false,
): Promise<ProvisioningLogRecord[]> {
  const rows = await query(
    em,
    sql`select * from provisioning_log where tenant_id = ${tenantId}${problemsOnly ? sql` and (status >= 400 or cardinality(warnings) > 0)` : sql.empty}
     order by created_at desc, id desc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    tenantId: String(r.tenant_id),
    requestId: String(r.request_id),
    method: String(r.method),
    path: String(r.path),
    status: Number(r.status),
    durationMs: Number(r.duration_ms),
    errorDetail: (r.error_detail as string | null) ?? null,
    warnings: (r.warnings as string[]) ?? [],
    operations: r.operations ?? null,
    createdAt: new Date(r.created_at as string),
  }));
}

/**
 * Deletes provisioning-log entries older than `before`, oldest first, `batch` rows per statement
 * so no statement holds locks or WAL for long. Entries get increasing ids as they are written, so
 * the old ones are a prefix of the primary key: the first entry at or after `before` bounds it
 * (found by reading from the oldest, i.e. only the rows about to go), and every batch is a range of
 * the primary key. Returns how many were deleted.
 */
export async function pruneProvisioningLog(em: EntityManager, before: Date, batch = 5000): Promise<number> {
  const [bound] = await query<{ id: string | null }>(
    em,
    sql`select coalesce(
       (select id from provisioning_log where created_at >= ${before} order by id limit 1),
       (select max(id) + 1 from provisioning_log)) as id`,
  );
  if (!bound?.id) return 0;
  let deleted = 0;
  for (;;) {
    const [row] = await query<{ n: number }>(
      em,
      sql`with d as (delete from provisioning_log where id in (
         select id from provisioning_log where id < ${bound.id} order by id limit ${batch}) returning 1)
       select count(*)::int as n from d`,
    );
    const n = row?.n ?? 0;
    deleted += n;
    if (n < batch) return deleted;
  }
}
