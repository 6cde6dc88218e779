import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Tenant } from './tenant.type';

@InputType()
export class UpdateTenantInput {
  @Field(() => String, { nullable: true, description: 'A new name (1-200 characters); omitted: unchanged.' })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A new slug, validated as in createTenant (lower-case letters, digits and hyphens; unique); omitted: unchanged.',
  })
  slug?: string | null;
}

@ObjectType()
export class UpdateTenantPayload {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field({ description: 'The slug before this change (the same when it did not change).' })
  previousSlug!: string;

  @Field(() => [String], { description: 'What changed: slug, name, both, or nothing.' })
  changedFields!: string[];

  @Field({
    description:
      "The tenant's SCIM Provisioning URL. It names the tenant by id, not by slug, so a new slug or name changes neither it nor anything Entra uses: nothing to update in Entra.",
  })
  scimUrl!: string;
}

@ObjectType({ description: 'How many rows of each kind deleteTenant removed.' })
export class TenantDeletionCounts {
  @Field(() => Int) users!: number;
  @Field(() => Int) groups!: number;
  @Field(() => Int, { description: 'Group memberships (direct).' }) memberships!: number;
  @Field(() => Int, { description: 'Membership history intervals.' }) membershipHistory!: number;
  @Field(() => Int, { description: "Deleted groups' archived memberships (for history)." })
  deletedGroupMemberships!: number;
  @Field(() => Int) roles!: number;
  @Field(() => Int) roleAssignments!: number;
  @Field(() => Int) scimTokens!: number;
  @Field(() => Int) apiKeys!: number;
  @Field(() => Int, { description: 'SCIM provisioning-log entries.' }) provisioningLog!: number;
  @Field(() => Int, { description: 'Audit and change-feed events.' }) auditEvents!: number;
  @Field(() => Int, { description: 'Restorable deleted users.' }) deletedUsers!: number;
  @Field(() => Int, { description: 'Restorable deleted groups.' }) deletedGroups!: number;
  @Field(() => Int, { description: 'Disable/delete records of the mass-deprovisioning alert.' })
  deprovisioningRecords!: number;
  @Field(() => Int) webhookEndpoints!: number;
  @Field(() => Int) webhookDeliveries!: number;
  @Field(() => Int) webhookAttempts!: number;
  @Field(() => Int, { description: "Its administrators' console sessions." }) consoleSessions!: number;
  @Field(() => Int) setupLinks!: number;
}

@ObjectType()
export class DeleteTenantPayload {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field(() => TenantDeletionCounts)
  counts!: TenantDeletionCounts;
}

@ObjectType({
  description:
    "The operator's record of a lifecycle action on a tenant. Kept apart from the tenant's data, so it outlives the tenant and the change feed's retention.",
})
export class OperatorAuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field({ description: 'The slug when it happened.' })
  tenantSlug!: string;

  @Field({ description: 'The name when it happened.' })
  tenantName!: string;

  @Field({ description: 'Who acted (operator:operator).' })
  actor!: string;

  @Field({
    description:
      'tenant.updated, tenant.suspended, tenant.resumed, tenant.deleted, scim_token.rotated or scim_token.revoked.',
  })
  action!: string;

  @Field(() => GraphQLJSON, { description: 'What it did: changes, reason, token ids, deletion counts.' })
  details!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field()
  createdAt!: Date;
}
