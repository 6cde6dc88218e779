import { randomUUID } from 'node:crypto';
import type { DbSession, DomainLogger, OperatorContext } from '../context';
import {
  claimDeliveries,
  disableEndpoint,
  fanOut,
  nextDueAt,
  recordAttempt,
  type ClaimedDelivery,
} from './webhook.dispatch.queries';
import {
  nextRetryDelay,
  parseRetryAfter,
  WEBHOOK_DISABLE_AFTER_MS,
  WEBHOOK_RETRY_AFTER_CAP_MS,
  WEBHOOK_RETRY_DELAYS_MS,
} from './webhook.schedule';
import { webhookHeaders } from './webhook.signing';
import type { WebhookResponse, WebhookTransport } from './webhook.types';

export interface WebhookDispatcherOptions {
  /** A session on a pool of the dispatcher's own, so deliveries never wait for, or hold, a request's connection. */
  em: DbSession;
  transport: WebhookTransport;
  log: DomainLogger;
  /** Waits before each retry (WEBHOOK_RETRY_DELAYS_MS unless tests shorten them). */
  retryDelaysMs?: readonly number[];
  retryAfterCapMs?: number;
  disableAfterMs?: number;
  /** Look for work this often without a notice. */
  pollMs?: number;
  /** Deliveries in flight at once in this process. */
  concurrency?: number;
  /** How long a claimed delivery stays this process's; longer than the transport's timeout. */
  leaseMs?: number;
}

export interface DispatcherStats {
  attempts: number;
  delivered: number;
  failedAttempts: number;
  inFlight: number;
}

export interface WebhookDispatcher {
  /** Looks for work now (a change-feed notice, or a new delivery queued in this process). */
  wake(): void;
  stats(): DispatcherStats;
  /** Stops looking for work and waits for the attempts in flight. */
  stop(): Promise<void>;
}

/**
 * Least time between two looks for work that found none: under a write load the change notices
 * come every few milliseconds, and each look is three statements; events wait at most this much
 * longer. While deliveries are queued or in flight the dispatcher looks again at once.
 */
const MIN_GAP_MS = 25;
const HELD_BACK_FIRST_MS = 25;
const HELD_BACK_MAX_MS = 400;
const ERROR_PAUSE_MS = 1000;

/**
 * Starts a process's webhook dispatcher (docs/changes.md, ADR 0013): it moves feed events into
 * per-endpoint deliveries, leases due ones and sends them signed, retrying on the schedule. Any
 * number of processes may run one; each delivery is sent by one of them at a time.
 */
export function startWebhookDispatcher(opts: WebhookDispatcherOptions): WebhookDispatcher {
  const { em, transport, log } = opts;
  const delays = opts.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
  const retryAfterCap = opts.retryAfterCapMs ?? WEBHOOK_RETRY_AFTER_CAP_MS;
  const disableAfter = opts.disableAfterMs ?? WEBHOOK_DISABLE_AFTER_MS;
  const pollMs = opts.pollMs ?? 5000;
  const concurrency = opts.concurrency ?? 16;
  const leaseMs = opts.leaseMs ?? 60_000;
  const token = randomUUID();
  const system: OperatorContext = {
    actor: { kind: 'system', id: 'webhooks', name: 'webhook dispatcher' },
    em,
    requestId: `webhooks-${token}`,
    log,
  };
  const stats = { attempts: 0, delivered: 0, failedAttempts: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let generation = 0;
  let wakeUp: (() => void) | undefined;

  const wake = () => {
    generation++;
    wakeUp?.();
  };
  const sleep = (seen: number, ms: number) =>
    new Promise<void>((resolve) => {
      if (seen !== generation || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const send = async (d: ClaimedDelivery): Promise<void> => {
    const attemptedAt = new Date();
    const headers = webhookHeaders(d.secrets, d.messageId, Math.floor(attemptedAt.getTime() / 1000), d.body);
    const res: WebhookResponse = await transport({ url: d.url, headers, body: d.body }).catch(
      (err: unknown) => ({ error: String(err), latencyMs: Date.now() - attemptedAt.getTime() }),
    );
    const ok = res.status !== undefined && res.status >= 200 && res.status < 300;
    stats.attempts++;
    if (ok) stats.delivered++;
    else stats.failedAttempts++;
    // A test event is tried once; 410 Gone is final.
    const delay =
      ok || d.isTest || res.status === 410
        ? null
        : nextRetryDelay(d.attempt, parseRetryAfter(res.retryAfter, Date.now()), delays, retryAfterCap);
    const { failingSince } = await recordAttempt(em, d, {
      attemptedAt,
      status: res.status ?? null,
      latencyMs: res.latencyMs,
      error: ok ? null : (res.error ?? `HTTP ${res.status}`),
      excerpt: res.excerpt ?? null,
      ok,
      state: ok ? 'delivered' : delay === null ? 'failed' : 'pending',
      nextAttemptAt: delay === null ? null : new Date(Date.now() + delay),
    });
    if (ok || d.isTest) return;
    const reason =
      res.status === 410
        ? 'gone'
        : failingSince && Date.now() - failingSince.getTime() >= disableAfter
          ? 'failing'
          : null;
    if (reason && (await disableEndpoint(system, d.tenantId, d.endpointId, reason)))
      log.warn({ endpointId: d.endpointId, tenantId: d.tenantId, reason }, 'webhook endpoint disabled');
  };

  const track = (d: ClaimedDelivery) => {
    const p: Promise<void> = send(d)
      .catch((err: unknown) =>
        // The lease runs out and the delivery is sent again: at least once.
        log.warn({ err: String(err), deliveryId: d.id }, 'could not record a webhook attempt'),
      )
      .finally(() => {
        inFlight.delete(p);
        wake();
      });
    inFlight.add(p);
  };

  const loop = async () => {
    let heldBackMs = HELD_BACK_FIRST_MS;
    let last = 0;
    let busy = false;
    while (!stopped) {
      // Only a look that found nothing is spaced out: deliveries in progress go on at once.
      const gap = busy ? 0 : last + MIN_GAP_MS - Date.now();
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
      if (stopped) break;
      last = Date.now();
      busy = false;
      const seen = generation;
      let ms = pollMs;
      try {
        const fanned = await fanOut(em, { endpoints: 50, events: 500 });
        const free = concurrency - inFlight.size;
        if (free > 0 && !stopped)
          for (const d of await claimDeliveries(em, { limit: free, leaseMs, token })) track(d);
        busy = fanned.queued > 0 || inFlight.size > 0;
        if (fanned.busy > 0) continue;
        if (fanned.held > 0) {
          ms = heldBackMs;
          heldBackMs = Math.min(heldBackMs * 2, HELD_BACK_MAX_MS);
        } else heldBackMs = HELD_BACK_FIRST_MS;
        const due = await nextDueAt(em);
        if (due) ms = Math.min(ms, Math.max(1, due.getTime() - Date.now() + 2));
      } catch (err) {
        log.warn({ err: String(err) }, 'webhook dispatcher: database error; trying again shortly');
        ms = Math.min(pollMs, ERROR_PAUSE_MS);
      }
      await sleep(seen, ms);
    }
  };
  const running = loop();

  return {
    wake,
    stats: () => ({ ...stats, inFlight: inFlight.size }),
    async stop() {
      stopped = true;
      wake();
      await running;
      await Promise.all([...inFlight]);
    },
  };
}
