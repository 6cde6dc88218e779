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
  admit: () => void;
}

const clientGone = (ctx: Context) => ctx.req.destroyed || ctx.req.socket.destroyed;

/**
 * Admission control: a fixed number of requests in progress per process, a bounded FIFO queue
 * in front of it, and a cap per tenant. Work whose client has gone while it waited is skipped:
 * under overload, creates otherwise commit for clients that already gave up. Rejections carry
 * Retry-After, which Entra honours; it counts other 5xx toward quarantine.
 */
export function createAdmission(opts: AdmissionOptions): Admission {
  let inflight = 0;
  const queue: Waiter[] = [];
  const tenants = new Map<string, number>();
  const tenantMax = Math.max(1, Math.floor(opts.maxInflight * opts.tenantShare));

  const release = () => {
    const next = queue.shift();
    if (next) next.admit();
    else inflight--;
  };

  const reject = (ctx: Context, reason: ShedReason, err: DomainError) => {
    opts.onShed?.(reason);
    opts.answer(ctx, err);
  };

  const waitForSlot = (ctx: Context) =>
    new Promise<boolean>((resolve) => {
      const socket = ctx.req.socket;
      const settle = (admitted: boolean) => {
        clearTimeout(timer);
        socket.off('close', onClose);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve(admitted);
      };
      const waiter: Waiter = { admit: () => settle(true) };
      const timer = setTimeout(() => settle(false), opts.queueTimeoutMs);
      // A client that leaves while waiting gives its place up at once.
      const onClose = () => settle(false);
      socket.once('close', onClose);
      queue.push(waiter);
    });

  const maxExpensive = opts.maxExpensive ?? 2;
  let expensive = 0;
  const expensiveQueue: Array<() => void> = [];
  const releaseExpensive = () => {
    const next = expensiveQueue.shift();
    if (next) next();
    else expensive--;
  };
  const enterExpensive = async (): Promise<() => void> => {
    if (expensive < maxExpensive) {
      expensive++;
    } else {
      const admitted = await new Promise<boolean>((resolve) => {
        const admit = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          expensiveQueue.splice(expensiveQueue.indexOf(admit), 1);
          resolve(false);
        }, opts.queueTimeoutMs);
        expensiveQueue.push(admit);
      });
      if (!admitted) {
        opts.onShed?.('queue_timeout');
        throw unavailable('The service is busy with large requests; retry shortly.', 1);
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseExpensive();
    };
  };

  const middleware: Middleware<RequestState> = async (ctx, next) => {
    ctx.state.enterExpensive = enterExpensive;
    if (inflight < opts.maxInflight) {
      inflight++;
    } else {
      if (queue.length >= opts.maxQueued) {
        return reject(ctx, 'full', unavailable('The service is at capacity; retry shortly.', 1));
      }
      // On admission the slot passes directly from the releasing request to this one.
      if (!(await waitForSlot(ctx))) {
        if (clientGone(ctx)) return opts.onShed?.('gone');
        return reject(ctx, 'queue_timeout', unavailable('The service is at capacity; retry shortly.', 1));
      }
    }
    try {
      if (clientGone(ctx)) return opts.onShed?.('gone');
      await next();
    } finally {
      release();
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
    stats: () => ({ inflight, queued: queue.length, tenants: tenants.size, expensive }),
  };
}
