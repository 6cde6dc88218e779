import { hash } from 'node:crypto';
import type { CredentialRecord } from '../../domain/credentials/credential.types';

/** The longest a verified token is trusted without asking the database again. */
export const CREDENTIAL_CACHE_TTL_MS = 10_000;

/**
 * Remembers successfully verified SCIM tokens for a few seconds, keyed by a hash of tenant and
 * token (the token itself is never kept), so the hot path does not pay a query per request.
 * Failures are never cached. A revocation evicts the credential at once (`evict`, fed by the
 * database's revocation notices); while those notices cannot be received the cache is switched
 * off (`setEnabled(false)`), so a revocation is never missed.
 */
export function createCredentialCache(ttlMs = CREDENTIAL_CACHE_TTL_MS, maxEntries = 10_000) {
  const entries = new Map<string, { credential: CredentialRecord; expires: number }>();
  const keysOf = new Map<string, Set<string>>();
  let enabled = true;
  const key = (tenantId: string, token: string) => hash('sha256', `${tenantId}\n${token}`, 'base64');
  const clear = () => {
    entries.clear();
    keysOf.clear();
  };
  return {
    get(tenantId: string, token: string): CredentialRecord | undefined {
      if (!enabled) return undefined;
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
      if (!enabled) return;
      if (entries.size >= maxEntries) clear();
      const k = key(tenantId, token);
      entries.set(k, { credential, expires: Date.now() + ttlMs });
      const keys = keysOf.get(credential.id) ?? new Set<string>();
      keys.add(k);
      keysOf.set(credential.id, keys);
    },
    /** Forgets a credential (it was revoked): its next use is verified against the database. */
    evict(credentialId: string): void {
      for (const k of keysOf.get(credentialId) ?? []) entries.delete(k);
      keysOf.delete(credentialId);
    },
    /** Off: nothing is remembered (and what was is forgotten) until switched on again. */
    setEnabled(on: boolean): void {
      if (!on) clear();
      enabled = on;
    },
  };
}

export type CredentialCache = ReturnType<typeof createCredentialCache>;
