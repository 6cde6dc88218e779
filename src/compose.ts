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
import { startDeletedRetention } from './domain/deleted/deleted.retention';
import { massDeprovisioningChecksSettled } from './domain/deprovisioning/mass-deprovisioning.service';
import { createCredentialCache } from './scim/http/credential-cache';
import { listenForNotices } from './db/notifications';
import { CREDENTIAL_REVOKED_CHANNEL } from './domain/credentials/credential.service';
import { onCredentialRevoked } from './domain/credentials/credential.events';
import type Router from '@koa/router';
import { monitorAvailability, registerAvailability } from './db/availability';
import { poolStats, resetPool } from './db/orm';
import { openReplicas } from './db/replicas';
import { createAdmission } from './http/admission';
import { createMetrics, type Metrics } from './http/metrics';
import type { Context } from 'koa';
import { retryAfterOf, type DomainError } from './domain/errors';
import { domainToScim } from './scim/errors';
import { sendScimError } from './scim/http/respond';
import { graphqlCode } from './graphql/errors';
import { createChangeAnnouncer } from './domain/changes/change.announce';
import { createChangeHub, CHANGES_CHANNEL } from './domain/changes/change.hub';
import { startChangeRetention } from './domain/changes/change.retention';
import { startStatisticsKeeper } from './db/statistics';
import { createSubscriptionServer, type SubscriptionServer } from './http/subscriptions';
import { startWebhookDelivery } from './webhook-delivery';
import { createExportSnapshots } from './db/export-snapshot';
import { exportRoutes } from './http/exports/export.routes';

/** A request refused before either transport saw it (admission), in that transport's shape. */
function answerRejection(ctx: Context, err: DomainError): void {
  if (ctx.path.startsWith('/scim/')) return sendScimError(ctx, domainToScim(err));
  ctx.status = err.code === 'TOO_MANY_REQUESTS' ? 429 : 503;
  ctx.set('Retry-After', String(retryAfterOf(err) ?? 1));
  if (ctx.path.startsWith('/exports/')) {
    ctx.body = { error: err.message, requestId: (ctx.state as RequestState).requestId };
    return;
  }
  ctx.body = { errors: [{ message: err.message, extensions: { code: graphqlCode(err.code) } }] };
}

export interface ComposeInput {
  config: Config;
  log: Logger;
  orm: Orm;
  /** The process's metrics (created once per process; tests get a fresh one per app). */
  metrics?: Metrics;
  isShuttingDown?: () => boolean;
  /** Receives work to finish before the database closes (e.g. flushing the provisioning log). */
  shutdownHooks?: Array<() => Promise<void>>;
}

/** The app and what serves beside it on the same HTTP server. */
export interface Service {
  app: Koa<RequestState>;
  /** GraphQL subscriptions over WebSocket: attach to the HTTP server; close before draining it. */
  subscriptions: SubscriptionServer;
}

/** Wires services, façades and the HTTP shell into one Koa app (used by tests that need no WebSocket). */
export async function buildApp(input: ComposeInput): Promise<Koa<RequestState>> {
  return (await buildService(input)).app;
}

/** Wires services, façades and the HTTP shell into one Koa app and its subscription server. */
export async function buildService(input: ComposeInput): Promise<Service> {
  const { config, log, orm } = input;
  // The domain runs SQL through the session and never uses its identity map, so one session serves
  // every request (inTransaction forks it for a transaction); a fork per request was pure overhead.
  const session = orm.em;
  const metrics = input.metrics ?? createMetrics({ tenantLabels: config.metrics.tenantLabels });
  // Readiness and fail-fast come from a probe on a connection of its own (see availability.ts).
  const availability = monitorAvailability({
    url: orm.config.get('clientUrl') ?? '',
    log,
    onDown: () => resetPool(orm),
  });
  registerAvailability(orm, availability);
  const recordUsage = createUsageRecorder(session, log);
  const provisioning = createProvisioningWriter(session, log, { onOutcome: metrics.provisioningLogWrite });
  input.shutdownHooks?.push(async () => {
    await provisioning.flush();
    provisioning.stop();
  });
  const retention = startProvisioningLogRetention(session, config.scim.logRetentionDays, log);
  input.shutdownHooks?.push(() => retention.stop());
  const deletedRetention = startDeletedRetention(session, config.deletedRetentionDays, log);
  input.shutdownHooks?.push(() => deletedRetention.stop());
  input.shutdownHooks?.push(() => massDeprovisioningChecksSettled());
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
  // Change-feed followers (subscriptions) wake on the notice sent after each request that wrote
  // events, whichever process served it; when the channel comes back after a loss, all look.
  const changeHub = createChangeHub();
  const changeNotices = listenForNotices({
    url: orm.config.get('clientUrl') ?? '',
    channel: CHANGES_CHANNEL,
    applicationName: 'checkproof-directory-changes',
    onNotice: (tenantId) => changeHub.wake(tenantId),
    onListening: (on) => {
      if (on) changeHub.wakeAll();
    },
    log,
  });
  const changeRetention = startChangeRetention(session, config.changes.retentionDays, log);
  const statistics = await startStatisticsKeeper(session, log);
  const changeAnnouncer = createChangeAnnouncer(session, log);
  input.shutdownHooks?.push(async () => {
    unsubscribe();
    await changeAnnouncer.stop();
    await changeRetention.stop();
    await statistics.stop();
    await changeNotices.close();
    await revocations.close();
    await availability.stop();
  });
  // Read replicas: GraphQL query operations read from a fresh one (docs/scaling.md). Closed last,
  // after the GraphQL server has stopped and the requests in flight have finished.
  const replicas =
    config.replicas.urls.length > 0
      ? await openReplicas({
          urls: config.replicas.urls,
          primary: orm,
          maxLagMs: config.replicas.maxLagMs,
          poolMax: config.dbPoolMax,
          timeouts: config.db,
          log,
          onFallBack: metrics.replicaFallBack,
        })
      : undefined;
  if (replicas) input.shutdownHooks?.push(() => replicas.close());
  if (config.webhooks.dispatch) {
    const webhooks = await startWebhookDelivery(config, log, orm.config.get('clientUrl') ?? '');
    input.shutdownHooks?.push(() => webhooks.stop());
  }
  const schema = await createSchema();
  const graphqlServer = createGraphQLServer(schema, {
    introspection: config.graphql.introspection,
    exposeStack: config.env === 'development',
    maxDepth: config.graphql.maxDepth,
    maxCost: config.graphql.maxCost,
    maxAliases: config.graphql.maxAliases,
    maxTokens: config.graphql.maxTokens,
    expensiveCost: config.graphql.expensiveCost,
    tenantExpensiveConcurrency: config.graphql.tenantExpensiveConcurrency,
    log,
  });
  await graphqlServer.start();
  // Stopped only after the HTTP drain, so GraphQL operations in flight at SIGTERM finish.
  input.shutdownHooks?.unshift(() => graphqlServer.stop());
  const isShuttingDown = input.isShuttingDown ?? (() => false);
  const admission = createAdmission({
    ...config.admission,
    answer: answerRejection,
    // Entra counts failures toward quarantining the customer's job: SCIM goes first, and each
    // Provisioning URL (tenant) gets its turn.
    classify: (ctx) =>
      ctx.path.startsWith('/scim/')
        ? { priority: true, tenant: (/^\/scim\/v2\/([^/]{1,64})/i.exec(ctx.path)?.[1] ?? '').toLowerCase() }
        : { priority: false },
    onShed: metrics.shed,
  });
  metrics.setSources({
    pool: () => poolStats(orm),
    admission: admission.stats,
    provisioningLog: provisioning.stats,
    database: () => ({ ready: availability.ready(), down: availability.down() }),
    ...(replicas ? { replicas: () => replicas.status() } : {}),
  });
  const verifyJwt = createJwtVerifier(config.jwt);
  const authenticate = createAuthenticator({
    adminToken: config.adminToken,
    recordUsage,
    ...(verifyJwt ? { verifyJwt } : {}),
  });
  const subscriptions = createSubscriptionServer({
    schema,
    session,
    authenticate,
    publicUrl: config.publicUrl,
    changeHub,
    log,
    limits: {
      maxDepth: config.graphql.maxDepth,
      maxCost: config.graphql.maxCost,
      maxAliases: config.graphql.maxAliases,
    },
    maxTokens: config.graphql.maxTokens,
    exposeStack: config.env === 'development',
    hideSchemaDetails: !config.graphql.introspection,
    maxConnections: config.changes.maxConnections,
    recheckMs: config.changes.recheckMs,
  });
  const app = createApp({
    log,
    session,
    trustProxy: config.trustProxy,
    isShuttingDown,
    announceChanges: (tenantIds) => changeAnnouncer.announce(tenantIds),
    ...(replicas ? { replicas: () => replicas.status() } : {}),
    admission: admission.middleware,
    ...(config.metrics.enabled ? { metrics } : {}),
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
    middleware: [
      // Exports read a snapshot on connections of their own, at most MAX_EXPENSIVE at once.
      exportRoutes({
        authenticate,
        openSnapshot: createExportSnapshots({ url: orm.config.get('clientUrl') ?? '' }),
      }),
      ...(await graphqlMiddleware({
        server: graphqlServer,
        authenticate,
        adminToken: config.adminToken,
        publicUrl: config.publicUrl,
        ide: config.graphql.ide,
        allowPrivateWebhookTargets: config.webhooks.allowPrivateTargets,
        ...(replicas ? { readSession: () => replicas.readSession() } : {}),
      })),
    ],
  });
  return { app, subscriptions };
}
