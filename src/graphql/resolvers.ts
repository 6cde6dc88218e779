import type { NonEmptyArray } from 'type-graphql';
import { AdminResolver } from './admin/admin.resolver';
import { ProvisioningLogResolver } from './admin/provisioning-log.resolver';
import { GroupMutationResolver } from './groups/group.mutations';
import { GroupResolver } from './groups/group.resolver';
import { MembershipResolver } from './memberships/membership.resolver';
import { RoleResolver } from './roles/role.resolver';
import { SessionResolver } from './console/session.resolver';
import { TenantResolver } from './tenants/tenant.resolver';
import { UserMutationResolver } from './users/user.mutations';
import { UserResolver } from './users/user.resolver';

/** Every resolver class of the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver list type
export const resolvers: NonEmptyArray<Function> = [
  TenantResolver,
  AdminResolver,
  ProvisioningLogResolver,
  UserResolver,
  UserMutationResolver,
  GroupResolver,
  GroupMutationResolver,
  MembershipResolver,
  RoleResolver,
  SessionResolver,
];
