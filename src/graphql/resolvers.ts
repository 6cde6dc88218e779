import type { NonEmptyArray } from 'type-graphql';
import { TenantResolver } from './tenants/tenant.resolver';

/** Every resolver class of the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver list type
export const resolvers: NonEmptyArray<Function> = [TenantResolver];
