import type { DbSession } from '../../domain/context';
import { touchCredential } from '../../domain/credentials/credential.service';
import type { Logger } from '../logger';

/**
 * Records lastUsedAt for credentials off the request path: at most one write per credential per
 * interval, never awaited by the request, failures only logged.
 */
export function createUsageRecorder(em: DbSession, log: Logger, intervalMs = 60_000) {
  const lastWrite = new Map<string, number>();
  return (credentialId: string): void => {
    const now = Date.now();
    if ((lastWrite.get(credentialId) ?? 0) > now - intervalMs) return;
    lastWrite.set(credentialId, now);
    if (lastWrite.size > 10_000) lastWrite.clear();
    touchCredential(em, credentialId).catch((err: unknown) =>
      log.warn({ err: String(err), credentialId }, 'could not record credential use'),
    );
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
