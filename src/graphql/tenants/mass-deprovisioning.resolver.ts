import {
  Arg,
  Authorized,
  Ctx,
  Field,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import type { OperatorContext } from '../../domain/context';
import {
  getMassDeprovisioningSettings,
  setMassDeprovisioningSettings,
} from '../../domain/deprovisioning/mass-deprovisioning.service';
import { DomainError } from '../../domain/errors';
import { badInput } from '../common/connection';
import { operatorCtx, principalOf, tenantCtx, type GraphQLContext } from '../context';

@ObjectType({
  description:
    'When a tenant is alerted of mass deprovisioning: more than percent of its active users, and at least minUsers, disabled or deleted within an hour. The alert is a directory.mass_deprovisioning audit event and a logged warning; Entra is never refused.',
})
export class MassDeprovisioningAlert {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => Float, { description: 'Percent of active users (default 10).' })
  percent!: number;

  @Field(() => Int, { description: 'At least this many users (default 20).' })
  minUsers!: number;

  @Field(() => Date, { nullable: true, description: 'When it last fired (at most once an hour).' })
  lastAlertAt!: Date | null;
}

@InputType()
export class MassDeprovisioningAlertInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The operator names the tenant (or acts in it); a tenant admin sets its own.',
  })
  tenantId?: string | null;

  @Field(() => Float, { nullable: true, description: 'More than 0, at most 100; omitted: unchanged.' })
  percent?: number | null;

  @Field(() => Int, { nullable: true, description: 'At least 1; omitted: unchanged.' })
  minUsers?: number | null;
}

/** The tenant a call is about, and the context to act in: the operator names it, a tenant admin is in it. */
function target(
  ctx: GraphQLContext,
  tenantId: string | null | undefined,
): { tenantId: string; actor: OperatorContext } {
  const principal = principalOf(ctx);
  if (principal.kind === 'operator') {
    const wanted = tenantId ?? ctx.actingTenantId;
    if (!wanted) throw badInput('tenantId is required when the operator asks.', 'tenantId');
    return { tenantId: wanted.toLowerCase(), actor: operatorCtx(ctx) };
  }
  const dctx = tenantCtx(ctx);
  if (tenantId && tenantId.toLowerCase() !== dctx.tenantId) {
    throw new DomainError('FORBIDDEN', 'A tenant credential can only see and set its own tenant’s alert.');
  }
  return { tenantId: dctx.tenantId, actor: dctx };
}

@Resolver()
export class MassDeprovisioningResolver {
  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Query(() => MassDeprovisioningAlert, { description: "A tenant's mass-deprovisioning alert thresholds." })
  async massDeprovisioningAlert(
    @Ctx() ctx: GraphQLContext,
    @Arg('tenantId', () => ID, { nullable: true }) tenantId?: string | null,
  ): Promise<MassDeprovisioningAlert> {
    const t = target(ctx, tenantId);
    return { tenantId: t.tenantId, ...(await getMassDeprovisioningSettings(t.actor, t.tenantId)) };
  }

  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Mutation(() => MassDeprovisioningAlert, {
    description: "Sets a tenant's mass-deprovisioning alert thresholds (omitted ones stay as they are).",
  })
  async setMassDeprovisioningAlert(
    @Arg('input', () => MassDeprovisioningAlertInput) input: MassDeprovisioningAlertInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MassDeprovisioningAlert> {
    const t = target(ctx, input.tenantId);
    const settings = await setMassDeprovisioningSettings(t.actor, t.tenantId, {
      ...(input.percent != null ? { percent: input.percent } : {}),
      ...(input.minUsers != null ? { minUsers: input.minUsers } : {}),
    });
    return { tenantId: t.tenantId, ...settings };
  }
}
