import Router from '@koa/router';
import { databaseReachable } from '../domain/health';
import type { RequestState } from './state';

/** What /readyz says about each read replica (they do not decide readiness: the primary stands in). */
export interface ReplicaReadiness {
  replica: string;
  inUse: boolean;
  lagMs: number | null;
}

/** Liveness (process up) and readiness (database reachable) probes. */
export function healthRoutes(
  isShuttingDown: () => boolean,
  replicas?: () => readonly ReplicaReadiness[],
): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ok = !isShuttingDown() && (await databaseReachable(ctx.state.em));
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? 'ready' : isShuttingDown() ? 'shutting down' : 'database unreachable',
      ...(replicas
        ? { replicas: replicas().map((r) => ({ replica: r.replica, inUse: r.inUse, lagMs: r.lagMs })) }
        : {}),
    };
  });
  return router;
}
