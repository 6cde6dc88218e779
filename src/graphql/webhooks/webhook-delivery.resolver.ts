import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { decodeChangeCursor } from '../../domain/changes/change.queries';
import {
  getWebhookDelivery,
  listWebhookAttempts,
  listWebhookDeliveries,
  redeliverWebhook,
  redeliverWebhooks,
  sendTestWebhook,
} from '../../domain/webhooks/webhook.delivery.service';
import type { WebhookDeliveryState as DeliveryStateRecord } from '../../domain/webhooks/webhook.types';
import { pageArgs, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { WebhookRedeliveryRange } from './webhook.input';
import {
  toWebhookAttempt,
  toWebhookDelivery,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryState,
} from './webhook.type';

const ATTEMPTS = 'webhookAttempts';

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @Authorized('TENANT_ADMIN')
  @Query(() => WebhookDeliveryConnection, {
    description: "An endpoint's deliveries, newest first: the delivery log.",
  })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('state', () => WebhookDeliveryState, { nullable: true }) state?: WebhookDeliveryState | null,
  ): Promise<Connection<WebhookDelivery>> {
    const page = pageArgs(info, first, after);
    const result = await listWebhookDeliveries(tenantCtx(ctx), endpointId, {
      first: page.first,
      withTotal: page.withTotal,
      ...(page.after ? { after: page.after } : {}),
      ...(state ? { state: state.toLowerCase() as DeliveryStateRecord } : {}),
    });
    return toConnection(result, page.after, toWebhookDelivery);
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => WebhookDelivery)
  async webhookDelivery(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookDelivery> {
    return toWebhookDelivery(await getWebhookDelivery(tenantCtx(ctx), id));
  }

  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, oldest first.' })
  async attempts(@Root() delivery: WebhookDelivery, @Ctx() ctx: GraphQLContext): Promise<WebhookAttempt[]> {
    // One statement for every delivery of the page.
    let loader = ctx.loaders.get(ATTEMPTS) as DataLoader<string, WebhookAttempt[]> | undefined;
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const byDelivery = await listWebhookAttempts(tenantCtx(ctx), ids);
        return ids.map((id) => (byDelivery.get(id) ?? []).map(toWebhookAttempt));
      });
      ctx.loaders.set(ATTEMPTS, loader);
    }
    return loader.load(delivery.id);
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookDelivery, {
    description: 'Sends a webhook.test event to the endpoint (tried once).',
  })
  async sendTestWebhook(
    @Arg('endpointId', () => ID) endpointId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookDelivery> {
    return toWebhookDelivery(await sendTestWebhook(tenantCtx(ctx), endpointId));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => WebhookDelivery, {
    description: "Sends a delivery's event again (same webhook-id), behind its subject's queued deliveries.",
  })
  async redeliverWebhook(
    @Arg('deliveryId', () => ID) deliveryId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookDelivery> {
    return toWebhookDelivery(await redeliverWebhook(tenantCtx(ctx), deliveryId));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => Int, {
    description:
      "Queues the endpoint's events of a feed range again, in feed order (at most 10,000 per call); returns how many.",
  })
  async redeliverWebhooks(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('range', () => WebhookRedeliveryRange) range: WebhookRedeliveryRange,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    return redeliverWebhooks(tenantCtx(ctx), endpointId, {
      ...(range.after ? { after: decodeChangeCursor(range.after) } : {}),
      ...(range.until ? { until: decodeChangeCursor(range.until) } : {}),
      ...(range.from ? { from: range.from } : {}),
      ...(range.to ? { to: range.to } : {}),
    });
  }
}
