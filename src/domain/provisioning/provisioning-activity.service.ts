import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { query, sql, type SqlFragment } from '../sql';
import type {
  ProvisioningLogRecord,
  ProvisioningOperation,
  ProvisioningResourceType,
} from './provisioning-log.service';

/** One provisioning-log entry with what the Activity page shows. */
export interface ProvisioningActivityRecord extends ProvisioningLogRecord {
  operation: ProvisioningOperation | null;
  resourceType: ProvisioningResourceType | null;
  resourceId: string | null;
  resourceName: string | null;
  responseBody: unknown;
  /** Name of the SCIM token that authenticated the request (null when authentication failed). */
  actor: string | null;
}

export interface ProvisioningActivityFilter {
  from?: Date;
  /** Exclusive. */
  to?: Date;
  outcome?: 'SUCCESS' | 'FAILURE';
  operation?: ProvisioningOperation;
  resourceType?: ProvisioningResourceType;
  /** A prefix of the resource's userName or displayName, case-insensitive. */
  search?: string;
}

export interface ProvisioningActivityPage {
  items: ProvisioningActivityRecord[];
  cursors: string[];
  hasNext: boolean;
  total: number | null;
}

const ORDERING = 'provisioning-activity';
/** timestamptz as PostgreSQL prints it, e.g. 2026-12-07 06:40:01.123456+00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** A cursor on (created_at, id): the timestamp as PostgreSQL prints it, so no microsecond is lost. */
function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify({ o: ORDERING, at, id })).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      p.o === ORDERING &&
      typeof p.at === 'string' &&
      TIMESTAMP.test(p.at) &&
      typeof p.id === 'string' &&
      /^\d{1,19}$/.test(p.id)
    ) {
      return { at: p.at, id: p.id };
    }
  } catch {
    // fall through
  }
  throw new DomainError(
    'INVALID_CURSOR',
    'The cursor is not valid for this list (it must come from provisioningActivity).',
  );
}

/** LIKE's wildcards taken literally. */
function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterSql(f: ProvisioningActivityFilter): SqlFragment[] {
  const where: SqlFragment[] = [];
  if (f.from) where.push(sql`l.created_at >= ${f.from}`);
  if (f.to) where.push(sql`l.created_at < ${f.to}`);
  // The indexed expression with IS TRUE / IS FALSE: "= false" would be rewritten to status < 400,
  // which the index on (status >= 400) does not serve.
  if (f.outcome) {
    where.push(f.outcome === 'FAILURE' ? sql`(l.status >= 400) is true` : sql`(l.status >= 400) is false`);
  }
  if (f.operation) where.push(sql`l.operation = ${f.operation}`);
  if (f.resourceType) where.push(sql`l.resource_type = ${f.resourceType}`);
  if (f.search) where.push(sql`lower(l.resource_name) like ${likePrefix(f.search)}`);
  return where;
}

/**
 * A page of the tenant's provisioning log, newest first, keyset-paged on (created_at, id): every
 * filter is served by a tenant-leading index ending in that order, so a page reads only its rows.
 */
export async function listProvisioningActivity(
  ctx: DirectoryContext,
  opts: { first: number; after?: string; filter: ProvisioningActivityFilter; withTotal: boolean },
): Promise<ProvisioningActivityPage> {
  const where = [sql`l.tenant_id = ${ctx.tenantId}`, ...filterSql(opts.filter)];
  const counted = sql.join(where, sql` and `);
  if (opts.after) {
    const c = decodeCursor(opts.after);
    where.push(sql`(l.created_at, l.id) < (${c.at}::timestamptz, ${c.id}::bigint)`);
  }
  const [rows, count] = await Promise.all([
    opts.first === 0
      ? Promise.resolve([])
      : query(
          ctx.em,
          sql`select l.*, l.created_at::text as at_text, c.name as actor
           from provisioning_log l
           left join credential c on c.id = l.credential_id and c.tenant_id = l.tenant_id
           where ${sql.join(where, sql` and `)}
           order by l.created_at desc, l.id desc limit ${opts.first + 1}`,
        ),
    opts.withTotal
      ? query<{ n: string }>(
          ctx.em.fork(),
          sql`select count(*) as n from provisioning_log l where ${counted}`,
        )
      : Promise.resolve(undefined),
  ]);
  const page = rows.slice(0, opts.first);
  return {
    items: page.map(rowToActivity),
    cursors: page.map((r) => encodeCursor(String(r.at_text), String(r.id))),
    hasNext: rows.length > opts.first,
    total: count ? Number(count[0]?.n ?? 0) : null,
  };
}

function rowToActivity(r: Record<string, unknown>): ProvisioningActivityRecord {
  return {
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
    operation: (r.operation as ProvisioningOperation | null) ?? null,
    resourceType: (r.resource_type as ProvisioningResourceType | null) ?? null,
    resourceId: (r.resource_id as string | null) ?? null,
    resourceName: (r.resource_name as string | null) ?? null,
    responseBody: r.response_body ?? null,
    actor: (r.actor as string | null) ?? null,
  };
}
