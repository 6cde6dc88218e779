import { Arg, Authorized, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { listProvisioning } from '../../domain/provisioning/provisioning-log.service';
import { badInput } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';

@ObjectType({ description: 'One SCIM request from Entra, as the provisioning log recorded it.' })
export class ProvisioningLogEntry {
  @Field(() => ID)
  id!: string;

  @Field()
  createdAt!: Date;

  @Field({ description: 'Correlates with the X-Request-Id response header and service logs.' })
  requestId!: string;

  @Field()
  method!: string;

  @Field({ description: 'Path below the Provisioning URL, e.g. /Users/<id>.' })
  path!: string;

  @Field(() => Int)
  status!: number;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => String, { nullable: true, description: 'The SCIM error detail Entra was given, if any.' })
  errorDetail!: string | null;

  @Field(() => [String], {
    description: 'Non-fatal problems, e.g. member ids skipped because they are not in this tenant.',
  })
  warnings!: string[];

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The request body (secrets removed; very large bodies truncated).',
  })
  operations!: unknown;
}

@Resolver()
export class ProvisioningLogResolver {
  @Authorized('TENANT_ADMIN')
  @Query(() => [ProvisioningLogEntry], {
    description: "Your tenant's most recent SCIM requests, newest first (at most 500).",
    deprecationReason:
      'Use provisioningActivity: filters, keyset paging and the resource each request touched.',
  })
  async provisioningLog(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('problemsOnly', () => Boolean, {
      defaultValue: false,
      description: 'Only failed requests and requests with warnings.',
    })
    problemsOnly: boolean,
  ): Promise<ProvisioningLogEntry[]> {
    if (first < 1 || first > 500) throw badInput('first must be between 1 and 500.');
    const dctx = tenantCtx(ctx);
    const entries = await listProvisioning(dctx.em, dctx.tenantId, first, problemsOnly);
    return entries.map((e) => ({ ...e, warnings: [...e.warnings] }));
  }
}
