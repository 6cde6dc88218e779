import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Int, Query, Resolver } from 'type-graphql';
import { listProvisioningActivity } from '../../domain/provisioning/provisioning-activity.service';
import { connectionStatus, provisioningHealth } from '../../domain/provisioning/provisioning-health.service';
import { afterCursor, badInput, selects, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { Provisioning } from './admin.type';
import {
  ProvisioningActivityConnection,
  ProvisioningActivityEntry,
  ProvisioningActivityFilter,
  ProvisioningConnectionStatus,
  ProvisioningHealth,
  toActivityEntry,
  type ConnectionState,
  type QuarantineRisk,
} from './provisioning-activity.type';

const MAX_ACTIVITY_PAGE = 200;

@Resolver(() => Provisioning)
export class ProvisioningActivityResolver {
  @Authorized('TENANT_ADMIN')
  @Query(() => ProvisioningActivityConnection, {
    description:
      "Your tenant's SCIM requests, newest first, keyset-paged (first: default 50, at most 200). totalCount counts every matching entry.",
  })
  async provisioningActivity(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => ProvisioningActivityFilter, { nullable: true })
    filter?: ProvisioningActivityFilter | null,
  ): Promise<Connection<ProvisioningActivityEntry>> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_ACTIVITY_PAGE) {
      throw badInput(`first must be between 0 and ${MAX_ACTIVITY_PAGE} (got ${first}).`, 'first');
    }
    const f = filter ?? {};
    const search = f.search?.trim();
    const page = await listProvisioningActivity(tenantCtx(ctx), {
      first,
      ...(afterCursor(after) ? { after: afterCursor(after)! } : {}),
      withTotal: selects(info, 'totalCount'),
      filter: {
        ...(f.from ? { from: f.from } : {}),
        ...(f.to ? { to: f.to } : {}),
        ...(f.outcome ? { outcome: f.outcome } : {}),
        ...(f.operation ? { operation: f.operation } : {}),
        ...(f.resourceType ? { resourceType: f.resourceType } : {}),
        ...(search ? { search } : {}),
      },
    });
    return toConnection(page, after, toActivityEntry);
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => ProvisioningHealth, {
    description: "Your tenant's SCIM request and failure counts, and how close Entra is to quarantine.",
  })
  async provisioningHealth(@Ctx() ctx: GraphQLContext): Promise<ProvisioningHealth> {
    const h = await provisioningHealth(tenantCtx(ctx));
    return { ...h, quarantineRisk: h.quarantineRisk as QuarantineRisk };
  }

  @FieldResolver(() => ProvisioningConnectionStatus, {
    description: "Whether Entra's Test Connection and first writes have arrived; users and groups so far.",
  })
  async connection(@Ctx() ctx: GraphQLContext): Promise<ProvisioningConnectionStatus> {
    const s = await connectionStatus(tenantCtx(ctx));
    return { ...s, state: s.state as ConnectionState };
  }
}
