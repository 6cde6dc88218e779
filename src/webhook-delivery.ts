import type { Config } from './config';
import { listenForNotices } from './db/notifications';
import { openOrm } from './db/orm';
import { CHANGES_CHANNEL } from './domain/changes/change.hub';
import { startWebhookDispatcher } from './domain/webhooks/webhook.dispatcher';
import { onWebhookQueued } from './domain/webhooks/webhook.events';
import type { Logger } from './http/logger';
import { createWebhookTransport } from './http/webhook-transport';

/** Bytes of a receiver's response kept in the delivery log. */
export const WEBHOOK_EXCERPT_BYTES = 1024;

/**
 * Starts this process's webhook delivery (ADR 0013): a dispatcher on a small pool of its own (it
 * never takes a connection a SCIM request needs), woken by the change feed's notices and by
 * deliveries queued in this process, polling slowly besides. Returns its stop function.
 */
export async function startWebhookDelivery(
  config: Config,
  log: Logger,
  databaseUrl: string,
): Promise<{ stop(): Promise<void> }> {
  const orm = await openOrm({ url: databaseUrl, poolMax: 3, timeouts: config.db });
  const w = config.webhooks;
  const dispatcher = startWebhookDispatcher({
    em: orm.em,
    log: log.child({ component: 'webhooks' }),
    transport: createWebhookTransport({
      allowPrivate: w.allowPrivateTargets,
      timeoutMs: w.timeoutMs,
      excerptBytes: WEBHOOK_EXCERPT_BYTES,
    }),
    concurrency: w.concurrency,
    pollMs: w.pollMs,
    leaseMs: Math.max(60_000, w.timeoutMs * 3),
    ...(w.retryDelaysMs ? { retryDelaysMs: w.retryDelaysMs } : {}),
  });
  const notices = listenForNotices({
    url: databaseUrl,
    channel: CHANGES_CHANNEL,
    applicationName: 'checkproof-directory-webhooks',
    onNotice: () => dispatcher.wake(),
    // Notices may have been missed while the channel was down: look once it is back.
    onListening: (on) => on && dispatcher.wake(),
    log,
  });
  const unsubscribe = onWebhookQueued(() => dispatcher.wake());
  return {
    async stop() {
      unsubscribe();
      await notices.close();
      await dispatcher.stop();
      await orm.close(true);
    },
  };
}
