import { createHash, timingSafeEqual } from 'node:crypto';
import type { DbSession } from '../../domain/context';
import { authenticateSecret } from '../../domain/credentials/credential.service';
import { tenantStatus } from '../../domain/tenants/tenant.service';
import { bearerToken, type AuthOutcome } from './principal';
import type { UsageRecorder } from './usage';

export interface AuthenticatorDeps {
  adminToken: string;
  recordUsage: UsageRecorder;
  /** Verifies a JWT for CheckProof frontends (see jwt.ts); undefined when JWTs are not configured. */
  verifyJwt?: (token: string, em: DbSession) => Promise<AuthOutcome>;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality that does not leak the length of the expected value. */
export function safeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/** Resolves the GraphQL caller from the Authorization header: operator, tenant API key or JWT. */
export function createAuthenticator(deps: AuthenticatorDeps) {
  return async (em: DbSession, authorization: string | undefined): Promise<AuthOutcome> => {
    const token = bearerToken(authorization);
    if (!token)
      return authorization?.trim()
        ? { status: 'rejected', reason: 'malformed Authorization header' }
        : { status: 'anonymous' };
    if (safeEqual(token, deps.adminToken))
      return { status: 'authenticated', principal: { kind: 'operator' } };
    if (token.startsWith('cpd_key_')) {
      const key = await authenticateSecret(em, 'API_KEY', token);
      if (!key) return { status: 'rejected', reason: 'unknown or revoked API key' };
      deps.recordUsage(key.id);
      const principal = {
        kind: 'apiKey',
        tenantId: key.tenantId,
        scopes: key.scopes,
        credentialId: key.id,
        name: key.name,
      } as const;
      return key.tenantSuspended
        ? { status: 'suspended', principal }
        : { status: 'authenticated', principal };
    }
    if (deps.verifyJwt && looksLikeJwt(token)) return withTenantStanding(em, await deps.verifyJwt(token, em));
    return { status: 'rejected', reason: 'invalid token' };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/**
 * An authenticated tenant principal checked against its tenant's standing, read on every request
 * (a primary-key lookup) so that a suspension or deletion applies to the very next one: suspended,
 * or rejected when the tenant no longer exists.
 */
export async function withTenantStanding(em: DbSession, outcome: AuthOutcome): Promise<AuthOutcome> {
  if (outcome.status !== 'authenticated' || outcome.principal.kind === 'operator') return outcome;
  const principal = outcome.principal;
  const standing = await tenantStatus(em, principal.tenantId);
  if (standing === null) return { status: 'rejected', reason: 'unknown tenant' };
  return standing === 'suspended' ? { status: 'suspended', principal } : outcome;
}
