import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { GroupRecord } from '../../domain/groups/group.types';
import { connectionType } from '../common/connection';
import { Source } from '../common/enums';

@ObjectType({ description: 'A group of users and groups. The id is the same id the SCIM façade uses.' })
export class Group {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique in the tenant, compared case-insensitively.' })
  displayName!: string;

  @Field(() => String, { nullable: true, description: "The identity provider's id for the group." })
  externalId!: string | null;

  @Field(() => Source)
  source!: Source;

  @Field(() => Int, {
    description: 'Increases with every change; pass it to updateGroup to avoid lost updates.',
  })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

/** The GraphQL shape of a domain group. */
export function toGroup(g: GroupRecord): Group {
  return {
    id: g.id,
    displayName: g.displayName,
    externalId: g.externalId,
    source: g.source === 'API' ? Source.API : Source.SCIM,
    version: g.version,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

export const GroupConnection = connectionType<Group>('Group', () => Group, 'groups');
