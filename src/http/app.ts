import Koa from 'koa';
import type Router from '@koa/router';
import type { DbSession } from '../domain/context';
import { healthRoutes } from './health';
import type { Logger } from './logger';
import { requestContext } from './request-context';
import type { RequestState } from './state';

export interface AppParts {
  log: Logger;
  /** The database session every request uses (see DbSession). */
  session: DbSession;
  isShuttingDown: () => boolean;
  /** Routers and middleware of the façades, mounted after the shared request context. */
  routers?: Router<RequestState>[];
  middleware?: Koa.Middleware<RequestState>[];
}

/** The Koa application: request context, health probes, then the façades. */
export function createApp(parts: AppParts): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.proxy = true;
  app.silent = true;
  app.use(requestContext(parts.log, parts.session));
  // Admins paste Provisioning URLs with a trailing slash; Entra then requests …/<tenant>//Users.
  app.use(async (ctx, next) => {
    if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
    await next();
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      ctx.state.log.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: 'internal server error', requestId: ctx.state.requestId };
    }
  });
  const health = healthRoutes(parts.isShuttingDown);
  app.use(health.routes());
  for (const router of parts.routers ?? []) app.use(router.routes()).use(router.allowedMethods());
  for (const mw of parts.middleware ?? []) app.use(mw);
  return app;
}
