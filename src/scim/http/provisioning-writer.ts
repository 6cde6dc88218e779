import type { DbSession } from '../../domain/context';
import {
  recordProvisioningBatch,
  type ProvisioningLogInput,
} from '../../domain/provisioning/provisioning-log.service';
import type { Logger } from '../../http/logger';

/**
 * Writes provisioning-log entries off the request path with group commit: an entry is written at
 * once when no write is in flight, and entries that arrive meanwhile go out together in the next
 * multi-row INSERT. Under load that is one statement per batch instead of one per request.
 */
export function createProvisioningWriter(forkEm: () => DbSession, log: Logger, maxBatch = 500) {
  let queue: ProvisioningLogInput[] = [];
  let inFlight: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await recordProvisioningBatch(forkEm(), batch);
      } catch (err) {
        log.warn({ err: String(err), entries: batch.length }, 'could not write the provisioning log');
      }
    }
  };
  const kick = () => {
    if (inFlight) return;
    inFlight = drain().finally(() => {
      inFlight = undefined;
      if (queue.length > 0) kick();
    });
  };
  return {
    write(entry: ProvisioningLogInput): void {
      if (queue.length >= 50_000) return; // the database is unreachable; do not grow without bound
      queue.push(entry);
      kick();
    },
    /** Resolves once every queued entry has been written (shutdown, tests). */
    async flush(): Promise<void> {
      while (inFlight || queue.length > 0) {
        kick();
        await inFlight;
      }
    },
  };
}

export type ProvisioningWriter = ReturnType<typeof createProvisioningWriter>;
