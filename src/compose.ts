import type Koa from 'koa';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { createGraphQLServer } from './graphql/server';
import { createSchema } from './graphql/schema';
import { createApp } from './http/app';
import { createAuthenticator } from './http/auth/authenticate';
import { createUsageRecorder } from './http/auth/usage';
import { graphqlMiddleware } from './http/graphql';
import type { Logger } from './http/logger';
import type { RequestState } from './http/state';
import { scimRouter } from './scim/router';
import type Router from '@koa/router';

export interface ComposeInput {
  config: Config;
  log: Logger;
  orm: Orm;
  isShuttingDown?: () => boolean;
}

/** Wires services, façades and the HTTP shell into one Koa app (used by main and by tests). */
export async function buildApp(input: ComposeInput): Promise<Koa<RequestState>> {
  const { config, log, orm } = input;
  const forkEm = () => orm.em.fork();
  const recordUsage = createUsageRecorder(forkEm, log);
  const schema = await createSchema();
  const graphqlServer = createGraphQLServer(schema, {
    introspection: config.graphql.introspection,
    exposeStack: config.env === 'development',
    log,
  });
  await graphqlServer.start();
  const authenticate = createAuthenticator({ adminToken: config.adminToken, recordUsage });
  return createApp({
    log,
    forkEm,
    isShuttingDown: input.isShuttingDown ?? (() => false),
    routers: [
      scimRouter({
        settings: {
          publicUrl: config.publicUrl,
          maxBodyBytes: config.scim.maxBodyBytes,
          maxResults: config.scim.maxResults,
        },
        recordUsage,
        forkEm,
      }) as unknown as Router<RequestState>,
    ],
    middleware: await graphqlMiddleware({ server: graphqlServer, authenticate, publicUrl: config.publicUrl }),
  });
}
