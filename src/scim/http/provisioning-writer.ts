import type { DbSession } from '../../domain/context';
import {
  recordProvisioningBatch,
  type ProvisioningLogInput,
} from '../../domain/provisioning/provisioning-log.service';
import { isDomainError } from '../../domain/errors';
import type { Logger } from '../../http/logger';

export interface ProvisioningWriterOptions {
  maxBatch?: number;
  /** How long an entry may wait so that a burst shares one INSERT. */
  delayMs?: number;
  /** Entries kept while the database is unreachable; the oldest beyond it are dropped (and counted). */
  maxQueued?: number;
  /** Told how many entries were written, failed a batch (and are retried), or dropped. */
  onOutcome?: (outcome: 'written' | 'failed' | 'dropped', entries: number) => void;
}

interface Queued {
  entry: ProvisioningLogInput;
  at: number;
}

/**
 * Writes provisioning-log entries off the request path in batches: entries gathered over a few
 * milliseconds (or while a write is in flight) go out together in one multi-row INSERT, so under
 * load it is one statement per batch instead of one per request.
 *
 * An entry is never dropped because a write failed: a batch that fails because the database is
 * unreachable stays queued and is retried with backoff; a batch that fails for any other reason is
 * written entry by entry, so one bad entry cannot hold back the rest. Only past `maxQueued`
 * entries (a long outage) are the oldest dropped, counted and logged.
 */
export function createProvisioningWriter(
  em: DbSession,
  log: Logger,
  options: ProvisioningWriterOptions = {},
) {
  const maxBatch = options.maxBatch ?? 500;
  const delayMs = options.delayMs ?? 50;
  const maxQueued = options.maxQueued ?? 50_000;
  const outcome = options.onOutcome ?? (() => undefined);
  let queue: Queued[] = [];
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoffMs = 0;
  let stopped = false;

  const writeBatch = async (batch: Queued[]): Promise<boolean> => {
    try {
      await recordProvisioningBatch(
        em,
        batch.map((q) => q.entry),
      );
      outcome('written', batch.length);
      return true;
    } catch (err) {
      outcome('failed', batch.length);
      if (isDomainError(err) && err.code === 'UNAVAILABLE') {
        log.warn({ err: err.message, entries: batch.length }, 'provisioning log not written yet; retrying');
        return false;
      }
      if (batch.length === 1) {
        outcome('dropped', 1);
        log.error(
          { err, requestId: batch[0]!.entry.requestId },
          'provisioning-log entry rejected by the database',
        );
        return true;
      }
      for (const one of batch) if (!(await writeBatch([one]))) return false;
      return true;
    }
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      if (!(await writeBatch(batch))) {
        backoffMs = Math.min(backoffMs ? backoffMs * 2 : 250, 5_000);
        return;
      }
      backoffMs = 0;
      // Remove exactly what was written: the queue may have changed during the write.
      const written = new Set(batch);
      queue = queue.filter((q) => !written.has(q));
    }
  };

  const kick = () => {
    if (inFlight) return;
    inFlight = drain().finally(() => {
      inFlight = undefined;
      if (queue.length > 0) schedule();
    });
  };
  const schedule = () => {
    if (timer || inFlight || stopped) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        kick();
      },
      Math.max(delayMs, backoffMs),
    );
    timer.unref();
  };
  return {
    write(entry: ProvisioningLogInput): void {
      if (queue.length >= maxQueued) {
        queue.shift();
        outcome('dropped', 1);
        if (queue.length % 1000 === 0)
          log.error({ maxQueued }, 'provisioning log backlog full: dropping oldest entries');
      }
      queue.push({ entry, at: Date.now() });
      if (queue.length >= maxBatch && backoffMs === 0) kick();
      else schedule();
    },
    /** Entries waiting and the age of the oldest (for /metrics). */
    stats(): { queued: number; oldestAgeSeconds: number } {
      const first = queue[0];
      return { queued: queue.length, oldestAgeSeconds: first ? (Date.now() - first.at) / 1000 : 0 };
    },
    /**
     * Writes what is queued (shutdown, tests), retrying while the database is unreachable; the
     * caller bounds how long it may take. Resolves when the queue is empty.
     */
    async flush(): Promise<void> {
      while (queue.length > 0 || inFlight) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        kick();
        await inFlight;
        if (queue.length > 0 && backoffMs > 0) await new Promise((r) => setTimeout(r, backoffMs));
      }
    },
    /** Stops scheduling writes (after the final flush). */
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export type ProvisioningWriter = ReturnType<typeof createProvisioningWriter>;
