import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { ChangeRecord } from '../../domain/changes/change.types';
import { connectionType } from '../common/connection';

@ObjectType({ description: 'Who made a change.' })
export class ChangeActor {
  @Field({ description: 'operator, scim, apiKey, jwt or session.' })
  kind!: string;

  @Field({ description: 'The SCIM token or API key id, JWT subject, console session id, or "operator".' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The SCIM token\'s or API key\'s name, "console session" or "operator", when known.',
  })
  name!: string | null;
}

@ObjectType({ description: 'What a change is about.' })
export class ChangeSubject {
  @Field({ description: 'User, Group, Credential, Role, Tenant or SetupLink.' })
  type!: string;

  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "One event of your tenant's change feed (see docs/changes.md)." })
export class Change {
  @Field(() => ID, { description: 'Unique; not an order (the feed is ordered by cursor).' })
  id!: string;

  @Field({
    description:
      'user.created, user.updated, user.disabled, user.enabled, user.deleted, group.created, group.updated, ' +
      'group.deleted, group.member_added, group.member_removed, role.assigned, role.unassigned, ' +
      'scim_token.created, scim_token.revoked, … (ignore types you do not know).',
  })
  type!: string;

  @Field({ description: 'When the change was made (its transaction began).' })
  occurredAt!: Date;

  @Field(() => ChangeActor)
  actor!: ChangeActor;

  @Field(() => String, { nullable: true, description: 'The X-Request-Id of the request that made it.' })
  requestId!: string | null;

  @Field(() => ChangeSubject)
  subject!: ChangeSubject;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "The subject's full state after the change (its last state, for a deletion).",
  })
  data!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'For updates: what changed, { "<field>": { "old": …, "new": … } }.',
  })
  changes!: Record<string, unknown> | null;

  @Field({ description: "This event's position: pass it as after to continue behind it." })
  cursor!: string;
}

export const ChangeConnection = connectionType<Change>('Change', () => Change, 'changes');

/** The GraphQL shape of a domain change event. */
export function toChange(c: ChangeRecord): Change {
  return { ...c, actor: { ...c.actor }, subject: { ...c.subject } };
}
