import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { WebhookEndpoint as EndpointRecord } from '../../domain/webhooks/webhook.types';
import type {
  WebhookAttempt as AttemptRecord,
  WebhookDelivery as DeliveryRecord,
} from '../../domain/webhooks/webhook.types';
import { connectionType } from '../common/connection';

export enum WebhookEndpointStatus {
  ACTIVE = 'ACTIVE',
  FAILING = 'FAILING',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookEndpointStatus, {
  name: 'WebhookEndpointStatus',
  description: 'How an endpoint is doing.',
  valuesConfig: {
    ACTIVE: { description: 'Enabled, and its last attempt succeeded (or none was made yet).' },
    FAILING: { description: 'Enabled, but every attempt since failingSince failed; disabled after 3 days.' },
    DISABLED: { description: 'Receives nothing (see disabledReason) until enabled again.' },
  },
});

export enum WebhookDisabledReason {
  MANUAL = 'MANUAL',
  GONE = 'GONE',
  FAILING = 'FAILING',
}
registerEnumType(WebhookDisabledReason, {
  name: 'WebhookDisabledReason',
  valuesConfig: {
    MANUAL: { description: 'An administrator disabled it.' },
    GONE: { description: 'The receiver answered 410 Gone.' },
    FAILING: { description: 'Every attempt failed for 3 days.' },
  },
});

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  valuesConfig: {
    PENDING: {
      description: 'Waiting for its first attempt or a retry (or behind an earlier event of its subject).',
    },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: {
      description: 'Every attempt failed (or the receiver answered 410); redeliver it to try again.',
    },
    CANCELLED: { description: 'Not sent: the endpoint was disabled first.' },
  },
});

@ObjectType({ description: "Where your tenant's change events are sent, signed (docs/changes.md)." })
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field()
  description!: string;

  @Field(() => [String], { description: 'Event types sent (e.g. user.created); empty means every type.' })
  eventTypes!: string[];

  @Field()
  enabled!: boolean;

  @Field(() => WebhookEndpointStatus)
  status!: WebhookEndpointStatus;

  @Field(() => WebhookDisabledReason, { nullable: true })
  disabledReason!: WebhookDisabledReason | null;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Since when no attempt has succeeded.' })
  failingSince!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSuccessAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastFailureAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until then the previous secret signs too (two signatures in webhook-signature).',
  })
  previousSecretUntil!: Date | null;

  @Field(() => Int, { description: 'Deliveries waiting to be sent, retries included.' })
  pendingDeliveries!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class WebhookEndpointSecretPayload {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field({ description: 'The signing secret (whsec_…), shown only here.' })
  secret!: string;
}

@ObjectType({ description: 'One HTTP attempt of a delivery.' })
export class WebhookAttempt {
  @Field(() => ID)
  id!: string;

  @Field()
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status; null when no response came.' })
  status!: number | null;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'Why it failed: timeout, refused target, HTTP 503, …' })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'The start of the response body (at most 1 kB).' })
  responseExcerpt!: string | null;
}

@ObjectType({ description: 'One event sent (or to be sent) to one endpoint.' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field({ description: 'The webhook-id header: the same for every attempt and redelivery of the event.' })
  messageId!: string;

  @Field(() => ID, { nullable: true, description: "The change event's id; null for a test event." })
  eventId!: string | null;

  @Field()
  eventType!: string;

  @Field({ description: '<subject type>:<subject id>; deliveries of one subject go out in feed order.' })
  subjectKey!: string;

  @Field(() => WebhookDeliveryState)
  state!: WebhookDeliveryState;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attemptCount!: number;

  @Field(() => Date, { nullable: true, description: 'When it is due (pending deliveries).' })
  nextAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => ID, { nullable: true, description: 'The delivery this one sends again.' })
  redeliveryOf!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

export const WebhookDeliveryConnection = connectionType<WebhookDelivery>(
  'WebhookDelivery',
  () => WebhookDelivery,
  'webhook deliveries',
);

/** The GraphQL shape of an endpoint. */
export function toWebhookEndpoint(e: EndpointRecord): WebhookEndpoint {
  return {
    ...e,
    eventTypes: [...e.eventTypes],
    status: !e.enabled
      ? WebhookEndpointStatus.DISABLED
      : e.failingSince
        ? WebhookEndpointStatus.FAILING
        : WebhookEndpointStatus.ACTIVE,
    disabledReason: e.disabledReason ? (e.disabledReason.toUpperCase() as WebhookDisabledReason) : null,
  };
}

/** The GraphQL shape of a delivery. */
export function toWebhookDelivery(d: DeliveryRecord): WebhookDelivery {
  return { ...d, attemptCount: d.attempts, state: d.state.toUpperCase() as WebhookDeliveryState };
}

/** The GraphQL shape of an attempt. */
export function toWebhookAttempt(a: AttemptRecord): WebhookAttempt {
  return { ...a };
}
