import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../http/logger';
import type { GraphQLContext } from './context';
import { createFormatError } from './errors';

export interface GraphQLServerOptions {
  introspection: boolean;
  exposeStack: boolean;
  log: Logger;
}

/** Apollo Server over our schema; errors masked and coded, Apollo's hosted landing page off. */
export function createGraphQLServer(
  schema: GraphQLSchema,
  opts: GraphQLServerOptions,
): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    introspection: opts.introspection,
    includeStacktraceInErrorResponses: opts.exposeStack,
    // Our IDE is served from local files (these networks have no internet), not Apollo's CDN page.
    plugins: [ApolloServerPluginLandingPageDisabled()],
    formatError: createFormatError({
      exposeStack: opts.exposeStack,
      onInternal: (err) => opts.log.error({ err }, 'unexpected GraphQL error'),
    }),
  });
}
