import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { DbSession } from '../domain/context';
import type { Logger } from './logger';
import type { RequestState } from './state';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request's state; its child logger is made on first use (most requests never log). */
class State implements RequestState {
  #log: Logger | undefined;
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
 * on every line, and the database session; logs one line per request.
 */
export function requestContext(log: Logger, em: DbSession): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state = new State(requestId, em, log);
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      if (log.isLevelEnabled('info') && ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        ctx.state.log.info(
          { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
          'request',
        );
      }
    }
  };
}
