import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

/** A schema whose fields each run one of `resolvers` (for testing server-level behaviour). */
export function makeExecutableSchemaLike(resolvers: Record<string, () => unknown>): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: Object.fromEntries(
        Object.entries(resolvers).map(([name, resolve]) => [name, { type: GraphQLString, resolve }]),
      ),
    }),
  });
}
