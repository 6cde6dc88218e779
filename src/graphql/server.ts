import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { validate, type GraphQLSchema } from 'graphql';
import type { Logger } from '../http/logger';
import type { GraphQLContext } from './context';
import { createFormatError, isInternalError } from './errors';
import { costLimitRule, depthLimitRule } from './limits';

export interface GraphQLServerOptions {
  introspection: boolean;
  exposeStack: boolean;
  maxDepth: number;
  maxCost: number;
  /** The process logger, for failures before a request has its own (context creation). */
  log: Logger;
}

/** Depth and cost limits, checked with the request's variables before anything executes. */
function limitsPlugin(
  schema: GraphQLSchema,
  maxDepth: number,
  maxCost: number,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const errors = validate(schema, document, [
            depthLimitRule(maxDepth),
            costLimitRule(maxCost, request.variables ?? {}),
          ]);
          if (errors[0]) throw errors[0];
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
  return new ApolloServer<GraphQLContext>({
    schema,
    introspection: opts.introspection,
    // Shutdown is ours (serve.ts): Apollo's own SIGTERM handler stops it before the HTTP drain and
    // then re-raises the signal, which killed cluster workers with requests in flight.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: opts.exposeStack,
    // Our IDE is served from local files (these networks have no internet), not Apollo's CDN page.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Responses are per credential and never HTTP-cached; the cache-control plugin would otherwise
      // wrap every field resolver (~20 % of the time of a 100-user page).
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(schema, opts.maxDepth, opts.maxCost),
      errorLogPlugin(opts.log),
    ],
    formatError: createFormatError({ exposeStack: opts.exposeStack }),
  });
}
