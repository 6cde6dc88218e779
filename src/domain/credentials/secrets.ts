import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX_LENGTH = 16;

/** A new random secret with a recognisable kind marker (`cpd_scim_…`, `cpd_key_…`, `cpd_session_…`, `cpd_setup_…`). */
export function generateSecret(marker: 'scim' | 'key' | 'session' | 'setup'): string {
  return `cpd_${marker}_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex: secrets are 256-bit random, so a slow password hash adds nothing. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The short visible part stored beside the hash (and used to find the candidate row). */
export function secretPrefix(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}

/** Constant-time comparison of a presented secret against a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
