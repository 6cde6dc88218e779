import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "A single-use link that signs a tenant's administrator in to the console." })
export class SetupLink {
  @Field({ description: 'The link to hand over, shown only here: PUBLIC_URL/console/setup/<secret>.' })
  url!: string;

  @Field({ description: 'After this the link no longer works.' })
  expiresAt!: Date;
}
