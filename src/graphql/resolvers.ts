import type { NonEmptyArray } from 'type-graphql';
import { AdminResolver } from './admin/admin.resolver';
import { ProvisioningActivityResolver } from './admin/provisioning-activity.resolver';
import { ProvisioningLogResolver } from './admin/provisioning-log.resolver';
import { DeletedResolver } from './deleted/deleted.resolver';
import { ChangeResolver } from './changes/change.resolver';
import { GroupMutationResolver } from './groups/group.mutations';
import { GroupResolver } from './groups/group.resolver';
import { GroupPathsResolver } from './memberships/group-paths.resolver';
import { MembershipHistoryResolver } from './memberships/membership-history.resolver';
import { MembershipResolver } from './memberships/membership.resolver';
import { RoleResolver } from './roles/role.resolver';
import { RoleUsersResolver } from './roles/role-users.resolver';
import { SessionResolver } from './console/session.resolver';
import { MassDeprovisioningResolver } from './tenants/mass-deprovisioning.resolver';
import { TenantLifecycleResolver } from './tenants/tenant-lifecycle.resolver';
import { TenantOverviewResolver } from './tenants/tenant-overview.resolver';
import { TenantResolver } from './tenants/tenant.resolver';
import { UserMutationResolver } from './users/user.mutations';
import { UserAuditResolver } from './users/user-audit.resolver';
import { UserResolver } from './users/user.resolver';
import { WebhookDeliveryResolver } from './webhooks/webhook-delivery.resolver';
import { WebhookResolver } from './webhooks/webhook.resolver';

/** Every resolver class of the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver list type
export const resolvers: NonEmptyArray<Function> = [
  TenantResolver,
  TenantOverviewResolver,
  TenantLifecycleResolver,
  AdminResolver,
  ProvisioningLogResolver,
  ProvisioningActivityResolver,
  UserResolver,
  UserAuditResolver,
  UserMutationResolver,
  GroupResolver,
  GroupMutationResolver,
  MembershipResolver,
  MembershipHistoryResolver,
  GroupPathsResolver,
  RoleResolver,
  RoleUsersResolver,
  SessionResolver,
  DeletedResolver,
  MassDeprovisioningResolver,
  ChangeResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
];
