import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { compileDirectoryFilter } from '../../domain/memberships/membership.filter';
import { findUserByUserName } from '../../domain/users/user.service';
import { listUsers } from '../../domain/users/user.queries';
import { afterCursor, pageSize, selects, toConnection, type Connection } from '../common/connection';
import { AS_OF_DESCRIPTION, asOfOf, MembershipDepth } from '../common/enums';
import { parseScimFilter } from '../common/filters';
import { tenantCtx, type GraphQLContext } from '../context';
import { Group, GroupConnection } from '../groups/group.type';
import { loadersOf } from '../loaders';
import { groupsContaining } from '../memberships/groups-containing';
import { userFilterToDirectoryFilter, UserFilter, UserOrder, userSort } from './user.filter';
import { toUser, User, UserConnection } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => User, { nullable: true, description: 'A user of your tenant by id, or null.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    const found = await loadersOf(ctx).user.load(id);
    return found ? toUser(found) : null;
  }

  @Authorized('DIRECTORY_READ')
  @Query(() => User, { nullable: true, description: 'A user by userName (case-insensitive), or null.' })
  async userByUserName(@Arg('userName') userName: string, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    const found = await findUserByUserName(tenantCtx(ctx), userName);
    if (!found) return null;
    loadersOf(ctx).user.prime(found.id, found);
    return toUser(found);
  }

  @Authorized('DIRECTORY_READ')
  @Query(() => UserConnection, {
    description:
      'Users of your tenant. filter (typed) and scimFilter (a SCIM filter string) may be combined; both must hold.',
  })
  async users(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter | null,
    @Arg('scimFilter', () => String, {
      nullable: true,
      description: 'e.g. userName sw "a" and roles.value eq "Admin"',
    })
    scimFilter?: string | null,
    @Arg('orderBy', () => UserOrder, { nullable: true }) orderBy?: UserOrder | null,
  ): Promise<Connection<User>> {
    const count = pageSize(first);
    const dctx = tenantCtx(ctx);
    const where = filter ? compileDirectoryFilter('User', userFilterToDirectoryFilter(filter)) : undefined;
    const scim = parseScimFilter(scimFilter);
    const sort = userSort(orderBy);
    const result = await listUsers(
      dctx,
      {
        ...(scim ? { filter: scim } : {}),
        ...(sort ? { sort } : {}),
        count,
        cursor: afterCursor(after) ?? '',
        skipTotal: !selects(info, 'totalCount'),
      },
      where,
    );
    const loaders = loadersOf(ctx);
    for (const u of result.items) loaders.user.prime(u.id, u);
    return toConnection({ ...result, total: result.total < 0 ? null : result.total }, after, toUser);
  }

  @FieldResolver(() => User, { nullable: true, description: "The user's manager (enterprise extension)." })
  async manager(@Root() user: User, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    if (!user.managerId) return null;
    const found = await loadersOf(ctx).user.load(user.managerId);
    return found ? toUser(found) : null;
  }

  @FieldResolver(() => GroupConnection, {
    description: 'Groups the user belongs to, ordered by displayName.',
  })
  async groups(
    @Root() user: User,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('membership', () => MembershipDepth, { nullable: true, defaultValue: MembershipDepth.DIRECT })
    membership: MembershipDepth | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<Connection<Group>> {
    return groupsContaining(ctx, info, user.id, membership, first, after, asOfOf(asOf));
  }
}
