import type { Server } from 'node:http';
import { loadConfig, type Config } from '../../src/config';
import { buildService } from '../../src/compose';
import { createLogger } from '../../src/http/logger';
import { closeServer, listen } from '../../src/http/server';
import type { TestDatabase } from './db';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  url: string;
  config: Config;
  close(): Promise<void>;
  /** POSTs a GraphQL operation; returns status and parsed body. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{ status: number; body: GqlBody }>;
}

export interface GqlBody {
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Starts the real Koa app on an ephemeral port over the test file's database. */
export async function startTestApp(db: TestDatabase, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://directory.test',
    // Some files run the app as NODE_ENV=production, which otherwise insists on an https PUBLIC_URL.
    ALLOW_INSECURE_PUBLIC_URL: 'true',
    ...env,
  });
  const shutdownHooks: Array<() => Promise<void>> = [];
  const { app, subscriptions } = await buildService({
    config,
    log: createLogger('silent'),
    orm: db.orm,
    shutdownHooks,
  });
  const { server, port } = await listen(app as never, 0, '127.0.0.1');
  subscriptions.attach(server);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    config,
    close: async () => {
      await subscriptions.close();
      await closeServer(server as Server, 1000);
      for (const hook of shutdownHooks) await hook();
    },
    graphql: async (query, variables, token = ADMIN_TOKEN) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GqlBody };
    },
  };
}
