import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from './auth-checker';
import { resolvers } from './resolvers';

/**
 * type-graphql insists on a PubSub once there is a subscription, but ours (directoryChanges) gives
 * its own `subscribe`: events come from PostgreSQL (LISTEN/NOTIFY and the feed), never from an
 * in-process topic, which would not reach the other worker processes. Topics are refused.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('Subscriptions here read the change feed; there are no in-process topics.');
  },
  subscribe: () => {
    throw new Error('Subscriptions here read the change feed; there are no in-process topics.');
  },
};

/** Builds the executable schema from the resolver classes. */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, authChecker, validate: false, emitSchemaFile: false, pubSub: NO_TOPICS });
}
