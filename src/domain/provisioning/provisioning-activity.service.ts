import type { DirectoryContext, OperatorContext } from '../context';
import { DomainError } from '../errors';
import { pgArray, query, sql, type SqlFragment } from '../sql';
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
  // Written as the indexed expression, so the failed/succeeded index serves it.
  if (f.outcome) where.push(sql`(l.status >= 400) = ${f.outcome === 'FAILURE'}`);
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

export type QuarantineRisk = 'NONE' | 'APPROACHING' | 'LIKELY';

export interface ProvisioningHealthRecord {
  requestsLastHour: number;
  failuresLastHour: number;
  requestsLast24h: number;
  failuresLast24h: number;
  failureRate24h: number;
  lastRequestAt: Date | null;
  cycleInProgress: boolean;
  quarantineRisk: QuarantineRisk;
}

/** More requests than this in the last 10 minutes (and one in the last 2) is a provisioning cycle running. */
export const CYCLE_REQUESTS_10_MIN = 20;

/**
 * Entra's quarantine rule: evaluated once a job has 5,000 failures, it quarantines when failures
 * exceed 40 % of requests. APPROACHING: failure rate over 20 % or more than 2,500 failures in 24 h.
 */
export function quarantineRisk(requests: number, failures: number): QuarantineRisk {
  const rate = requests === 0 ? 0 : failures / requests;
  if (rate > 0.4 && failures >= 5000) return 'LIKELY';
  if (rate > 0.2 || failures > 2500) return 'APPROACHING';
  return 'NONE';
}

/** Request and failure counts of the tenant's provisioning log, each an index-only count. */
export async function provisioningHealth(ctx: DirectoryContext): Promise<ProvisioningHealthRecord> {
  const t = ctx.tenantId;
  const since = (interval: string, failed: boolean) =>
    sql`(select count(*) from provisioning_log where tenant_id = ${t}${failed ? sql` and (status >= 400) = true` : sql.empty} and created_at >= now() - ${interval}::interval)`;
  const [row] = await query<Record<string, string | Date | null>>(
    ctx.em,
    sql`select ${since('1 hour', false)} as req_1h, ${since('1 hour', true)} as fail_1h,
       ${since('24 hours', false)} as req_24h, ${since('24 hours', true)} as fail_24h,
       ${since('10 minutes', false)} as req_10m,
       (select max(created_at) from provisioning_log where tenant_id = ${t}) as last_at,
       now() as now`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const lastAt = row?.last_at ? new Date(row.last_at) : null;
  const now = row?.now ? new Date(row.now).getTime() : Date.now();
  const requests24 = n('req_24h');
  const failures24 = n('fail_24h');
  return {
    requestsLastHour: n('req_1h'),
    failuresLastHour: n('fail_1h'),
    requestsLast24h: requests24,
    failuresLast24h: failures24,
    failureRate24h: requests24 === 0 ? 0 : failures24 / requests24,
    lastRequestAt: lastAt,
    cycleInProgress:
      lastAt !== null && now - lastAt.getTime() <= 2 * 60_000 && n('req_10m') > CYCLE_REQUESTS_10_MIN,
    quarantineRisk: quarantineRisk(requests24, failures24),
  };
}

export type ConnectionState = 'WAITING' | 'TEST_RECEIVED' | 'PROVISIONING';

export interface ConnectionStatusRecord {
  testConnectionAt: Date | null;
  firstRequestAt: Date | null;
  lastRequestAt: Date | null;
  userCount: number;
  groupCount: number;
  state: ConnectionState;
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

/** Whether Entra has reached the tenant yet: Test Connection, first and last request, what exists. */
export async function connectionStatus(ctx: DirectoryContext): Promise<ConnectionStatusRecord> {
  const t = ctx.tenantId;
  const [row] = await query(
    ctx.em,
    sql`select
       (select max(created_at) from provisioning_log where tenant_id = ${t} and test_connection) as test_at,
       (select min(created_at) from provisioning_log where tenant_id = ${t}) as first_at,
       (select max(created_at) from provisioning_log where tenant_id = ${t}) as last_at,
       (select count(*) from app_user where tenant_id = ${t}) as users,
       (select count(*) from "group" where tenant_id = ${t}) as groups,
       exists (select 1 from provisioning_log where tenant_id = ${t}
         and operation in ('CREATE', 'UPDATE', 'DISABLE', 'DELETE')) as wrote`,
  );
  const testAt = date(row?.test_at);
  return {
    testConnectionAt: testAt,
    firstRequestAt: date(row?.first_at),
    lastRequestAt: date(row?.last_at),
    userCount: Number(row?.users ?? 0),
    groupCount: Number(row?.groups ?? 0),
    state: row?.wrote ? 'PROVISIONING' : testAt ? 'TEST_RECEIVED' : 'WAITING',
  };
}

export type TenantHealth = 'HEALTHY' | 'WARNING' | 'FAILING' | 'IDLE';

export interface TenantOverview {
  userCount: number;
  groupCount: number;
  lastRequestAt: Date | null;
  health: TenantHealth;
}

/** FAILING above this 24 h failure rate (where Entra's quarantine risk starts), WARNING above WARNING_RATE. */
export const FAILING_RATE = 0.2;
export const WARNING_RATE = 0.02;

/** The health of a tenant from its last 24 hours of SCIM requests. */
export function tenantHealth(requests24h: number, failures24h: number): TenantHealth {
  if (requests24h === 0) return 'IDLE';
  const rate = failures24h / requests24h;
  return rate > FAILING_RATE ? 'FAILING' : rate > WARNING_RATE ? 'WARNING' : 'HEALTHY';
}

/** Counts, last request and health of many tenants in one statement (operator). */
export async function tenantOverviews(
  ctx: OperatorContext,
  tenantIds: readonly string[],
): Promise<Map<string, TenantOverview>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await query(
    ctx.em,
    sql`select t.id,
       (select count(*) from app_user u where u.tenant_id = t.id) as users,
       (select count(*) from "group" g where g.tenant_id = t.id) as groups,
       (select max(created_at) from provisioning_log l where l.tenant_id = t.id) as last_at,
       (select count(*) from provisioning_log l where l.tenant_id = t.id and l.created_at >= now() - interval '24 hours') as req_24h,
       (select count(*) from provisioning_log l where l.tenant_id = t.id and (l.status >= 400) = true
          and l.created_at >= now() - interval '24 hours') as fail_24h
     from unnest(${pgArray(tenantIds)}::uuid[]) as t(id)`,
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        userCount: Number(r.users),
        groupCount: Number(r.groups),
        lastRequestAt: date(r.last_at),
        health: tenantHealth(Number(r.req_24h), Number(r.fail_24h)),
      },
    ]),
  );
}
