import { hash } from 'node:crypto';
import type { CredentialRecord } from '../../domain/credentials/credential.types';

/** How long a verified token is trusted without asking the database again (a revocation takes effect within it). */
export const CREDENTIAL_CACHE_TTL_MS = 10_000;

/**
 * Remembers successfully verified SCIM tokens for a few seconds, keyed by a hash of tenant and
 * token (the token itself is never kept), so the hot path does not pay a query per request.
 * Failures are never cached.
 */
export function createCredentialCache(ttlMs = CREDENTIAL_CACHE_TTL_MS, maxEntries = 10_000) {
  const entries = new Map<string, { credential: CredentialRecord; expires: number }>();
  const key = (tenantId: string, token: string) => hash('sha256', `${tenantId}\n${token}`, 'base64');
  return {
    get(tenantId: string, token: string): CredentialRecord | undefined {
      const k = key(tenantId, token);
      const hit = entries.get(k);
      if (!hit) return undefined;
      if (hit.expires < Date.now()) {
        entries.delete(k);
        return undefined;
      }
      return hit.credential;
    },
    set(tenantId: string, token: string, credential: CredentialRecord): void {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key(tenantId, token), { credential, expires: Date.now() + ttlMs });
    },
  };
}
