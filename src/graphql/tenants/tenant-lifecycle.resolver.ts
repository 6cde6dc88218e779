import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { operatorAuditEvents } from '../../domain/tenants/operator-audit';
import {
  deleteTenant,
  resumeTenant,
  suspendTenant,
  updateTenant,
} from '../../domain/tenants/tenant-lifecycle.service';
import { pageSize } from '../common/connection';
import { operatorCtx, type GraphQLContext } from '../context';
import { scimUrl } from '../urls';
import {
  DeleteTenantPayload,
  OperatorAuditEvent,
  UpdateTenantInput,
  UpdateTenantPayload,
} from './tenant-lifecycle.type';
import { Tenant } from './tenant.type';

/** The operator's tenant lifecycle: rename, suspend and resume, delete, and the record of it all. */
@Resolver(() => Tenant)
export class TenantLifecycleResolver {
  @FieldResolver(() => String, {
    description: "The tenant's SCIM Provisioning URL (Entra: Tenant URL); it names the tenant by id.",
  })
  scimUrl(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): string {
    return scimUrl(ctx.publicUrl, tenant.id);
  }

  @Authorized('OPERATOR')
  @Mutation(() => UpdateTenantPayload, {
    description:
      'Renames a tenant and/or changes its slug (operator only). A slug in use is TENANT_SLUG_TAKEN. The Provisioning URL names the tenant by id, so it does not change.',
  })
  async updateTenant(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UpdateTenantPayload> {
    const result = await updateTenant(operatorCtx(ctx), id, input);
    return { ...result, scimUrl: scimUrl(ctx.publicUrl, result.tenant.id) };
  }

  @Authorized('OPERATOR')
  @Mutation(() => Tenant, {
    description:
      'Suspends a tenant (operator only): at once and in every process, its SCIM requests are answered 403 and its API keys, JWTs and console sessions are refused (FORBIDDEN, reason TENANT_SUSPENDED). Nothing is deleted; the operator can still read it and resume it. Suspending again replaces the reason.',
  })
  suspendTenant(
    @Arg('id', () => ID) id: string,
    @Arg('reason', { description: 'Why (1-500 characters); shown to operators, never to Entra.' })
    reason: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Tenant> {
    return suspendTenant(operatorCtx(ctx), id, reason);
  }

  @Authorized('OPERATOR')
  @Mutation(() => Tenant, {
    description: 'Lifts a suspension (operator only); resuming an active tenant is harmless.',
  })
  resumeTenant(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Tenant> {
    return resumeTenant(operatorCtx(ctx), id);
  }

  @Authorized('OPERATOR')
  @Mutation(() => DeleteTenantPayload, {
    description:
      'Deletes a tenant and everything it owns, in one transaction (operator only), once confirmSlug repeats its slug exactly; answers with the counts removed. Irreversible. The operator record of it (operatorAuditEvents) survives.',
  })
  async deleteTenant(
    @Arg('id', () => ID) id: string,
    @Arg('confirmSlug', { description: "The tenant's slug, typed back exactly." }) confirmSlug: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeleteTenantPayload> {
    const { tenant, counts } = await deleteTenant(operatorCtx(ctx), id, confirmSlug);
    return { id: tenant.id, slug: tenant.slug, name: tenant.name, counts };
  }

  @Authorized('OPERATOR')
  @Query(() => [OperatorAuditEvent], {
    description:
      "The operator's lifecycle records of a tenant, newest first (operator only); also for a deleted tenant, by its id.",
  })
  operatorAuditEvents(
    @Arg('tenantId', () => ID) tenantId: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Default 50, at most 500.' })
    first?: number | null,
  ): Promise<OperatorAuditEvent[]> {
    return operatorAuditEvents(operatorCtx(ctx), tenantId.toLowerCase(), pageSize(first));
  }
}
