import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker';
import { resolvers } from './resolvers';

/** Builds the executable schema from the resolver classes. */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, authChecker, validate: false, emitSchemaFile: false });
}
