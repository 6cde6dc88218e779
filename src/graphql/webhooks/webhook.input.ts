import { Field, InputType } from 'type-graphql';

@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: 'An https (or http) URL; loopback, private and link-local targets are refused.' })
  url!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Event types to send (e.g. user.created, group.member_added); omitted or empty: every type.',
  })
  eventTypes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  eventTypes?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'false stops deliveries and cancels pending ones; true starts again from now (send missed events with redeliverWebhooks).',
  })
  enabled?: boolean | null;
}

@InputType({ description: 'A range of the change feed: cursors of the changes connection, times, or both.' })
export class WebhookRedeliveryRange {
  @Field(() => String, { nullable: true, description: 'Events after this change cursor.' })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Events up to and including this change cursor.' })
  until?: string | null;

  @Field(() => Date, { nullable: true, description: 'Events that occurred at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Events that occurred before this time.' })
  to?: Date | null;
}
