import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../common/connection';

@ObjectType({
  description:
    'A user deleted within the retention period (DELETED_RETENTION_DAYS): gone from SCIM and GraphQL, restorable with restoreUser.',
})
export class DeletedUser {
  @Field(() => ID, { description: 'The id it had, and gets back when restored.' })
  id!: string;

  @Field()
  userName!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field({ description: 'Whether it was active when deleted (it comes back so).' })
  active!: boolean;

  @Field(() => [String], { description: 'Values of the roles it held; they come back with it.' })
  roles!: string[];

  @Field(() => Int, {
    description: 'Direct groups it was in; it comes back into those that still exist.',
  })
  groupCount!: number;

  @Field()
  deletedAt!: Date;

  @Field({ description: 'Who deleted it, as audit events name actors (e.g. scim:<token id>).' })
  deletedBy!: string;

  @Field(() => String, { nullable: true, description: 'The request that deleted it (X-Request-Id).' })
  requestId!: string | null;
}

@ObjectType({ description: 'A group deleted within the retention period, restorable with restoreGroup.' })
export class DeletedGroup {
  @Field(() => ID)
  id!: string;

  @Field()
  displayName!: string;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => Int, { description: 'Direct members it had; those that still exist come back.' })
  memberCount!: number;

  @Field(() => Int, { description: 'Groups it was a direct member of.' })
  parentCount!: number;

  @Field()
  deletedAt!: Date;

  @Field()
  deletedBy!: string;

  @Field(() => String, { nullable: true })
  requestId!: string | null;
}

export const DeletedUserConnection = connectionType<DeletedUser>(
  'DeletedUser',
  () => DeletedUser,
  'deleted users',
);
export const DeletedGroupConnection = connectionType<DeletedGroup>(
  'DeletedGroup',
  () => DeletedGroup,
  'deleted groups',
);

@ObjectType({ description: 'A deleted user restoreUsers could not bring back.' })
export class RestoreConflict {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Its userName.' })
  name!: string;

  @Field({ description: 'Why, naming the clash.' })
  message!: string;

  @Field(() => ID, { nullable: true, description: 'The live user now holding the userName.' })
  conflictingId!: string | null;
}

@ObjectType({ description: 'What restoreUsers did.' })
export class RestoreUsersPayload {
  @Field(() => Int, { description: 'Deleted users restored.' })
  restored!: number;

  @Field(() => Int, { description: 'Disabled users made active again.' })
  reenabled!: number;

  @Field(() => [RestoreConflict], {
    description: 'Deleted users left deleted because their userName is taken; they stay restorable.',
  })
  conflicts!: RestoreConflict[];
}
