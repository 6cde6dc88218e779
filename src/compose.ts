import type Koa from 'koa';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { createGraphQLServer } from './graphql/server';
import { createSchema } from './graphql/schema';
import { createApp } from './http/app';
import { createAuthenticator } from './http/auth/authenticate';
import { createJwtVerifier } from './http/auth/jwt';
import { createUsageRecorder } from './http/auth/usage';
import { graphqlMiddleware } from './http/graphql';
import type { Logger } from './http/logger';
import type { RequestState } from './http/state';
import { scimRouter } from './scim/router';
import { createProvisioningWriter } from './scim/http/provisioning-writer';
import { startProvisioningLogRetention } from './scim/http/provisioning-retention';
import { createCredentialCache } from './scim/http/credential-cache';
import { listenForNotices } from './db/notifications';
import { CREDENTIAL_REVOKED_CHANNEL } from './domain/credentials/credential.service';
import { onCredentialRevoked } from './domain/credentials/credential.events';
import type Router from '@koa/router';

export interface ComposeInput {
  config: Config;
  log: Logger;
  orm: Orm;
  isShuttingDown?: () => boolean;
  /** Receives work to finish before the database closes (e.g. flushing the provisioning log). */
  shutdownHooks?: Array<() => Promise<void>>;
}

/** Wires services, façades and the HTTP shell into one Koa app (used by main and by tests). */
export async function buildApp(input: ComposeInput): Promise<Koa<RequestState>> {
  const { config, log, orm } = input;
  // The domain runs SQL through the session and never uses its identity map, so one session serves
  // every request (inTransaction forks it for a transaction); a fork per request was pure overhead.
  const session = orm.em;
  const recordUsage = createUsageRecorder(session, log);
  const provisioning = createProvisioningWriter(session, log);
  input.shutdownHooks?.push(() => provisioning.flush());
  const retention = startProvisioningLogRetention(session, config.scim.logRetentionDays, log);
  input.shutdownHooks?.push(() => retention.stop());
  // Verified SCIM tokens are remembered for a few seconds; a revocation anywhere evicts them in
  // every process at once, and while the notices cannot be received nothing is remembered.
  const credentials = createCredentialCache();
  const revocations = listenForNotices({
    url: orm.config.get('clientUrl') ?? '',
    channel: CREDENTIAL_REVOKED_CHANNEL,
    onNotice: (id) => credentials.evict(id),
    onListening: (on) => credentials.setEnabled(on),
    log,
  });
  const unsubscribe = onCredentialRevoked((id) => credentials.evict(id));
  input.shutdownHooks?.push(async () => {
    unsubscribe();
    await revocations.close();
  });
  const schema = await createSchema();
  const graphqlServer = createGraphQLServer(schema, {
    introspection: config.graphql.introspection,
    exposeStack: config.env === 'development',
    maxDepth: config.graphql.maxDepth,
    maxCost: config.graphql.maxCost,
    log,
  });
  await graphqlServer.start();
  const verifyJwt = createJwtVerifier(config.jwt);
  const authenticate = createAuthenticator({
    adminToken: config.adminToken,
    recordUsage,
    ...(verifyJwt ? { verifyJwt } : {}),
  });
  return createApp({
    log,
    session,
    isShuttingDown: input.isShuttingDown ?? (() => false),
    routers: [
      scimRouter({
        settings: {
          publicUrl: config.publicUrl,
          maxBodyBytes: config.scim.maxBodyBytes,
          maxResults: config.scim.maxResults,
        },
        recordUsage,
        provisioning,
        credentials,
      }) as unknown as Router<RequestState>,
    ],
    middleware: await graphqlMiddleware({
      server: graphqlServer,
      authenticate,
      publicUrl: config.publicUrl,
      ide: config.graphql.ide,
      onIdeMissing: () =>
        log.warn('GRAPHQL_IDE is on but src/graphql/ide/assets was not found; IDE not served'),
    }),
  });
}
