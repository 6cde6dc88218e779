import type { DirectoryContext, OperatorContext } from '../context';
import { pgArray, query, sql } from '../sql';

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
