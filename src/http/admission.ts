import type { Context, Middleware } from 'koa';
import { tooManyRequests, unavailable, type DomainError } from '../domain/errors';
import type { RequestState } from './state';

export interface AdmissionOptions {
  /** Requests served at once by this process. */
  maxInflight: number;
  /** Requests that may wait for a slot; beyond, 503 at once. */
  maxQueued: number;
  /** Longest wait for a slot before 503. */
  queueTimeoutMs: number;
  /** Fraction of maxInflight one tenant may hold at once; beyond, 429. */
  tenantShare: number;
  /**
   * Expensive requests (large pages, costly GraphQL) rendered at once. Their synchronous work
   * (row parsing, mapping, serialising) is what delays everything else on the event loop,
   * /healthz included; bounding them bounds that delay.
   */
  maxExpensive?: number;
  /**
   * Which requests come first: SCIM (Entra counts every failure toward quarantining the
   * customer's provisioning job) before GraphQL (apps and analysts, who can retry).
   */
  isPriority?: (ctx: Context) => boolean;
  /** Writes the rejection in the transport's shape (SCIM error body, GraphQL errors). */
  answer: (ctx: Context, err: DomainError) => void;
  /** Told of every request not served: 'full' (503), 'tenant' (429), 'gone' (client left first). */
  onShed?: (reason: ShedReason) => void;
}

export type ShedReason = 'full' | 'queue_timeout' | 'tenant' | 'gone';

export interface Admission {
  /** Bounds the requests this process works on; the rest wait in a short queue or get 503. */
  middleware: Middleware<RequestState>;
  /**
   * Takes one of the tenant's slots (call once the tenant is authenticated); throws the 429 domain
   * error when the tenant already holds its share. Returns the release function.
   */
  enterTenant(tenantId: string): () => void;
  /**
   * Waits for one of the few slots for expensive work (at most queueTimeoutMs, then the 503
   * domain error). Returns the release function.
   */
  enterExpensive(): Promise<() => void>;
  /** Requests in progress and waiting (for /metrics). */
  stats(): { inflight: number; queued: number; tenants: number; expensive: number };
}

interface Waiter {
  priority: boolean;
  admit: () => void;
}

const clientGone = (ctx: Context) => ctx.req.destroyed || ctx.req.socket.destroyed;

/**
 * Admission control: a fixed number of requests in progress per process, bounded FIFO queues in
 * front of it, and a cap per tenant. Priority requests (SCIM) are admitted before the others,
 * which may also hold at most half of the slots, so analysts' GraphQL is shed long before Entra's
 * traffic. Work whose client has gone while it waited is skipped: under overload, creates
 * otherwise commit for clients that already gave up. Rejections carry Retry-After.
 */
export function createAdmission(opts: AdmissionOptions): Admission {
  const isPriority = opts.isPriority ?? (() => true);
  const maxOther = Math.max(1, Math.floor(opts.maxInflight / 2));
  let inflight = 0;
  let inflightOther = 0;
  const queues: Record<'priority' | 'other', Waiter[]> = { priority: [], other: [] };
  const tenants = new Map<string, number>();
  const tenantMax = Math.max(1, Math.floor(opts.maxInflight * opts.tenantShare));

  const canStart = (priority: boolean) =>
    inflight < opts.maxInflight && (priority || inflightOther < maxOther);
  const start = (priority: boolean) => {
    inflight++;
    if (!priority) inflightOther++;
  };
  const pump = () => {
    for (;;) {
      const waiter =
        queues.priority[0] && canStart(true)
          ? queues.priority.shift()
          : queues.other[0] && canStart(false)
            ? queues.other.shift()
            : undefined;
      if (!waiter) return;
      start(waiter.priority);
      waiter.admit();
    }
  };
  const finish = (priority: boolean) => {
    inflight--;
    if (!priority) inflightOther--;
    pump();
  };

  const reject = (ctx: Context, reason: ShedReason, err: DomainError) => {
    opts.onShed?.(reason);
    opts.answer(ctx, err);
  };

  /** Resolves true once admitted (and counted), false on timeout or when the client leaves. */
  const waitForSlot = (ctx: Context, priority: boolean) =>
    new Promise<boolean>((resolve) => {
      const socket = ctx.req.socket;
      const queue = queues[priority ? 'priority' : 'other'];
      const settle = (admitted: boolean) => {
        clearTimeout(timer);
        socket.off('close', onClose);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve(admitted);
      };
      const waiter: Waiter = { priority, admit: () => settle(true) };
      const timer = setTimeout(() => settle(false), opts.queueTimeoutMs);
      // A client that leaves while waiting gives its place up at once.
      const onClose = () => settle(false);
      socket.once('close', onClose);
      queue.push(waiter);
    });

  const expensive = createSemaphore(opts.maxExpensive ?? 2, opts.queueTimeoutMs);
  const enterExpensive = async (): Promise<() => void> => {
    const release = await expensive.acquire();
    if (release) return release;
    opts.onShed?.('queue_timeout');
    throw unavailable('The service is busy with large requests; retry shortly.', 1);
  };

  const middleware: Middleware<RequestState> = async (ctx, next) => {
    ctx.state.enterExpensive = enterExpensive;
    const priority = isPriority(ctx);
    if (canStart(priority)) {
      start(priority);
    } else {
      if (queues.priority.length + queues.other.length >= opts.maxQueued) {
        return reject(ctx, 'full', unavailable('The service is at capacity; retry shortly.', 1));
      }
      if (!(await waitForSlot(ctx, priority))) {
        if (clientGone(ctx)) return opts.onShed?.('gone');
        return reject(ctx, 'queue_timeout', unavailable('The service is at capacity; retry shortly.', 1));
      }
    }
    try {
      if (clientGone(ctx)) return opts.onShed?.('gone');
      await next();
    } finally {
      finish(priority);
    }
  };

  return {
    middleware,
    enterTenant(tenantId) {
      const held = tenants.get(tenantId) ?? 0;
      if (held >= tenantMax) {
        opts.onShed?.('tenant');
        throw tooManyRequests(
          `This tenant has ${held} requests in progress, the most one tenant may have at once; retry shortly.`,
          1,
        );
      }
      tenants.set(tenantId, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (tenants.get(tenantId) ?? 1) - 1;
        if (left <= 0) tenants.delete(tenantId);
        else tenants.set(tenantId, left);
      };
    },
    enterExpensive,
    stats: () => ({
      inflight,
      queued: queues.priority.length + queues.other.length,
      tenants: tenants.size,
      expensive: expensive.held(),
    }),
  };
}

/** A counting semaphore whose waiters give up after `timeoutMs` (acquire resolves undefined). */
function createSemaphore(size: number, timeoutMs: number) {
  let held = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else held--;
  };
  const releaser = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
  return {
    held: () => held,
    async acquire(): Promise<(() => void) | undefined> {
      if (held < size) {
        held++;
        return releaser();
      }
      const admitted = await new Promise<boolean>((resolve) => {
        // The slot passes directly from the releasing holder to this waiter.
        const admit = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(admit), 1);
          resolve(false);
        }, timeoutMs);
        waiting.push(admit);
      });
      return admitted ? releaser() : undefined;
    },
  };
}
