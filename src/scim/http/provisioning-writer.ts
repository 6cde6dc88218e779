import type { DbSession } from '../../domain/context';
import {
  recordProvisioningBatch,
  type ProvisioningLogInput,
} from '../../domain/provisioning/provisioning-log.service';
import type { Logger } from '../../http/logger';

/**
 * Writes provisioning-log entries off the request path in batches: entries gathered over a few
 * milliseconds (or while a write is in flight) go out together in one multi-row INSERT, so under
 * load it is one statement per batch instead of one per request.
 */
export function createProvisioningWriter(em: DbSession, log: Logger, maxBatch = 500, delayMs = 50) {
  let queue: ProvisioningLogInput[] = [];
  let inFlight: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await recordProvisioningBatch(em, batch);
      } catch (err) {
        log.warn({ err: String(err), entries: batch.length }, 'could not write the provisioning log');
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    if (inFlight) return;
    inFlight = drain().finally(() => {
      inFlight = undefined;
      if (queue.length > 0) schedule();
    });
  };
  // Entries wait at most `delayMs`, so a burst of requests shares one INSERT.
  const schedule = () => {
    if (timer || inFlight) return;
    timer = setTimeout(() => {
      timer = undefined;
      kick();
    }, delayMs);
    timer.unref();
  };
  return {
    write(entry: ProvisioningLogInput): void {
      if (queue.length >= 50_000) return; // the database is unreachable; do not grow without bound
      queue.push(entry);
      if (queue.length >= maxBatch) kick();
      else schedule();
    },
    /** Resolves once every queued entry has been written (shutdown, tests). */
    async flush(): Promise<void> {
      while (inFlight || queue.length > 0) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        kick();
        await inFlight;
      }
    },
  };
}

export type ProvisioningWriter = ReturnType<typeof createProvisioningWriter>;
