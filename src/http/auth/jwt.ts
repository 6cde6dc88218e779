import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { DbSession } from '../../domain/context';
import { API_SCOPES, type ApiScope } from '../../domain/credentials/credential.types';
import { findTenant } from '../../domain/tenants/tenant.service';
import type { AuthOutcome } from './principal';

export interface JwtSettings {
  readonly hs256Secret: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** Claim holding the tenant id (default `tid`). */
  readonly tenantClaim: string;
}

/** Whether a tenant exists (JWTs are signed elsewhere and may name a tenant we do not have). */
export type TenantExists = (em: DbSession, tenantId: string) => Promise<boolean>;

export type JwtVerifier = (token: string, em: DbSession) => Promise<AuthOutcome>;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Looks the tenant up through the domain (a read; no actor is recorded). */
export const tenantExistsInDirectory: TenantExists = async (em, tenantId) =>
  (await findTenant(
    { actor: { kind: 'system', id: 'jwt' }, em, requestId: 'jwt', log: silent },
    tenantId,
  )) !== null;

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `scope` (OAuth, space-separated or array) or `scp` (Entra); `directory.read` and `DIRECTORY_READ` both work. */
export function scopesOf(payload: JWTPayload): ApiScope[] {
  const raw = payload.scope ?? payload.scp;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : [];
  const known = new Set<string>(API_SCOPES);
  const out = new Set<ApiScope>();
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const name = item.trim().toUpperCase().replace(/[.:-]/g, '_');
    if (known.has(name)) out.add(name as ApiScope);
  }
  return [...out];
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" is not accepted`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key matches the token';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return 'signing keys unavailable';
  return 'invalid token';
}

/**
 * Verifies CheckProof frontends' JWTs (HS256 secret or a remote JWKS, issuer/audience when
 * configured) and maps them to a tenant principal. Undefined when JWTs are not configured.
 */
export function createJwtVerifier(
  settings: JwtSettings,
  tenantExists: TenantExists = tenantExistsInDirectory,
): JwtVerifier | undefined {
  const key = settings.hs256Secret
    ? new TextEncoder().encode(settings.hs256Secret)
    : settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl))
      : undefined;
  if (!key) return undefined;
  const options: JWTVerifyOptions = {
    algorithms: settings.hs256Secret ? ['HS256'] : ASYMMETRIC,
    clockTolerance: 30,
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
  };
  const known = createTenantCache(tenantExists);
  return async (token, em) => {
    let payload: JWTPayload;
    try {
      // Two call shapes (static key / key set) that TypeScript cannot unify in one call.
      payload =
        key instanceof Uint8Array
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      return { status: 'rejected', reason: reasonOf(err) };
    }
    const tenantId = payload[settings.tenantClaim];
    if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
      return { status: 'rejected', reason: `token has no valid "${settings.tenantClaim}" tenant claim` };
    }
    if (!(await known(em, tenantId.toLowerCase()))) return { status: 'rejected', reason: 'unknown tenant' };
    return {
      status: 'authenticated',
      principal: {
        kind: 'jwt',
        tenantId: tenantId.toLowerCase(),
        scopes: scopesOf(payload),
        subject: typeof payload.sub === 'string' ? payload.sub : 'unknown',
      },
    };
  };
}

/** Remembers tenants found for a minute, so a burst of requests does not look the tenant up each time. */
function createTenantCache(tenantExists: TenantExists, ttlMs = 60_000): TenantExists {
  const seen = new Map<string, number>();
  return async (em, tenantId) => {
    const now = Date.now();
    if ((seen.get(tenantId) ?? 0) > now) return true;
    const exists = await tenantExists(em, tenantId);
    if (exists) {
      if (seen.size > 10_000) seen.clear();
      seen.set(tenantId, now + ttlMs);
    }
    return exists;
  };
}
