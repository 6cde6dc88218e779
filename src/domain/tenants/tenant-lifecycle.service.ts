import { auditInsert } from '../audit/audit';
import type { OperatorContext } from '../context';
import {
  forgetTenantCredentials,
  revokeCredential,
  revokeLiveCredentials,
  rotateCredential,
} from '../credentials/credential.service';
import type { CredentialRecord, IssuedCredential } from '../credentials/credential.types';
import { DomainError } from '../errors';
import { inTransaction, isUuid, json, query, sql, type SqlFragment } from '../sql';
import { operatorAuditInsert } from './operator-audit';
import { checkSlug, checkTenantName, toTenant, type TenantRecord } from './tenant.service';

type Tx = OperatorContext;

const notFound = (id: string) => new DomainError('TENANT_NOT_FOUND', `Tenant ${id} not found.`);

/** The tenant's row, locked until the transaction ends: no row of the tenant can be inserted meanwhile. */
async function lockTenant(tx: Tx, id: string): Promise<TenantRecord> {
  if (!isUuid(id)) throw notFound(id);
  const rows = await query(tx.em, sql`select * from tenant where id = ${id} for update`);
  if (!rows[0]) throw notFound(id);
  return toTenant(rows[0]);
}

/** The tenant's own change event (its feed, its webhooks) for a change of the tenant row. */
function tenantEvent(tx: Tx, tenant: TenantRecord, action: string, fields: string[], changes?: SqlFragment) {
  return auditInsert(tx, {
    tenantId: tenant.id,
    action,
    resourceType: 'Tenant',
    resourceId: tenant.id,
    changedFields: fields,
    ...(changes ? { changes } : {}),
  });
}

/**
 * Renames a tenant and/or changes its slug (validated as at creation; a slug in use is
 * TENANT_SLUG_TAKEN). The Provisioning URL names the tenant by id, so neither change reaches Entra.
 */
export async function updateTenant(
  ctx: OperatorContext,
  id: string,
  input: { name?: string | null; slug?: string | null },
): Promise<{ tenant: TenantRecord; previousSlug: string; changedFields: string[] }> {
  if (input.name == null && input.slug == null) {
    throw new DomainError('INVALID_INPUT', 'Give a new name, a new slug, or both.', { field: 'input' });
  }
  const slug = input.slug != null ? checkSlug(input.slug) : undefined;
  const name = input.name != null ? checkTenantName(input.name) : undefined;
  return inTransaction(ctx, async (tx) => {
    const before = await lockTenant(tx, id);
    const changes: Record<string, { old: string; new: string }> = {};
    if (slug !== undefined && slug !== before.slug) changes.slug = { old: before.slug, new: slug };
    if (name !== undefined && name !== before.name) changes.name = { old: before.name, new: name };
    const fields = Object.keys(changes);
    if (fields.length === 0) return { tenant: before, previousSlug: before.slug, changedFields: [] };
    const rows = await query(
      tx.em,
      sql`update tenant set slug = ${slug ?? before.slug}, name = ${name ?? before.name}, updated_at = now()
        where id = ${before.id} returning *`,
    );
    const tenant = toTenant(rows[0]!);
    await query(tx.em, tenantEvent(tx, tenant, 'tenant.updated', fields, sql`${json(changes)}::jsonb`));
    await query(tx.em, operatorAuditInsert(tx, tenant, 'tenant.updated', { changes }));
    return { tenant, previousSlug: before.slug, changedFields: fields };
  });
}

/**
 * Suspends a tenant: from the commit on, its SCIM requests are answered 403 and its API keys, JWTs
 * and console sessions are refused (FORBIDDEN, reason TENANT_SUSPENDED); its data is kept. Every
 * process forgets the tenant's remembered SCIM tokens at once. Suspending again updates the reason.
 */
export async function suspendTenant(ctx: OperatorContext, id: string, reason: string): Promise<TenantRecord> {
  const why = reason?.trim();
  if (!why || why.length > 500) {
    throw new DomainError('INVALID_INPUT', 'reason is required (at most 500 characters).', {
      field: 'reason',
    });
  }
  return inTransaction(ctx, async (tx) => {
    const before = await lockTenant(tx, id);
    const actor = `${tx.actor.kind}:${tx.actor.id}`;
    const rows = await query(
      tx.em,
      sql`update tenant set suspended_at = coalesce(suspended_at, now()), suspended_reason = ${why},
          suspended_by = ${actor}, updated_at = now()
        where id = ${before.id} returning *`,
    );
    const tenant = toTenant(rows[0]!);
    await query(tx.em, tenantEvent(tx, tenant, 'tenant.suspended', ['suspended_at', 'suspended_reason']));
    await query(
      tx.em,
      operatorAuditInsert(tx, tenant, 'tenant.suspended', {
        reason: why,
        alreadySuspended: before.suspendedAt !== null,
      }),
    );
    await forgetTenantCredentials(tx, tenant.id);
    return tenant;
  });
}

/** Lifts a suspension (resuming an active tenant is harmless). */
export async function resumeTenant(ctx: OperatorContext, id: string): Promise<TenantRecord> {
  return inTransaction(ctx, async (tx) => {
    const before = await lockTenant(tx, id);
    if (before.suspendedAt === null) return before;
    const rows = await query(
      tx.em,
      sql`update tenant set suspended_at = null, suspended_reason = null, suspended_by = null, updated_at = now()
        where id = ${before.id} returning *`,
    );
    const tenant = toTenant(rows[0]!);
    await query(tx.em, tenantEvent(tx, tenant, 'tenant.resumed', ['suspended_at', 'suspended_reason']));
    await query(
      tx.em,
      operatorAuditInsert(tx, tenant, 'tenant.resumed', {
        suspendedAt: before.suspendedAt.toISOString(),
        reason: before.suspendedReason,
      }),
    );
    return tenant;
  });
}

/**
 * Issues a new SCIM token for the tenant, as the tenant's own rotation does: older tokens keep
 * working until revoked, unless `revokeOthers` revokes them in the same transaction.
 */
export async function rotateTenantScimToken(
  ctx: OperatorContext,
  id: string,
  name: string,
  revokeOthers: boolean,
): Promise<{ issued: IssuedCredential; revoked: CredentialRecord[] }> {
  return inTransaction(ctx, async (tx) => {
    const tenant = await lockTenant(tx, id);
    const { issued, revoked } = await rotateCredential(tx, tenant.id, 'SCIM_TOKEN', name, revokeOthers);
    await query(
      tx.em,
      operatorAuditInsert(tx, tenant, 'scim_token.rotated', {
        issued: issued.credential.id,
        revoked: revoked.map((c) => c.id),
      }),
    );
    return { issued, revoked };
  });
}

/**
 * Revokes one SCIM token of the tenant (`tokenId`), or every live one, at once and in every
 * process; returns those revoked.
 */
export async function revokeTenantScimTokens(
  ctx: OperatorContext,
  id: string,
  tokenId?: string,
): Promise<CredentialRecord[]> {
  return inTransaction(ctx, async (tx) => {
    const tenant = await lockTenant(tx, id);
    const revoked = tokenId
      ? [await revokeCredential(tx, tenant.id, 'SCIM_TOKEN', tokenId)]
      : await revokeLiveCredentials(tx, tenant.id, 'SCIM_TOKEN');
    await query(
      tx.em,
      operatorAuditInsert(tx, tenant, 'scim_token.revoked', { revoked: revoked.map((c) => c.id) }),
    );
    return revoked;
  });
}

/** How many rows of each kind a tenant's deletion removed. */
export interface TenantDeletionCounts {
  users: number;
  groups: number;
  memberships: number;
  membershipHistory: number;
  deletedGroupMemberships: number;
  roles: number;
  roleAssignments: number;
  scimTokens: number;
  apiKeys: number;
  provisioningLog: number;
  auditEvents: number;
  deletedUsers: number;
  deletedGroups: number;
  deprovisioningRecords: number;
  webhookEndpoints: number;
  webhookDeliveries: number;
  webhookAttempts: number;
  consoleSessions: number;
  setupLinks: number;
}

/** Deletes the tenant's rows of one table, children before parents; the count of rows removed. */
async function deleteRows(tx: Tx, table: string, tenantId: string): Promise<number> {
  const rows = await query<{ n: number }>(
    tx.em,
    sql`with d as (delete from ${sql.identifier(table)} where tenant_id = ${tenantId} returning 1) select count(*)::int as n from d`,
  );
  return rows[0]!.n;
}

/**
 * Deletes a tenant and everything it owns, in one transaction, once `confirmSlug` repeats its slug
 * exactly. The tenant's row is locked first, so no row of it can be inserted meanwhile (inserts
 * check the foreign key against that row). Its tables are emptied child-first so each count is
 * exact; the tenant row goes last, and the foreign keys (ON DELETE CASCADE on every tenant_id)
 * take whatever a table this list does not name still holds. Every process forgets the tenant's
 * SCIM tokens at commit. The operator's record of it (with the counts) outlives the tenant.
 */
export async function deleteTenant(
  ctx: OperatorContext,
  id: string,
  confirmSlug: string,
): Promise<{ tenant: TenantRecord; counts: TenantDeletionCounts }> {
  const result = await inTransaction(ctx, async (tx) => {
    const tenant = await lockTenant(tx, id);
    if (confirmSlug !== tenant.slug) {
      throw new DomainError(
        'INVALID_INPUT',
        `confirmSlug must repeat the tenant's slug exactly ("${tenant.slug}"); nothing was deleted.`,
        { field: 'confirmSlug' },
      );
    }
    await forgetTenantCredentials(tx, tenant.id);
    const del = (table: string) => deleteRows(tx, table, tenant.id);
    const webhookAttempts = await del('webhook_attempt');
    const webhookDeliveries = await del('webhook_delivery');
    const webhookEndpoints = await del('webhook_endpoint');
    const roleAssignments = await del('user_role');
    // History first: closing the intervals of memberships about to go would be wasted work.
    const membershipHistory = await del('membership_interval');
    const memberships = await del('membership');
    const roles = await del('role');
    const users = await del('app_user');
    // Groups go with the tenant row: deleting them while it exists would archive each one
    // (membership_deleted_group_keep) only to delete the archive again.
    const groupRows = await query<{ n: number }>(
      tx.em,
      sql`select count(*)::int as n from "group" where tenant_id = ${tenant.id}`,
    );
    const deletedGroupMemberships = await del('membership_deleted_group');
    const deletedUsers = await del('deleted_user');
    const deletedGroups = await del('deleted_group');
    const deprovisioningRecords = await del('user_deprovisioning');
    const provisioningLog = await del('provisioning_log');
    const credentials = await query<{ kind: string; n: number }>(
      tx.em,
      sql`with d as (delete from credential where tenant_id = ${tenant.id} returning kind)
        select kind, count(*)::int as n from d group by kind`,
    );
    const consoleSessions = await del('console_session');
    const setupLinks = await del('setup_link');
    const auditEvents = await del('audit_event');
    await query(tx.em, sql`delete from tenant where id = ${tenant.id}`);
    const counts: TenantDeletionCounts = {
      users,
      groups: groupRows[0]!.n,
      memberships,
      membershipHistory,
      deletedGroupMemberships,
      roles,
      roleAssignments,
      scimTokens: credentials.find((c) => c.kind === 'SCIM_TOKEN')?.n ?? 0,
      apiKeys: credentials.find((c) => c.kind === 'API_KEY')?.n ?? 0,
      provisioningLog,
      auditEvents,
      deletedUsers,
      deletedGroups,
      deprovisioningRecords,
      webhookEndpoints,
      webhookDeliveries,
      webhookAttempts,
      consoleSessions,
      setupLinks,
    };
    await query(tx.em, operatorAuditInsert(tx, tenant, 'tenant.deleted', { counts }));
    return { tenant, counts };
  });
  // Logged once committed, for log-based audit trails; operator_audit_event holds the same.
  ctx.log.info(
    {
      tenantId: result.tenant.id,
      tenantSlug: result.tenant.slug,
      actor: `${ctx.actor.kind}:${ctx.actor.id}`,
      counts: result.counts,
    },
    'tenant deleted',
  );
  return result;
}
