import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Int, registerEnumType, Resolver, Root } from 'type-graphql';
import {
  FAILING_RATE,
  tenantOverviews,
  WARNING_RATE,
  type TenantOverview,
} from '../../domain/provisioning/provisioning-health.service';
import { operatorCtx, type GraphQLContext } from '../context';
import { Tenant } from './tenant.type';

export enum TenantHealth {
  HEALTHY = 'HEALTHY',
  WARNING = 'WARNING',
  FAILING = 'FAILING',
  IDLE = 'IDLE',
}
registerEnumType(TenantHealth, {
  name: 'TenantHealth',
  description: "A tenant's provisioning health from its SCIM requests of the last 24 hours.",
  valuesConfig: {
    HEALTHY: { description: `At most ${WARNING_RATE * 100} % of requests failed (status 400 or more).` },
    WARNING: { description: `More than ${WARNING_RATE * 100} % and at most ${FAILING_RATE * 100} % failed.` },
    FAILING: {
      description: `More than ${FAILING_RATE * 100} % failed (Entra's quarantine risk starts here).`,
    },
    IDLE: { description: 'No SCIM request in the last 24 hours.' },
  },
});

/** Operator fields of a tenant: one statement for every tenant of the list (a DataLoader). */
@Resolver(() => Tenant)
export class TenantOverviewResolver {
  @FieldResolver(() => Int)
  async userCount(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await overview(ctx, tenant.id)).userCount;
  }

  @FieldResolver(() => Int)
  async groupCount(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await overview(ctx, tenant.id)).groupCount;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'The last SCIM request (within the log retention).',
  })
  async lastRequestAt(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<Date | null> {
    return (await overview(ctx, tenant.id)).lastRequestAt;
  }

  @FieldResolver(() => TenantHealth)
  async health(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<TenantHealth> {
    return (await overview(ctx, tenant.id)).health as TenantHealth;
  }
}

const EMPTY: TenantOverview = { userCount: 0, groupCount: 0, lastRequestAt: null, health: 'IDLE' };

function overview(ctx: GraphQLContext, tenantId: string): Promise<TenantOverview> {
  let loader = ctx.loaders.get('tenantOverview') as DataLoader<string, TenantOverview> | undefined;
  if (!loader) {
    const octx = operatorCtx(ctx);
    loader = new DataLoader(async (ids) => {
      const found = await tenantOverviews(octx, ids);
      return ids.map((id) => found.get(id) ?? EMPTY);
    });
    ctx.loaders.set('tenantOverview', loader);
  }
  return loader.load(tenantId);
}
