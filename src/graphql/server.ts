import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLSchema } from 'graphql';
import { tooManyRequests } from '../domain/errors';
import type { Logger } from '../http/logger';
import { createTenantSlots, holdSlot, releaseSlots, slotKeyOf, type TenantSlots } from './admission';
import type { GraphQLContext } from './context';
import { createFormatError, httpStatusOfCode, isInternalError } from './errors';
import { analyzeOperation, type OperationLimits } from './limits';

export interface GraphQLServerOptions {
  introspection: boolean;
  exposeStack: boolean;
  maxDepth: number;
  maxCost: number;
  /** Aliased fields per operation, fragments counted where spread (default 100). */
  maxAliases?: number;
  /** Lexical tokens per document, enforced while parsing (graphql-js `maxTokens`; default 10,000). */
  maxTokens?: number;
  /** Operations estimated above this cost are expensive: they need one of their tenant's slots (default 1000). */
  expensiveCost?: number;
  /** Expensive operations one tenant (or the operator) may run at once in this process (default 2). */
  tenantExpensiveConcurrency?: number;
  /** The process logger, for failures before a request has its own (context creation). */
  log: Logger;
}

/**
 * An estimated cost above which an operation's response is large enough to hold the event loop
 * (about 500 users with ten fields each); a 100-user page with roles and groups stays below it.
 */
const HEAVY_RESPONSE_COST = 5000;

/**
 * An operation running more database statements than this is expensive whatever its cost: 50
 * aliased counts are cheap to render but hold the pool (a page with nested connections runs 3).
 */
const EXPENSIVE_STATEMENTS = 10;

/**
 * Before any resolver runs: depth, cost and alias limits with the request's variables, then, for
 * an expensive operation, a slot of its tenant (TOO_MANY_REQUESTS when the tenant has none left).
 * The slot is given back when the response is sent; http/graphql.ts also gives back whatever a
 * request still holds when it ends, so no path keeps one.
 */
function limitsPlugin(
  schema: GraphQLSchema,
  limits: OperationLimits,
  expensiveCost: number,
  slots: TenantSlots,
  perTenant: number,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          const { cost, statements } = analyzeOperation(
            schema,
            document,
            operation,
            request.variables ?? {},
            limits,
          );
          if (cost > expensiveCost || statements > EXPENSIVE_STATEMENTS) {
            const release = slots.tryAcquire(slotKeyOf(contextValue));
            if (!release) {
              throw tooManyRequests(
                `Too many expensive operations at once for this tenant (at most ${perTenant}; this one's ` +
                  `estimated cost is ${cost} and it runs ${statements} statements; expensive above ${expensiveCost} or ` +
                  `${EXPENSIVE_STATEMENTS} statements). Retry shortly, or ask for less at once.`,
              );
            }
            holdSlot(contextValue, release);
          }
          // A response this large is tens of milliseconds of synchronous work: it also takes one
          // of the process's few slots for expensive work, shared with large SCIM pages, so that
          // few such operations run at once and the event loop (and /healthz) stays free.
          if (cost > HEAVY_RESPONSE_COST) {
            const work = await contextValue.enterExpensive?.();
            if (work) holdSlot(contextValue, work);
          }
        },
        async willSendResponse({ contextValue }) {
          releaseSlots(contextValue);
        },
      };
    },
  };
}

/**
 * A query operation reads from a replica when the request may (GraphQLContext.readSession) and one
 * is fresh enough; mutations stay on the primary, so what a mutation's payload reads after its
 * writes sees them. Subscriptions are not served here (http/subscriptions.ts, on the primary).
 * Known once the operation is parsed, and before any resolver runs.
 */
function readRoutingPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'query' || !contextValue.readSession) return;
          const replica = contextValue.readSession();
          if (replica) contextValue.em = replica;
        },
      };
    },
  };
}

/**
 * 503 for a response carrying UNAVAILABLE (the database is unreachable or too slow), 429 for
 * TOO_MANY_REQUESTS, with Retry-After (seconds) from the error. UNAVAILABLE wins over 429.
 */
function retryStatusPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          let status: number | undefined;
          let retryAfter = 0;
          for (const error of response.body.singleResult.errors ?? []) {
            const s = httpStatusOfCode(error.extensions?.code);
            if (s === undefined) continue;
            status = Math.max(status ?? 0, s);
            const seconds = error.extensions?.retryAfterSeconds;
            if (typeof seconds === 'number' && seconds > retryAfter) retryAfter = seconds;
          }
          if (status === undefined) return;
          response.http.status = status;
          response.http.headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
        },
      };
    },
  };
}

/** Logs unexpected errors with the request's logger (which stamps the request id); clients see them masked. */
function errorLogPlugin(log: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (!isInternalError(error)) continue;
            contextValue.log.error(
              { err: unwrapResolverError(error), path: error.path, operationName },
              'unexpected GraphQL error',
            );
          }
        },
      };
    },
    async contextCreationDidFail({ error }) {
      log.error({ err: error }, 'could not build the GraphQL request context');
    },
  };
}

/** Apollo Server over our schema; errors masked and coded, Apollo's hosted landing page off. */
export function createGraphQLServer(
  schema: GraphQLSchema,
  opts: GraphQLServerOptions,
): ApolloServer<GraphQLContext> {
  const perTenant = opts.tenantExpensiveConcurrency ?? 2;
  const slots = createTenantSlots(perTenant);
  return new ApolloServer<GraphQLContext>({
    schema,
    introspection: opts.introspection,
    // Shutdown is ours (serve.ts): Apollo's own SIGTERM handler stops it before the HTTP drain and
    // then re-raises the signal, which killed cluster workers with requests in flight.
    stopOnTerminationSignals: false,
    // Without introspection, "Did you mean …?" hints would reveal the schema's names.
    hideSchemaDetailsFromClientErrors: !opts.introspection,
    // Bounds parsing (and so validation) for everybody, before anything knows who is asking.
    parseOptions: { maxTokens: opts.maxTokens ?? 10_000 },
    includeStacktraceInErrorResponses: opts.exposeStack,
    // Our IDE is GraphiQL in the console (/console/graphql, bundled: these networks have no
    // internet), not Apollo's CDN landing page.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Responses are per credential and never HTTP-cached; the cache-control plugin would otherwise
      // wrap every field resolver (~20 % of the time of a 100-user page).
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(
        schema,
        { maxDepth: opts.maxDepth, maxCost: opts.maxCost, maxAliases: opts.maxAliases ?? 100 },
        opts.expensiveCost ?? 1000,
        slots,
        perTenant,
      ),
      readRoutingPlugin(),
      retryStatusPlugin(),
      errorLogPlugin(opts.log),
    ],
    formatError: createFormatError({ exposeStack: opts.exposeStack, hideSchemaDetails: !opts.introspection }),
  });
}
