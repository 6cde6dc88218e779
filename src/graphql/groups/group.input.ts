import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateGroupInput {
  @Field({ description: 'Unique in the tenant, compared case-insensitively.' })
  displayName!: string;

  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Initial members: user or group ids of the tenant.' })
  memberIds?: string[] | null;
}

@InputType({ description: 'Omitted fields are left as they are.' })
export class UpdateGroupInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'null clears it.' })
  externalId?: string | null;
}
