import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import type { DbSession, OperatorContext } from '../context';
import { generateSecret } from '../credentials/secrets';
import { DomainError } from '../errors';
import { isUuid, PREPARE, query, sql } from '../sql';
import { secretHash, sessionInsert, toSession } from './session.service';
import { SETUP_LINK_MAX_HOURS, type IssuedSetupLink, type StartedSession } from './session.types';

type Row = Record<string, unknown>;

const ASK_AGAIN = 'Ask your CheckProof operator for a new setup link.';

/**
 * Creates a single-use link that signs a tenant's administrator in to the console, valid for
 * `expiresInHours` (1 to SETUP_LINK_MAX_HOURS). The secret is returned once; only its hash is kept.
 */
export async function createSetupLink(
  ctx: OperatorContext,
  tenantId: string,
  expiresInHours: number,
): Promise<IssuedSetupLink> {
  if (!Number.isInteger(expiresInHours) || expiresInHours < 1 || expiresInHours > SETUP_LINK_MAX_HOURS) {
    throw new DomainError(
      'INVALID_INPUT',
      `expiresInHours must be a whole number from 1 to ${SETUP_LINK_MAX_HOURS} (7 days).`,
      { field: 'expiresInHours' },
    );
  }
  const notFound = () => new DomainError('TENANT_NOT_FOUND', `Tenant ${tenantId} not found.`);
  if (!isUuid(tenantId)) throw notFound();
  const secret = generateSecret('setup');
  const audit = auditInsert(
    ctx,
    {
      tenantId,
      action: 'setup_link.created',
      resourceType: 'SetupLink',
      resourceId: sql`l.id`,
      changedFields: ['expires_at'],
    },
    sql`from l`,
  );
  const rows = await query<Row>(
    ctx.em,
    sql`with l as (insert into setup_link (id, tenant_id, secret_hash, expires_at)
        select ${randomUUID()}, t.id, ${secretHash(secret)}, now() + make_interval(hours => ${expiresInHours}::int)
        from tenant t where t.id = ${tenantId} returning id, tenant_id, expires_at),
      a as (${audit})
      select * from l`,
  );
  const row = rows[0];
  if (!row) throw notFound();
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    secret,
    expiresAt: new Date(row.expires_at as string),
  };
}

/**
 * Consumes a setup link and starts a tenant_admin session for its tenant, in one statement: the
 * link is used if and only if the session exists, and of two redemptions at once only one wins.
 * An unknown, used or expired link is SETUP_LINK_INVALID, _USED or _EXPIRED.
 */
export async function redeemSetupLink(em: DbSession, secret: string): Promise<StartedSession> {
  const invalid = () => new DomainError('SETUP_LINK_INVALID', `This setup link is not valid. ${ASK_AGAIN}`);
  if (!secret.startsWith('cpd_setup_') || secret.length > 100) throw invalid();
  const sessionSecret = generateSecret('session');
  const hash = secretHash(secret);
  // `l` reads the link as it was before this statement, to say why nothing was redeemed.
  const rows = await query<Row>(
    em,
    sql`with u as (update setup_link set used_at = now()
        where secret_hash = ${hash} and used_at is null and expires_at > now() returning tenant_id),
      s as (${sessionInsert(sessionSecret, 'tenant_admin', sql`u.tenant_id`, sql`from u`)})
      select s.*, l.id is not null as link_found, l.used_at as link_used_at, l.expires_at <= now() as link_expired
      from (select 1) one left join s on true left join setup_link l on l.secret_hash = ${hash}`,
    PREPARE,
  );
  const row = rows[0]!;
  if (row.id) return { session: toSession(row), secret: sessionSecret };
  if (!row.link_found) throw invalid();
  if (!row.link_used_at && row.link_expired) {
    throw new DomainError('SETUP_LINK_EXPIRED', `This setup link has expired. ${ASK_AGAIN}`);
  }
  // Used before, or by a redemption that won the race just now.
  throw new DomainError('SETUP_LINK_USED', `This setup link has already been used. ${ASK_AGAIN}`);
}
