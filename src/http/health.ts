import Router from '@koa/router';
import { databaseReachable } from '../domain/health';
import type { RequestState } from './state';

/** Liveness (process up) and readiness (database reachable) probes. */
export function healthRoutes(isShuttingDown: () => boolean): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ok = !isShuttingDown() && (await databaseReachable(ctx.state.em));
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : isShuttingDown() ? 'shutting down' : 'database unreachable' };
  });
  return router;
}
