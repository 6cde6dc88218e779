import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { DbSession } from '../domain/context';
import type { Logger } from './logger';
import type { RequestState } from './state';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request's state; its child logger is made on first use (most requests never log). */
class State implements RequestState {
  #log: Logger | undefined;
  tenantId: string | undefined;
  errorReason: string | undefined;
  enterExpensive: (() => Promise<() => void>) | undefined;
  /** Tenants whose change feed the request wrote to; made on the first write. */
  changed: Set<string> | undefined;
  readonly noteChange = (tenantId: string): void => {
    (this.changed ??= new Set()).add(tenantId);
  };
  constructor(
    readonly requestId: string,
    readonly em: DbSession,
    private readonly root: Logger,
  ) {}
  get log(): Logger {
    return (this.#log ??= this.root.child({ requestId: this.requestId }));
  }
}

/**
 * Gives each request an id (a well-formed incoming X-Request-Id is kept), a logger that stamps it
 * on every line, and the database session; logs one line per request (with the tenant, and the
 * reason and client address of a 4xx or 5xx). While the process drains, every answer carries `Connection: close`, so
 * keep-alive clients move to another instance instead of being cut off later.
 */
export function requestContext(
  log: Logger,
  em: DbSession,
  isShuttingDown: () => boolean = () => false,
  announceChanges?: (tenantIds: Iterable<string>) => void,
): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const state = new State(requestId, em, log);
    ctx.state = state;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      // The request's writes have committed (or failed): wake the tenants' change followers.
      if (state.changed && announceChanges) announceChanges(state.changed);
      if (isShuttingDown()) ctx.set('Connection', 'close');
      const status = ctx.status;
      // 500 is ours to fix; 503/429 are load or an outage; a 4xx is the client's (reason logged).
      const level = status === 500 ? 'error' : status >= 500 || status === 429 ? 'warn' : 'info';
      if (log.isLevelEnabled(level) && ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const { tenantId, errorReason } = ctx.state;
        ctx.state.log[level](
          {
            method: ctx.method,
            path: ctx.path,
            status,
            ms: Math.round(ms * 10) / 10,
            ...(tenantId ? { tenantId } : {}),
            ...(errorReason ? { reason: errorReason } : {}),
            // Who sent a refused request (the proxy's X-Forwarded-For with TRUST_PROXY=true).
            ...(status >= 400 ? { ip: ctx.ip } : {}),
          },
          'request',
        );
      }
    }
  };
}
