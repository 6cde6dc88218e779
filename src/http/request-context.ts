import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { DbSession } from '../domain/context';
import type { Logger } from './logger';
import type { RequestState } from './state';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (a well-formed incoming X-Request-Id is kept), a child logger that
 * stamps it on every line, and its own EntityManager fork; logs one line per request.
 */
export function requestContext(log: Logger, forkEm: () => DbSession): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    // Forked on first use: health probes and rejected requests never pay for a unit of work.
    let em: DbSession | undefined;
    Object.defineProperty(ctx.state, 'em', {
      get: () => (em ??= forkEm()),
      configurable: true,
      enumerable: true,
    });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        ctx.state.log.info(
          { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
          'request',
        );
      }
    }
  };
}
