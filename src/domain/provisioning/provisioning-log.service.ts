import type { EntityManager } from '@mikro-orm/postgresql';
import { PREPARE, query, sql } from '../sql';

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
  /** What the request did, as the SCIM route classified it (see provisioning-activity.ts). */
  operation?: ProvisioningOperation | null;
  resourceType?: ProvisioningResourceType | null;
  resourceId?: string | null;
  /** userName or displayName of the resource; a DELETE's is taken from the resource's earlier entries. */
  resourceName?: string | null;
  /** The SCIM token that authenticated the request. */
  credentialId?: string | null;
  /** Entra's Test Connection: a userName filter for a random GUID, answered 200 with no results. */
  testConnection?: boolean;
  /** The response body as sent (JSON text); parsed, redacted and truncated by the writer, off the request path. */
  responseBody?: unknown;
}

export type ProvisioningOperation = 'CREATE' | 'UPDATE' | 'DISABLE' | 'DELETE' | 'READ';
export type ProvisioningResourceType = 'USER' | 'GROUP';

export interface ProvisioningLogRecord extends ProvisioningLogInput {
  id: string;
  createdAt: Date;
}

const SECRET_KEYS = /^(password|secret|token|authorization|x509certificates)$/i;
const MAX_LOGGED_JSON = 16 * 1024;
/** A secret-bearing key's value in JSON text, also when the text ends inside it. */
const SECRET_VALUES =
  /"(password|secret|token|authorization|x509certificates)"\s*:\s*("(?:[^"\\]|\\.)*("|$)|\[[^\]]*(\]|$)|\{[^}]*(\}|$))/gi;

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
 * A response body (JSON text as sent) as it may wait in the writer's queue: at most 16 kB. A longer
 * one (a page of 100 users is ~100 kB) becomes the truncation marker at once, its 2 kB preview with
 * secret-bearing values blanked, so a backlog during an outage holds no large bodies. Cheap: no parse.
 */
export function boundedResponse(body: unknown): unknown {
  if (typeof body !== 'string' || body.length <= MAX_LOGGED_JSON) return body;
  const preview = body.slice(0, 2048).replace(SECRET_VALUES, '"$1":"[redacted]"');
  return { truncated: true, bytes: body.length, preview: storableText(preview) };
}

/** A response body for the log (parsed by the writer): redacted and truncated like a request body. */
export function responseForLog(body: unknown): unknown {
  if (body === null || body === undefined || body === '') return null;
  if (typeof body !== 'string') return redactForLog(body);
  if (body.length > MAX_LOGGED_JSON) return boundedResponse(body);
  try {
    return redactForLog(JSON.parse(body));
  } catch {
    return redactForLog(body);
  }
}

/** A secret-bearing key anywhere in JSON text (keys are written quoted and unescaped). */
const SECRET_KEY_IN_TEXT = /"(password|secret|token|authorization|x509certificates)"\s*:/i;
/** An escape jsonb refuses: NUL or a lone surrogate (JSON.stringify writes paired ones as is). */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;

/**
 * The response body as JSON text for the batch: the text as sent when it can be stored as it is
 * (no secret-bearing key, nothing jsonb refuses, within the size limit), which is every ordinary
 * SCIM answer; otherwise responseForLog's parsed, redacted copy. Reads are most of the log, and
 * parsing, copying and re-serialising each answer was a tenth of a SCIM GET's CPU.
 */
function responseJsonText(body: unknown): string {
  if (
    typeof body === 'string' &&
    body.length > 0 &&
    body.length <= MAX_LOGGED_JSON &&
    (body.startsWith('{') || body.startsWith('[')) &&
    !SECRET_KEY_IN_TEXT.test(body) &&
    !UNSTORABLE_ESCAPE.test(body)
  ) {
    return body;
  }
  return JSON.stringify(responseForLog(body));
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
  // A DELETE names only an id: its name comes from an earlier entry for that id, in this batch
  // (below) or already stored (in the statement).
  const names = new Map<string, string>();
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
    operation: e.operation ?? null,
    resource_type: e.resourceType ?? null,
    resource_id: e.resourceId ? storableText(e.resourceId) : null,
    resource_name: nameInBatch(names, e),
    credential_id: e.credentialId ?? null,
    test_connection: e.testConnection ?? false,
  }));
  // Each row's JSON with its response body spliced in as text (see responseJsonText).
  const batch = `[${rows
    .map(
      (r, i) =>
        `${JSON.stringify(r).slice(0, -1)},"response_body":${responseJsonText(entries[i]!.responseBody)}}`,
    )
    .join(',')}]`;
  await query(
    em,
    sql`insert into provisioning_log (tenant_id, request_id, method, path, status, duration_ms, error_detail, warnings, operations,
       operation, resource_type, resource_id, resource_name, response_body, credential_id, test_connection)
     select x.tenant_id, request_id, method, path, status, duration_ms, error_detail, coalesce(warnings, '{}'), operations,
       operation, resource_type, resource_id,
       coalesce(x.resource_name, case when x.resource_id is not null then (select p.resource_name from provisioning_log p
         where p.tenant_id = x.tenant_id and p.resource_id = x.resource_id and p.resource_name is not null
         order by p.id desc limit 1) end),
       response_body, credential_id, coalesce(test_connection, false)
     from rows from (jsonb_to_recordset(${batch}::jsonb) as (tenant_id uuid, request_id text, method text, path text,
       status smallint, duration_ms real, error_detail text, warnings text[], operations jsonb, operation text,
       resource_type text, resource_id text, resource_name text, response_body jsonb, credential_id uuid,
       test_connection boolean)) with ordinality
       as x(tenant_id, request_id, method, path, status, duration_ms, error_detail, warnings, operations, operation,
         resource_type, resource_id, resource_name, response_body, credential_id, test_connection, n)
     where exists (select 1 from tenant t where t.id = x.tenant_id)
     order by x.n`,
    PREPARE,
  );
}

function nameInBatch(names: Map<string, string>, e: ProvisioningLogInput): string | null {
  const key = e.resourceId ? `${e.tenantId}/${e.resourceId.toLowerCase()}` : undefined;
  const name = e.resourceName ? storableText(e.resourceName) : null;
  if (key && name) names.set(key, name);
  return name ?? (key ? (names.get(key) ?? null) : null);
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
