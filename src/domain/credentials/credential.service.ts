import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditInsert } from '../audit/audit';
import type { OperatorContext } from '../context';
import { DomainError } from '../errors';
import { announceCredentialRevoked } from './credential.events';
import { inTransaction, isUuid, pgArray, PREPARE, query, sql } from '../sql';
import type {
  ApiScope,
  AuthenticatedCredential,
  CredentialKind,
  CredentialRecord,
  IssuedCredential,
} from './credential.types';
import { generateSecret, hashSecret, secretMatches, secretPrefix } from './secrets';

type Row = Record<string, unknown>;

const COLUMNS = sql`id, tenant_id, kind, name, prefix, scopes, created_at, last_used_at, revoked_at`;
const C_ID = sql`c.id`;
const FROM_C = sql`from c`;
/** A credential as the change feed carries it: never its secret or hash. */
const C_STATE = sql`jsonb_build_object('id', c.id, 'kind', c.kind, 'name', c.name, 'prefix', c.prefix, 'scopes', c.scopes, 'createdAt', c.created_at, 'lastUsedAt', c.last_used_at, 'revokedAt', c.revoked_at)`;

/** The change feed's name for a credential event: scim_token.created, api_key.revoked … */
function eventType(kind: CredentialKind, what: 'created' | 'revoked'): string {
  return `${kind === 'SCIM_TOKEN' ? 'scim_token' : 'api_key'}.${what}`;
}

function toRecord(row: Row): CredentialRecord {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    kind: row.kind as CredentialKind,
    name: String(row.name),
    prefix: String(row.prefix),
    scopes: (row.scopes as ApiScope[] | null) ?? [],
    createdAt: new Date(row.created_at as string),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at as string) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at as string) : null,
  };
}

/** Issues a new secret for a tenant; only its hash and prefix are stored. */
export async function issueCredential(
  ctx: OperatorContext,
  tenantId: string,
  kind: CredentialKind,
  name: string,
  scopes: readonly ApiScope[] = [],
): Promise<IssuedCredential> {
  const secret = generateSecret(kind === 'SCIM_TOKEN' ? 'scim' : 'key');
  const audit = auditInsert(
    ctx,
    {
      tenantId,
      action: eventType(kind, 'created'),
      resourceType: 'Credential',
      resourceId: C_ID,
      changedFields: [kind],
      data: C_STATE,
    },
    FROM_C,
  );
  const rows = await query<Row>(
    ctx.em,
    sql`with c as (insert into credential (id, tenant_id, kind, name, prefix, secret_hash, scopes)
       values (${randomUUID()}, ${tenantId}, ${kind}, ${name}, ${secretPrefix(secret)}, ${hashSecret(secret)}, ${pgArray(scopes)}::text[]) returning ${COLUMNS}),
     a as (${audit}) select * from c`,
  );
  return { credential: toRecord(rows[0]!), secret };
}

/** Live (unrevoked) and revoked credentials of one kind for a tenant, newest first. */
export async function listCredentials(
  em: EntityManager,
  tenantId: string,
  kind: CredentialKind,
): Promise<CredentialRecord[]> {
  const rows = await query<Row>(
    em,
    sql`select ${COLUMNS} from credential where tenant_id = ${tenantId} and kind = ${kind} order by created_at desc, id`,
  );
  return rows.map(toRecord);
}

/**
 * Channel on which every revocation is announced (with the credential id) when it commits, so
 * processes that remember verified credentials forget them at once.
 */
export const CREDENTIAL_REVOKED_CHANNEL = 'cpd_credential_revoked';

/** Revokes a credential of the tenant; revoking twice is harmless. */
export async function revokeCredential(
  ctx: OperatorContext,
  tenantId: string,
  kind: CredentialKind,
  id: string,
): Promise<CredentialRecord> {
  if (!isUuid(id)) throw new DomainError('CREDENTIAL_NOT_FOUND', `Credential ${id} not found.`);
  const audit = auditInsert(
    ctx,
    {
      tenantId,
      action: eventType(kind, 'revoked'),
      resourceType: 'Credential',
      resourceId: C_ID,
      changedFields: ['revoked_at'],
      data: C_STATE,
    },
    FROM_C,
  );
  const rows = await query<Row>(
    ctx.em,
    sql`with c as (update credential set revoked_at = coalesce(revoked_at, now())
       where tenant_id = ${tenantId} and kind = ${kind} and id = ${id} returning ${COLUMNS}),
     a as (${audit})
     select c.*, pg_notify(${CREDENTIAL_REVOKED_CHANNEL}, c.id::text) from c`,
  );
  if (!rows[0]) throw new DomainError('CREDENTIAL_NOT_FOUND', `Credential ${id} not found.`);
  announceCredentialRevoked(String(rows[0].id));
  return toRecord(rows[0]);
}

/**
 * Revokes every live credential of one kind of the tenant (but `keepId`), each with its audit event
 * and revocation notice, in one statement; returns those revoked (none is harmless).
 */
export async function revokeLiveCredentials(
  ctx: OperatorContext,
  tenantId: string,
  kind: CredentialKind,
  keepId?: string,
): Promise<CredentialRecord[]> {
  const audit = auditInsert(
    ctx,
    {
      tenantId,
      action: eventType(kind, 'revoked'),
      resourceType: 'Credential',
      resourceId: C_ID,
      changedFields: ['revoked_at'],
      data: C_STATE,
    },
    FROM_C,
  );
  const rows = await query<Row>(
    ctx.em,
    sql`with c as (update credential set revoked_at = now()
       where tenant_id = ${tenantId} and kind = ${kind} and revoked_at is null${keepId ? sql` and id <> ${keepId}` : sql.empty}
       returning ${COLUMNS}),
     a as (${audit})
     select c.*, pg_notify(${CREDENTIAL_REVOKED_CHANNEL}, c.id::text) from c order by c.created_at desc, c.id`,
  );
  for (const row of rows) announceCredentialRevoked(String(row.id));
  return rows.map(toRecord);
}

/**
 * Issues a new credential of the kind and, with `revokeOthers`, revokes the tenant's other live ones
 * in the same transaction (a leaked secret); without it the older ones keep working until revoked,
 * so Entra is not interrupted.
 */
export async function rotateCredential(
  ctx: OperatorContext,
  tenantId: string,
  kind: CredentialKind,
  name: string,
  revokeOthers: boolean,
): Promise<{ issued: IssuedCredential; revoked: CredentialRecord[] }> {
  return inTransaction(ctx, async (tx) => {
    const issued = await issueCredential(tx, tenantId, kind, name);
    const revoked = revokeOthers ? await revokeLiveCredentials(tx, tenantId, kind, issued.credential.id) : [];
    return { issued, revoked };
  });
}

/**
 * Tells every process to forget what it remembers of the tenant's live credentials (on the
 * revocation channel, when the transaction commits; at once in this process), so a change of the
 * tenant's standing (suspended, deleted) applies to the very next request. Returns their ids.
 */
export async function forgetTenantCredentials(ctx: OperatorContext, tenantId: string): Promise<string[]> {
  const rows = await query<Row>(
    ctx.em,
    sql`select id, pg_notify(${CREDENTIAL_REVOKED_CHANNEL}, id::text) from credential
     where tenant_id = ${tenantId} and revoked_at is null`,
  );
  const ids = rows.map((r) => String(r.id));
  for (const id of ids) announceCredentialRevoked(id);
  return ids;
}

/**
 * Finds the live credential a presented secret belongs to: candidate rows by prefix, then a
 * constant-time comparison of hashes. `tenantId` narrows SCIM tokens to the URL's tenant.
 */
export async function authenticateSecret(
  em: EntityManager,
  kind: CredentialKind,
  secret: string,
  tenantId?: string,
): Promise<AuthenticatedCredential | null> {
  if (!secret || secret.length > 200) return null;
  const rows = await query<Row>(
    em,
    sql`select ${COLUMNS}, secret_hash,
       (select t.suspended_at is not null from tenant t where t.id = credential.tenant_id) as tenant_suspended
     from credential
     where prefix = ${secretPrefix(secret)} and kind = ${kind} and revoked_at is null${tenantId ? sql` and tenant_id = ${tenantId}` : sql.empty}`,
    PREPARE,
  );
  let match: Row | undefined;
  for (const row of rows) if (secretMatches(secret, String(row.secret_hash))) match = row;
  return match ? { ...toRecord(match), tenantSuspended: match.tenant_suspended === true } : null;
}

/** Records use of a credential (callers throttle; see http/auth). */
export async function touchCredential(em: EntityManager, id: string): Promise<void> {
  await query(em, sql`update credential set last_used_at = now() where id = ${id}`, PREPARE);
}
