import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import {
  membershipHistory,
  type MembershipInterval as IntervalRecord,
} from '../../domain/memberships/membership.history';
import {
  afterCursor,
  badInput,
  connectionType,
  pageSize,
  selects,
  toConnection,
  type Connection,
} from '../common/connection';
import { MemberKind } from '../common/enums';
import { tenantCtx, type GraphQLContext } from '../context';
import { Group, toGroup } from '../groups/group.type';
import { loadersOf } from '../loaders';
import { toUser, type User } from '../users/user.type';
import { Member } from './member.type';

@ObjectType({
  description:
    'One direct membership while it lasted: the member was in the group from validFrom (included) to validTo (excluded).',
})
export class MembershipInterval {
  @Field(() => ID)
  groupId!: string;

  @Field(() => String, {
    nullable: true,
    description: "The group's displayName now, or the last one it had when it has been deleted since.",
  })
  groupDisplayName!: string | null;

  @Field(() => ID)
  memberId!: string;

  @Field(() => MemberKind)
  memberKind!: MemberKind;

  @Field({ description: 'When the member was added (the adding transaction’s time).' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true, description: 'When the member was removed; null while it lasts.' })
  validTo!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Who added it, as audit events name actors (scim:<token id>, apiKey:<key id>, …); null for memberships older than the history.',
  })
  addedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'The X-Request-Id of the request that added it.' })
  addedRequestId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Who removed it (also when the member or group was deleted).',
  })
  removedBy!: string | null;

  @Field(() => String, { nullable: true })
  removedRequestId!: string | null;
}

const MembershipIntervalConnection = connectionType<MembershipInterval>(
  'MembershipInterval',
  () => MembershipInterval,
  'membership intervals',
);

function toInterval(r: IntervalRecord): MembershipInterval {
  return { ...r, memberKind: r.memberType === 'User' ? MemberKind.USER : MemberKind.GROUP };
}

@Resolver(() => MembershipInterval)
export class MembershipHistoryResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => MembershipIntervalConnection, {
    description:
      "Direct memberships over time: a group's members (groupId), a user's groups (userId), or one pair (both), with who added and removed them. Intervals overlapping [from, to), oldest first (first: default 50, at most 500).",
  })
  async membershipHistory(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('groupId', () => ID, { nullable: true }) groupId?: string | null,
    @Arg('userId', () => ID, { nullable: true, description: 'A user, or a group as a member of others.' })
    userId?: string | null,
    @Arg('from', () => Date, { nullable: true }) from?: Date | null,
    @Arg('to', () => Date, { nullable: true }) to?: Date | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<MembershipInterval>> {
    if (!groupId && !userId) throw badInput('membershipHistory needs groupId, userId, or both.', 'groupId');
    const count = pageSize(first);
    const cursor = afterCursor(after);
    const page = await membershipHistory(tenantCtx(ctx), {
      ...(groupId ? { groupId } : {}),
      ...(userId ? { memberId: userId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      first: count,
      ...(cursor ? { after: cursor } : {}),
      withTotal: selects(info, 'totalCount'),
    });
    return toConnection(page, after, toInterval);
  }

  @FieldResolver(() => Member, { nullable: true, description: 'The member now; null when deleted since.' })
  async member(
    @Root() interval: MembershipInterval,
    @Ctx() ctx: GraphQLContext,
  ): Promise<User | Group | null> {
    const loaders = loadersOf(ctx);
    if (interval.memberKind === MemberKind.USER) {
      const u = await loaders.user.load(interval.memberId);
      return u ? toUser(u) : null;
    }
    const g = await loaders.group.load(interval.memberId);
    return g ? toGroup(g) : null;
  }

  @FieldResolver(() => Group, { nullable: true, description: 'The group now; null when deleted since.' })
  async group(@Root() interval: MembershipInterval, @Ctx() ctx: GraphQLContext): Promise<Group | null> {
    const g = await loadersOf(ctx).group.load(interval.groupId);
    return g ? toGroup(g) : null;
  }
}
