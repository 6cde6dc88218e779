/**
 * Revocations announced inside this process, the moment the revoking statement returns. Other
 * processes learn of them through PostgreSQL (CREDENTIAL_REVOKED_CHANNEL), which can take a few
 * milliseconds; a revocation made here must not wait for that round trip.
 */
type Listener = (credentialId: string) => void;
const listeners = new Set<Listener>();

/** Subscribes; returns the unsubscribe function. */
export function onCredentialRevoked(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceCredentialRevoked(credentialId: string): void {
  for (const listener of listeners) listener(credentialId);
}
