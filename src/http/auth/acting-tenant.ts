import type { DbSession } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { findTenant } from '../../domain/tenants/tenant.service';
import type { AuthOutcome } from './principal';

/** The header naming the tenant the operator acts in (the console's operator opens any tenant). */
export const TENANT_HEADER = 'x-checkproof-tenant';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The tenant a request acts in by X-CheckProof-Tenant: for the operator, the named tenant (which
 * must exist: TENANT_NOT_FOUND); for a tenant credential, nothing beyond its own tenant, so any
 * other id is FORBIDDEN. Undefined without the header or without credentials.
 */
export async function actingTenant(
  em: DbSession,
  auth: AuthOutcome,
  header: string | undefined,
  requestId: string,
): Promise<string | undefined> {
  const wanted = header?.trim().toLowerCase();
  if (!wanted || auth.status !== 'authenticated') return undefined;
  const principal = auth.principal;
  if (principal.kind !== 'operator') {
    if (wanted === principal.tenantId) return undefined;
    throw new DomainError(
      'FORBIDDEN',
      'This credential works only in its own tenant; X-CheckProof-Tenant names another one.',
    );
  }
  const tenant = await findTenant(
    { actor: { kind: 'operator', id: 'operator' }, em, requestId, log: silent },
    wanted,
  );
  if (!tenant) throw new DomainError('TENANT_NOT_FOUND', `Tenant ${wanted} (X-CheckProof-Tenant) not found.`);
  return tenant.id;
}
