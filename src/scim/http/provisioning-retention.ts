import type { DbSession } from '../../domain/context';
import { pruneProvisioningLog } from '../../domain/provisioning/provisioning-log.service';
import type { Logger } from '../../http/logger';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps each tenant's provisioning log to the last `days` days: prunes shortly after start and
 * then every `intervalMs`. Every process may run it; concurrent prunes delete disjoint or already
 * deleted rows, so nothing needs coordinating. Failures are logged and retried at the next run.
 */
export function startProvisioningLogRetention(
  em: DbSession,
  days: number,
  log: Logger,
  opts: { firstRunMs?: number; intervalMs?: number } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = pruneProvisioningLog(em, new Date(Date.now() - days * DAY_MS))
      .then((deleted) => {
        if (deleted > 0) log.info({ deleted, retentionDays: days }, 'pruned the provisioning log');
      })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'could not prune the provisioning log'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, opts.firstRunMs ?? 60_000);
  const every = setInterval(run, opts.intervalMs ?? 60 * 60 * 1000);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
