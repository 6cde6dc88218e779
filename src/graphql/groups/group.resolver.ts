import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { listGroups } from '../../domain/groups/group.queries';
import { listGroupsByMemberCount } from '../../domain/groups/group.ranking';
import { compileDirectoryFilter } from '../../domain/memberships/membership.filter';
import { compileFilter } from '../../domain/query/compile';
import {
  afterCursor,
  pageArgs,
  pageSize,
  selects,
  toConnection,
  type Connection,
} from '../common/connection';
import {
  AS_OF_DESCRIPTION,
  asOfOf,
  depthOf,
  kindOf,
  MemberKind,
  MembershipDepth,
  OrderDirection,
} from '../common/enums';
import { parseScimFilter } from '../common/filters';
import { tenantCtx, type GraphQLContext } from '../context';
import { loadersOf } from '../loaders';
import { groupsContaining } from '../memberships/groups-containing';
import { MemberConnection } from '../memberships/member.type';
import { toUser, type User } from '../users/user.type';
import {
  GroupFilter,
  groupFilterToDirectoryFilter,
  GroupOrder,
  GroupOrderField,
  groupSort,
} from './group.filter';
import { Group, GroupConnection, toGroup } from './group.type';

/** memberCount's default kind: DIRECT counts every member row, INHERITED/ALL count people. */
export function countKind(depth: MembershipDepth | null | undefined, kind: MemberKind | null | undefined) {
  return kind ? kindOf(kind) : depthOf(depth) === MembershipDepth.DIRECT ? 'Any' : 'User';
}

@Resolver(() => Group)
export class GroupResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => Group, { nullable: true, description: 'A group of your tenant by id, or null.' })
  async group(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Group | null> {
    const found = await loadersOf(ctx).group.load(id);
    return found ? toGroup(found) : null;
  }

  @Authorized('DIRECTORY_READ')
  @Query(() => GroupConnection, {
    description: 'Groups of your tenant; orderBy MEMBER_COUNT answers "how big is each group?".',
  })
  async groups(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => GroupFilter, { nullable: true }) filter?: GroupFilter | null,
    @Arg('scimFilter', () => String, { nullable: true, description: 'e.g. displayName sw "Fin"' })
    scimFilter?: string | null,
    @Arg('orderBy', () => GroupOrder, { nullable: true }) orderBy?: GroupOrder | null,
  ): Promise<Connection<Group>> {
    const count = pageSize(first);
    const dctx = tenantCtx(ctx);
    const typed = filter ? compileDirectoryFilter('Group', groupFilterToDirectoryFilter(filter)) : undefined;
    const scim = parseScimFilter(scimFilter);
    const withTotal = selects(info, 'totalCount');
    if (orderBy?.field === GroupOrderField.MEMBER_COUNT) {
      const where = [typed, scim ? compileFilter('Group', scim) : undefined].filter((w) => w !== undefined);
      const depth = depthOf(orderBy.membership);
      const page = await listGroupsByMemberCount(dctx, {
        depth,
        descending: orderBy.direction === OrderDirection.DESC,
        page: { first: count, after: afterCursor(after), withTotal },
        where,
      });
      const counts = loadersOf(ctx).memberCount(depth, countKind(orderBy.membership, undefined));
      for (const r of page.items) counts.prime(r.group.id, r.memberCount);
      return toConnection(page, after, (r) => toGroup(r.group));
    }
    const sort = groupSort(orderBy);
    const result = await listGroups(
      dctx,
      {
        ...(scim ? { filter: scim } : {}),
        ...(sort ? { sort } : {}),
        count,
        cursor: afterCursor(after) ?? '',
        skipTotal: !withTotal,
      },
      typed,
    );
    return toConnection({ ...result, total: result.total < 0 ? null : result.total }, after, toGroup);
  }

  @FieldResolver(() => MemberConnection, {
    description:
      'Members (users and groups), in a stable order by id. Use users(filter: { memberOf }) to sort.',
  })
  async members(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('membership', () => MembershipDepth, { nullable: true, defaultValue: MembershipDepth.DIRECT })
    membership: MembershipDepth | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('kind', () => MemberKind, { nullable: true, description: 'Only users or only groups.' })
    kind?: MemberKind | null,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<Connection<User | Group>> {
    const page = pageArgs(info, first, after);
    const loaders = loadersOf(ctx);
    const at = asOfOf(asOf);
    const result = await loaders.membersOf(depthOf(membership), kindOf(kind), page, at).load(group.id);
    const groups = at ? loaders.groupAt(at) : loaders.group;
    const nodes = await Promise.all(
      result.items.map(async (ref) => {
        if (ref.type === 'User') {
          const u = await loaders.user.load(ref.id);
          return u ? toUser(u) : null;
        }
        const g = await groups.load(ref.id);
        return g ? toGroup(g) : null;
      }),
    );
    // A member deleted between the two reads (or, at a past instant, a user deleted since) is left
    // out rather than returned as null.
    const kept = nodes.flatMap((node, i) => (node ? [{ node, cursor: result.cursors[i] ?? '' }] : []));
    return toConnection(
      { ...result, items: kept.map((k) => k.node), cursors: kept.map((k) => k.cursor) },
      after,
    );
  }

  @FieldResolver(() => Int, {
    description:
      'DIRECT: direct members (users and groups). INHERITED / ALL: distinct users reachable through nested groups (only through them / in total). kind narrows it.',
  })
  memberCount(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
    @Arg('membership', () => MembershipDepth, { nullable: true, defaultValue: MembershipDepth.DIRECT })
    membership: MembershipDepth | null,
    @Arg('kind', () => MemberKind, { nullable: true }) kind?: MemberKind | null,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<number> {
    return loadersOf(ctx)
      .memberCount(depthOf(membership), countKind(membership, kind), asOfOf(asOf))
      .load(group.id);
  }

  @FieldResolver(() => GroupConnection, {
    description: 'Groups this group is nested in, ordered by displayName.',
  })
  async parents(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('membership', () => MembershipDepth, { nullable: true, defaultValue: MembershipDepth.DIRECT })
    membership: MembershipDepth | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('asOf', () => Date, { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: Date | null,
  ): Promise<Connection<Group>> {
    return groupsContaining(ctx, info, group.id, membership, first, after, asOfOf(asOf));
  }
}
