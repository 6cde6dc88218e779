import Koa from 'koa';
import type Router from '@koa/router';
import type { DbSession } from '../domain/context';
import { asUnavailable } from '../domain/sql';
import { retryAfterOf } from '../domain/errors';
import { consoleMiddleware } from './console';
import { healthRoutes, type ReplicaReadiness } from './health';
import type { Logger } from './logger';
import { metricsText, type Metrics } from './metrics';
import { requestContext } from './request-context';
import type { RequestState } from './state';

export interface AppParts {
  log: Logger;
  /** The database session every request uses (see DbSession). */
  session: DbSession;
  isShuttingDown: () => boolean;
  /** Take the client's address and protocol from the nearest proxy's X-Forwarded-* (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Announces tenants whose change feed a request wrote to, after it (LISTEN/NOTIFY fan-out). */
  announceChanges?: (tenantIds: Iterable<string>) => void;
  /** Admission control for the façades (health probes and /metrics bypass it). */
  admission?: Koa.Middleware<RequestState>;
  /** Read replicas, reported by /readyz (omitted without DATABASE_REPLICA_URLS). */
  replicas?: () => readonly ReplicaReadiness[];
  /** Served at /metrics and fed by every request; omitted when metrics are off. */
  metrics?: Metrics;
  /** Routers and middleware of the façades, mounted after the shared request context. */
  routers?: Router<RequestState>[];
  middleware?: Koa.Middleware<RequestState>[];
}

/** The Koa application: request context, health probes and metrics, admission, then the façades. */
export function createApp(parts: AppParts): Koa<RequestState> {
  const app = new Koa<RequestState>();
  // Off unless a proxy in front is known to set X-Forwarded-*: a client could send them itself.
  // Only the address the nearest proxy appended counts (one hop). URLs handed out come from
  // PUBLIC_URL, never from these headers.
  app.proxy = parts.trustProxy ?? false;
  app.maxIpsCount = 1;
  app.silent = true;
  if (parts.metrics) app.use(parts.metrics.middleware);
  app.use(requestContext(parts.log, parts.session, parts.isShuttingDown, parts.announceChanges));
  // Admins paste Provisioning URLs with a trailing slash; Entra then requests …/<tenant>//Users.
  app.use(async (ctx, next) => {
    if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
    await next();
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const down = asUnavailable(err);
      if (down) {
        ctx.status = 503;
        ctx.set('Retry-After', String(retryAfterOf(down) ?? 5));
        ctx.body = { error: down.message, requestId: ctx.state.requestId };
        ctx.state.errorReason = down.message;
        return;
      }
      ctx.state.log.error(
        { err, tenantId: ctx.state.tenantId, method: ctx.method, path: ctx.path },
        'unhandled error',
      );
      ctx.status = 500;
      ctx.body = { error: 'internal server error', requestId: ctx.state.requestId };
    }
  });
  const health = healthRoutes(parts.isShuttingDown, parts.replicas);
  app.use(health.routes());
  const metrics = parts.metrics;
  if (metrics) {
    app.use(async (ctx, next) => {
      if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
      ctx.body = await metricsText(metrics.registry);
      ctx.type = metrics.registry.contentType;
    });
  }
  // Static files, read once: outside admission, like the probes.
  app.use(
    consoleMiddleware({ onMissing: () => parts.log.warn('dist/web not found: the console is not served') }),
  );
  if (parts.admission) app.use(parts.admission);
  for (const router of parts.routers ?? []) app.use(router.routes()).use(router.allowedMethods());
  for (const mw of parts.middleware ?? []) app.use(mw);
  return app;
}
