import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { createTenant, listTenants } from '../../domain/tenants/tenant.service';
import { operatorCtx, type GraphQLContext } from '../context';
import { scimUrl } from '../urls';
import { CreateTenantInput, CreateTenantPayload, Tenant } from './tenant.type';

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized('OPERATOR')
  @Query(() => [Tenant], { description: 'Every tenant (operator only).' })
  tenants(@Ctx() ctx: GraphQLContext): Promise<Tenant[]> {
    return listTenants(operatorCtx(ctx));
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
