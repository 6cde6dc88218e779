import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { DirectoryContext } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { changeGroup } from '../../domain/groups/group.service';
import { checkMembership, memberTypes, membershipPath } from '../../domain/memberships/membership.graph';
import { tenantCtx, type GraphQLContext } from '../context';
import { badInput } from '../common/connection';
import { AS_OF_DESCRIPTION, asOfOf } from '../common/enums';
import { Group, toGroup } from '../groups/group.type';

const MAX_IDS = 10_000;

function limitIds(ids: readonly string[], arg: string): void {
  if (ids.length > MAX_IDS) throw badInput(`${arg} accepts at most ${MAX_IDS} ids per call.`, arg);
}

/** Every id must be a user or group of the tenant (the GraphQL face reports mistakes; SCIM skips them). */
export async function assertMembers(ctx: DirectoryContext, ids: readonly string[]): Promise<void> {
  limitIds(ids, 'memberIds');
  if (ids.length === 0) return;
  const types = await memberTypes(ctx, ids);
  const unknown = ids.filter((id) => !types.has(id.toLowerCase()));
  if (unknown.length > 0) {
    throw new DomainError(
      'INVALID_MEMBER',
      `Not users or groups of this tenant: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ' …' : ''}`,
      { unknownIds: unknown.slice(0, 100) },
    );
  }
}

@Resolver()
export class MembershipResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => [ID], {
    description:
      'Which of groupIds the user is in, directly or through nested groups (in the order given). Any number of ids, up to 10000.',
  })
  checkMembership(
    @Arg('userId', () => ID) userId: string,
    @Arg('groupIds', () => [ID]) groupIds: string[],
    @Ctx() ctx: GraphQLContext,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<string[]> {
    limitIds(groupIds, 'groupIds');
    return checkMembership(tenantCtx(ctx), userId, groupIds, asOfOf(asOf));
  }

  @Authorized('DIRECTORY_READ')
  @Query(() => [Group], {
    nullable: true,
    description:
      'Why the user is in groupId: the shortest chain from a group the user is directly in up to groupId, or null if not a member.',
  })
  async membershipPath(
    @Arg('userId', () => ID) userId: string,
    @Arg('groupId', () => ID) groupId: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<Group[] | null> {
    const path = await membershipPath(tenantCtx(ctx), userId, groupId, asOfOf(asOf));
    return path ? path.map(toGroup) : null;
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => Group, {
    description: 'Adds users or groups to a group (already-present members are left as they are).',
  })
  async addGroupMembers(
    @Arg('groupId', () => ID) groupId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<Group> {
    const dctx = tenantCtx(ctx);
    await assertMembers(dctx, memberIds);
    const members = memberIds.map((value) => ({ value }));
    return toGroup(await changeGroup(dctx, groupId, [{ kind: 'addMembers', members }]));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => Group, { description: 'Removes the listed members only (absent ones are ignored).' })
  async removeGroupMembers(
    @Arg('groupId', () => ID) groupId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<Group> {
    limitIds(memberIds, 'memberIds');
    return toGroup(await changeGroup(tenantCtx(ctx), groupId, [{ kind: 'removeMembers', ids: memberIds }]));
  }
}
