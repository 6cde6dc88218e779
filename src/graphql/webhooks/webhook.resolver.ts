import { Arg, Authorized, Ctx, Float, ID, Mutation, Query, Resolver } from 'type-graphql';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookTargetPolicy,
} from '../../domain/webhooks/webhook.endpoint.service';
import { tenantCtx, type GraphQLContext } from '../context';
import { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './webhook.input';
import { toWebhookEndpoint, WebhookEndpoint, WebhookEndpointSecretPayload } from './webhook.type';

const policy = (ctx: GraphQLContext): WebhookTargetPolicy => ({
  allowPrivate: ctx.webhookTargets?.allowPrivate === true,
});

/** The fields an update names (null and absent both mean "leave it"). */
function changes(input: UpdateWebhookEndpointInput): Partial<WebhookEndpointInput> {
  return {
    ...(input.url != null ? { url: input.url } : {}),
    ...(input.description != null ? { description: input.description } : {}),
    ...(input.eventTypes != null ? { eventTypes: input.eventTypes } : {}),
    ...(input.enabled != null ? { enabled: input.enabled } : {}),
  };
}

@Resolver()
export class WebhookResolver {
  @Authorized('TENANT_ADMIN')
  @Query(() => [WebhookEndpoint], {
    description: "Your tenant's webhook endpoints, oldest first, with status.",
  })
  async webhookEndpoints(@Ctx() ctx: GraphQLContext): Promise<WebhookEndpoint[]> {
    return (await listWebhookEndpoints(tenantCtx(ctx))).map(toWebhookEndpoint);
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => WebhookEndpoint)
  async webhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(await getWebhookEndpoint(tenantCtx(ctx), id));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookEndpointSecretPayload, {
    description:
      'Adds an endpoint; it receives the events committed from now on. The secret is shown only here.',
  })
  async createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookEndpointSecretPayload> {
    const created = await createWebhookEndpoint(
      tenantCtx(ctx),
      {
        url: input.url,
        ...(input.description != null ? { description: input.description } : {}),
        ...(input.eventTypes != null ? { eventTypes: input.eventTypes } : {}),
        ...(input.enabled != null ? { enabled: input.enabled } : {}),
      },
      policy(ctx),
    );
    return { endpoint: toWebhookEndpoint(created.endpoint), secret: created.secret };
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookEndpoint)
  async updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(await updateWebhookEndpoint(tenantCtx(ctx), id, changes(input), policy(ctx)));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookEndpoint, { description: 'Deletes an endpoint with its delivery log.' })
  async deleteWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(await deleteWebhookEndpoint(tenantCtx(ctx), id));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookEndpointSecretPayload, {
    description:
      'Gives the endpoint a new secret, shown only here; the old one keeps signing too for overlapHours (default 24).',
  })
  async rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Arg('overlapHours', () => Float, { defaultValue: 24 }) overlapHours: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookEndpointSecretPayload> {
    const rotated = await rotateWebhookSecret(tenantCtx(ctx), id, overlapHours);
    return { endpoint: toWebhookEndpoint(rotated.endpoint), secret: rotated.secret };
  }
}
