import { auditInsert } from '../audit/audit';
import type { DirectoryContext, OperatorContext } from '../context';
import { DomainError } from '../errors';
import { isUuid, query, sql } from '../sql';

/** When a tenant's alert fires: more than `percent` of its active users, and at least `minUsers`, within an hour. */
export interface MassDeprovisioningSettings {
  percent: number;
  minUsers: number;
  /** When the alert last fired (it fires at most once an hour). */
  lastAlertAt: Date | null;
}

/** What the alert counted over the hour before it fired. */
export interface MassDeprovisioningCount {
  disabled: number;
  deleted: number;
  /** Active users before the hour's deprovisioning: active now plus those disabled or deleted. */
  activeBefore: number;
  percent: number;
  minUsers: number;
}

export const MASS_DEPROVISIONING_ACTION = 'directory.mass_deprovisioning';

/**
 * Counts the tenant's deprovisioning over the last hour and, when it is over the tenant's
 * thresholds and the alert has not fired within the hour, records a `directory.mass_deprovisioning`
 * audit event and logs a warning. Returns the count when it fired. Below `minUsers` the active
 * users are not counted at all, so the common case reads one tenant row and an index range.
 */
export async function checkMassDeprovisioning(
  ctx: DirectoryContext,
): Promise<MassDeprovisioningCount | null> {
  const rows = await query<{
    percent: string;
    min_users: number;
    disabled: string;
    deleted: string;
    active_now: string | null;
  }>(
    ctx.em,
    sql`with t as (select mass_deprovisioning_percent as percent, mass_deprovisioning_min_users as min_users
         from tenant where id = ${ctx.tenantId}
           and (mass_deprovisioning_alerted_at is null or mass_deprovisioning_alerted_at <= now() - interval '1 hour')),
       w as (select count(*) filter (where kind = 'disabled') as disabled, count(*) filter (where kind = 'deleted') as deleted
         from user_deprovisioning where tenant_id = ${ctx.tenantId} and at > now() - interval '1 hour')
     select t.percent, t.min_users, w.disabled, w.deleted,
       case when w.disabled + w.deleted >= t.min_users
         then (select count(*) from app_user where tenant_id = ${ctx.tenantId} and active) end as active_now
     from t, w`,
  );
  const r = rows[0];
  if (!r || r.active_now === null) return null;
  const count: MassDeprovisioningCount = {
    disabled: Number(r.disabled),
    deleted: Number(r.deleted),
    activeBefore: Number(r.active_now) + Number(r.disabled) + Number(r.deleted),
    percent: Number(r.percent),
    minUsers: r.min_users,
  };
  const gone = count.disabled + count.deleted;
  if (gone * 100 <= count.percent * count.activeBefore) return null;
  const system = { ...ctx, actor: { kind: 'system' as const, id: 'mass-deprovisioning' } };
  const audit = auditInsert(
    system,
    {
      tenantId: ctx.tenantId,
      action: MASS_DEPROVISIONING_ACTION,
      resourceType: 'Tenant',
      resourceId: ctx.tenantId,
      changedFields: [
        `disabled:${count.disabled}`,
        `deleted:${count.deleted}`,
        `activeBefore:${count.activeBefore}`,
        `thresholdPercent:${count.percent}`,
        `minUsers:${count.minUsers}`,
        'windowMinutes:60',
      ],
    },
    sql`from hit`,
  );
  // The conditional UPDATE makes the alert fire once an hour across every process.
  const fired = await query(
    ctx.em,
    sql`with hit as (update tenant set mass_deprovisioning_alerted_at = now() where id = ${ctx.tenantId}
         and (mass_deprovisioning_alerted_at is null or mass_deprovisioning_alerted_at <= now() - interval '1 hour')
         returning id), a as (${audit}) select id from hit`,
  );
  if (fired.length === 0) return null;
  ctx.log.warn(
    { tenantId: ctx.tenantId, requestId: ctx.requestId, ...count },
    `mass deprovisioning: ${gone} of ${count.activeBefore} active users disabled or deleted within an hour; restoreUsers(since) undoes it`,
  );
  return count;
}

interface Pending {
  again: boolean;
  done: Promise<void>;
}

/** Checks running per tenant in this process (at most one, plus one queued behind it). */
const pending = new Map<string, Pending>();

/**
 * Runs checkMassDeprovisioning after the response, never in the request's way: Entra must not be
 * refused or slowed (a refusal counts toward quarantining its job). A burst of disables coalesces
 * into back-to-back checks, one at a time per tenant.
 */
export function scheduleMassDeprovisioningCheck(ctx: DirectoryContext): void {
  const running = pending.get(ctx.tenantId);
  if (running) {
    running.again = true;
    return;
  }
  // A fork outside any transaction: the check runs after the request's statement has committed.
  const check: DirectoryContext = { ...ctx, em: ctx.em.fork(), warnings: [] };
  const state: Pending = { again: false, done: Promise.resolve() };
  pending.set(ctx.tenantId, state);
  state.done = (async () => {
    do {
      state.again = false;
      await checkMassDeprovisioning(check);
    } while (state.again);
  })()
    .catch((err: unknown) =>
      ctx.log.warn({ err: String(err), tenantId: ctx.tenantId }, 'could not check for mass deprovisioning'),
    )
    .finally(() => pending.delete(ctx.tenantId));
}

/** Resolves when every scheduled check has finished (tests, shutdown). */
export async function massDeprovisioningChecksSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending.values()].map((p) => p.done));
}

function toSettings(r: Record<string, unknown>): MassDeprovisioningSettings {
  return {
    percent: Number(r.mass_deprovisioning_percent),
    minUsers: Number(r.mass_deprovisioning_min_users),
    lastAlertAt: r.mass_deprovisioning_alerted_at
      ? new Date(r.mass_deprovisioning_alerted_at as string)
      : null,
  };
}

/** A tenant's alert thresholds, or TENANT_NOT_FOUND. */
export async function getMassDeprovisioningSettings(
  ctx: OperatorContext,
  tenantId: string,
): Promise<MassDeprovisioningSettings> {
  const rows = isUuid(tenantId)
    ? await query(
        ctx.em,
        sql`select mass_deprovisioning_percent, mass_deprovisioning_min_users, mass_deprovisioning_alerted_at
         from tenant where id = ${tenantId}`,
      )
    : [];
  if (!rows[0]) throw new DomainError('TENANT_NOT_FOUND', `Tenant ${tenantId} not found.`);
  return toSettings(rows[0]);
}

/** Sets a tenant's alert thresholds (either may be left as it is), with an audit event. */
export async function setMassDeprovisioningSettings(
  ctx: OperatorContext,
  tenantId: string,
  change: { percent?: number; minUsers?: number },
): Promise<MassDeprovisioningSettings> {
  if (change.percent !== undefined && !(change.percent > 0 && change.percent <= 100)) {
    throw new DomainError('INVALID_INPUT', 'percent must be more than 0 and at most 100.', {
      field: 'percent',
    });
  }
  if (change.minUsers !== undefined && !(Number.isInteger(change.minUsers) && change.minUsers >= 1)) {
    throw new DomainError('INVALID_INPUT', 'minUsers must be a whole number of at least 1.', {
      field: 'minUsers',
    });
  }
  if (!isUuid(tenantId)) throw new DomainError('TENANT_NOT_FOUND', `Tenant ${tenantId} not found.`);
  const percent = change.percent === undefined ? null : Math.round(change.percent * 100) / 100;
  const audit = auditInsert(
    ctx,
    {
      tenantId,
      action: 'tenant.updated',
      resourceType: 'Tenant',
      resourceId: tenantId,
      changedFields: [
        ...(change.percent !== undefined ? ['massDeprovisioningPercent'] : []),
        ...(change.minUsers !== undefined ? ['massDeprovisioningMinUsers'] : []),
      ],
    },
    sql`from t`,
  );
  const rows = await query(
    ctx.em,
    sql`with t as (update tenant set
         mass_deprovisioning_percent = coalesce(${percent}::numeric, mass_deprovisioning_percent),
         mass_deprovisioning_min_users = coalesce(${change.minUsers ?? null}::integer, mass_deprovisioning_min_users)
       where id = ${tenantId} returning *), a as (${audit}) select * from t`,
  );
  if (!rows[0]) throw new DomainError('TENANT_NOT_FOUND', `Tenant ${tenantId} not found.`);
  return toSettings(rows[0]);
}
