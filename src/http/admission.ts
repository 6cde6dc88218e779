import type { Context, Middleware } from 'koa';
import { tooManyRequests, unavailable, type DomainError } from '../domain/errors';
import type { RequestState } from './state';

export interface AdmissionOptions {
  /** Requests served at once by this process. */
  maxInflight: number;
  /** Requests that may wait for a slot; beyond, 503 (or 429 for a tenant over its share) at once. */
  maxQueued: number;
  /** Longest wait for a slot before 503 (or 429). */
  queueTimeoutMs: number;
  /** Fraction of maxInflight one tenant may hold at once; its other requests wait their turn. */
  tenantShare: number;
  /**
   * Expensive requests (large pages, costly GraphQL) rendered at once. Their synchronous work
   * (row parsing, mapping, serialising) is what delays everything else on the event loop,
   * /healthz included; bounding them bounds that delay.
   */
  maxExpensive?: number;
  /**
   * Which requests belong to whom. A priority request (SCIM: Entra counts every failure toward
   * quarantining the customer's provisioning job) is admitted before the others (GraphQL: apps
   * and analysts, who can retry), which may also hold at most half of the slots. `tenant` is who
   * the request is for, read before authentication (the Provisioning URL names it): it only
   * decides whose turn it is, never what may be read.
   */
  classify?: (ctx: Context) => { priority: boolean; tenant?: string };
  /** Writes the rejection in the transport's shape (SCIM error body, GraphQL errors). */
  answer: (ctx: Context, err: DomainError) => void;
  /** Told of every request not served: 'full' (503), 'tenant' (429), 'gone' (client left first). */
  onShed?: (reason: ShedReason) => void;
}

export type ShedReason = 'full' | 'queue_timeout' | 'tenant' | 'gone';

export interface Admission {
  /** Bounds the requests this process works on; the rest wait their turn or get 503/429. */
  middleware: Middleware<RequestState>;
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

/** Requests of one tenant (or of every non-priority request): in progress, and waiting in order. */
interface Lane {
  readonly key: string;
  readonly priority: boolean;
  readonly capped: boolean;
  inflight: number;
  readonly waiting: Waiter[];
  /** When the lane last had a request started (a counter): the longest-unserved lane goes next. */
  served: number;
}

/** The share of the queue one tenant's requests may take. */
const LANE_QUEUE_SHARE = 0.75;

const clientGone = (ctx: Context) => ctx.req.destroyed || ctx.req.socket.destroyed;

/**
 * Admission control with fair queuing. A fixed number of requests run at once per process; the
 * others wait in one lane per tenant, and a free slot goes to the lanes in turn (priority lanes
 * first), so a tenant sending hundreds of requests at once is served at its share while another
 * tenant's requests still get through. A tenant may hold at most `tenantShare` of the slots; its
 * further requests wait rather than fail, since Entra counts 429s as failures too. Past the queue
 * limits or the wait limit the answer is 503 (the process is full) or 429 (the tenant is over its
 * share), with Retry-After. Work whose client has gone while it waited is skipped: under overload,
 * creates otherwise commit for clients that already gave up.
 */
export function createAdmission(opts: AdmissionOptions): Admission {
  const classify = opts.classify ?? ((): { priority: boolean; tenant?: string } => ({ priority: true }));
  const maxOther = Math.max(1, Math.floor(opts.maxInflight / 2));
  const tenantMax = Math.max(1, Math.floor(opts.maxInflight * opts.tenantShare));
  // One tenant may fill three quarters of the queue: room for a burst of Entra's parallel member
  // PATCHes (300 measured), and a quarter left for the other tenants' turns.
  const laneQueueMax = Math.max(1, Math.floor(opts.maxQueued * LANE_QUEUE_SHARE));
  let inflight = 0;
  let inflightOther = 0;
  let queued = 0;
  const lanes = new Map<string, Lane>();
  /** Lanes with waiting requests. */
  const waitingLanes = new Set<Lane>();
  let tick = 0;

  const laneOf = (ctx: Context): Lane => {
    const { priority, tenant } = classify(ctx);
    const key = priority ? `p:${tenant ?? ''}` : 'other';
    let lane = lanes.get(key);
    if (!lane) {
      lane = { key, priority, capped: priority && tenant !== undefined, inflight: 0, waiting: [], served: 0 };
      lanes.set(key, lane);
    }
    return lane;
  };
  const forget = (lane: Lane) => {
    if (lane.inflight === 0 && lane.waiting.length === 0) lanes.delete(lane.key);
  };
  const overShare = (lane: Lane) => lane.capped && lane.inflight >= tenantMax;
  const canStart = (lane: Lane) =>
    inflight < opts.maxInflight && !overShare(lane) && (lane.priority || inflightOther < maxOther);
  const start = (lane: Lane) => {
    inflight++;
    lane.inflight++;
    lane.served = ++tick;
    if (!lane.priority) inflightOther++;
  };

  /**
   * Gives free slots to waiting requests: each to the lane served longest ago among those that may
   * start one, priority lanes first.
   */
  const pump = () => {
    while (inflight < opts.maxInflight && waitingLanes.size > 0) {
      let next: Lane | undefined;
      for (const lane of waitingLanes) {
        if (!canStart(lane)) continue;
        if (
          !next ||
          (lane.priority && !next.priority) ||
          (lane.priority === next.priority && lane.served < next.served)
        )
          next = lane;
      }
      if (!next) return;
      const waiter = next.waiting.shift()!;
      if (next.waiting.length === 0) waitingLanes.delete(next);
      start(next);
      queued--;
      waiter.admit();
    }
  };
  const finish = (lane: Lane) => {
    inflight--;
    lane.inflight--;
    if (!lane.priority) inflightOther--;
    forget(lane);
    pump();
  };

  const reject = (ctx: Context, reason: ShedReason, err: DomainError) => {
    opts.onShed?.(reason);
    opts.answer(ctx, err);
  };
  const full = () => unavailable('The service is at capacity; retry shortly.', 1);
  const tenantFull = (lane: Lane) =>
    tooManyRequests(
      `This tenant has ${lane.inflight} requests in progress and ${lane.waiting.length} waiting, ` +
        'the most one tenant may have at once; retry shortly.',
      1,
    );

  /** Resolves true once admitted (and counted), false on timeout or when the client leaves. */
  const waitInLane = (ctx: Context, lane: Lane) =>
    new Promise<boolean>((resolve) => {
      const socket = ctx.req.socket;
      const settle = (admitted: boolean) => {
        clearTimeout(timer);
        socket.off('close', onClose);
        if (!admitted) {
          const at = lane.waiting.indexOf(waiter);
          if (at >= 0) {
            lane.waiting.splice(at, 1);
            queued--;
            if (lane.waiting.length === 0) waitingLanes.delete(lane);
          }
        }
        resolve(admitted);
      };
      const waiter: Waiter = { admit: () => settle(true) };
      const timer = setTimeout(() => settle(false), opts.queueTimeoutMs);
      // A client that leaves while waiting gives its place up at once.
      const onClose = () => settle(false);
      socket.once('close', onClose);
      waitingLanes.add(lane);
      lane.waiting.push(waiter);
      queued++;
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
    const lane = laneOf(ctx);
    // Waiting requests keep their order: a newcomer does not overtake its own lane.
    if (lane.waiting.length === 0 && canStart(lane)) {
      start(lane);
    } else {
      if (queued >= opts.maxQueued) {
        forget(lane);
        return reject(ctx, 'full', full());
      }
      if (lane.capped && lane.waiting.length >= laneQueueMax) {
        forget(lane);
        return reject(ctx, 'tenant', tenantFull(lane));
      }
      if (!(await waitInLane(ctx, lane))) {
        forget(lane);
        if (clientGone(ctx)) return opts.onShed?.('gone');
        if (overShare(lane)) return reject(ctx, 'tenant', tenantFull(lane));
        return reject(ctx, 'queue_timeout', full());
      }
    }
    try {
      if (clientGone(ctx)) return opts.onShed?.('gone');
      await next();
    } finally {
      finish(lane);
    }
  };

  return {
    middleware,
    enterExpensive,
    stats: () => ({ inflight, queued, tenants: lanes.size, expensive: expensive.held() }),
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
