import type { Config } from './config';
import type { Orm } from './db/orm';
import { buildApp } from './compose';
import type { Logger } from './http/logger';
import { closeServer, listen } from './http/server';

export interface Serving {
  port: number;
  /** Stops accepting, drains in-flight requests, runs shutdown hooks (the ORM stays open). */
  stop(): Promise<void>;
}

/** Builds the app over an open ORM and listens (in the single process or in a cluster worker). */
export async function serve(config: Config, log: Logger, orm: Orm): Promise<Serving> {
  let shuttingDown = false;
  const hooks: Array<() => Promise<void>> = [];
  const app = await buildApp({ config, log, orm, isShuttingDown: () => shuttingDown, shutdownHooks: hooks });
  const { server, port } = await listen(app, config.port, config.host);
  return {
    port,
    stop: async () => {
      shuttingDown = true;
      await closeServer(server, config.shutdownTimeoutMs);
      for (const hook of hooks)
        await hook().catch((err: unknown) => log.warn({ err }, 'shutdown hook failed'));
    },
  };
}
