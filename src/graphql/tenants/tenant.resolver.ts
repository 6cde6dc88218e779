import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { createTenant, listTenantPage, listTenants } from '../../domain/tenants/tenant.service';
import { pageArgs, toConnection, type Connection } from '../common/connection';
import { operatorCtx, type GraphQLContext } from '../context';
import { scimUrl } from '../urls';
import { CreateTenantInput, CreateTenantPayload, Tenant, TenantConnection } from './tenant.type';

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized('OPERATOR')
  @Query(() => [Tenant], {
    description: 'Every tenant (operator only). For screens and large fleets, page with tenantsConnection.',
  })
  tenants(@Ctx() ctx: GraphQLContext): Promise<Tenant[]> {
    return listTenants(operatorCtx(ctx));
  }

  @Authorized('OPERATOR')
  @Query(() => TenantConnection, {
    description: 'Tenants a page at a time, in slug order (operator only).',
  })
  async tenantsConnection(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Only tenants whose name contains this text or whose slug starts with it (any case).',
    })
    search?: string | null,
  ): Promise<Connection<Tenant>> {
    const page = pageArgs(info, first, after);
    const result = await listTenantPage(operatorCtx(ctx), {
      first: page.first,
      withTotal: page.withTotal,
      ...(page.after !== undefined ? { after: page.after } : {}),
      ...(search ? { search } : {}),
    });
    return toConnection(result, after);
  }

  @Authorized('OPERATOR')
  @Mutation(() => CreateTenantPayload, {
    description: 'Creates a tenant and its first SCIM Provisioning Secret Token.',
  })
  async createTenant(
    @Arg('input') input: CreateTenantInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateTenantPayload> {
    const { tenant, scimToken } = await createTenant(operatorCtx(ctx), input);
    return { tenant, scimToken, scimUrl: scimUrl(ctx.publicUrl, tenant.id) };
  }
}
