import type { Config } from './config';
import type { Orm } from './db/orm';
import { buildService } from './compose';
import type { Logger } from './http/logger';
import { createMetrics, shareWithPrimary } from './http/metrics';
import { adoptConnections, drainServer, listen } from './http/server';

export interface Serving {
  port: number;
  /**
   * Marks the process not ready, closes subscription sockets, stops accepting, lets in-flight requests finish (answered with
   * `Connection: close`), then runs the shutdown hooks (GraphQL stop, provisioning-log flush, …),
   * all within `deadline` (a Date.now() value). The ORM stays open.
   */
  stop(deadline: number): Promise<void>;
}

/**
 * Builds the app over an open ORM and serves it: listening on the port (a single process), or on
 * the connections a cluster primary hands over (`handedOff`).
 */
export async function serve(config: Config, log: Logger, orm: Orm, handedOff = false): Promise<Serving> {
  let shuttingDown = false;
  const hooks: Array<() => Promise<void>> = [];
  const metrics = createMetrics({ tenantLabels: config.metrics.tenantLabels });
  shareWithPrimary(metrics.registry);
  const { app, subscriptions } = await buildService({
    config,
    log,
    orm,
    metrics,
    isShuttingDown: () => shuttingDown,
    shutdownHooks: hooks,
  });
  const { server, port } = handedOff
    ? { server: await adoptConnections(app), port: config.port }
    : await listen(app, config.port, config.host);
  subscriptions.attach(server);
  return {
    port,
    stop: async (deadline) => {
      shuttingDown = true;
      // WebSocket connections never end by themselves: close them (1001 Going Away; clients
      // reconnect elsewhere with their last cursor) so the drain below can finish.
      await withTimeout(subscriptions.close(), Math.max(0, Math.min(1000, deadline - Date.now())));
      // Keep a fifth of the time (at most 2 s) for the hooks after the last request.
      const budget = deadline - Date.now();
      const drained = await drainServer(server, {
        timeoutMs: Math.max(0, budget - Math.min(2000, budget / 5)),
      });
      if (!drained) log.warn('shutdown: requests still running at the deadline were cut off');
      for (const hook of hooks) {
        const left = deadline - Date.now();
        const finished = await withTimeout(hook(), Math.max(0, left)).catch((err: unknown) => {
          log.warn({ err }, 'shutdown hook failed');
          return true;
        });
        if (!finished) {
          log.warn('shutdown: out of time; skipping the remaining shutdown work');
          break;
        }
      }
    },
  };
}

/** Resolves true when `work` settles within `ms`, false otherwise (the work is left behind). */
export function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
