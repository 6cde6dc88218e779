import DataLoader from 'dataloader';
import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { groupPathsOf, type GroupPath as GroupPathRecord } from '../../domain/memberships/membership.paths';
import { badInput } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { Group, toGroup } from '../groups/group.type';
import { User } from '../users/user.type';

@ObjectType({ description: 'A group a user is in, and why: the shortest chain of nested groups.' })
export class GroupPath {
  @Field(() => Group)
  group!: Group;

  @Field(() => Int, { description: '1 for a group the user is directly in, 2 through one nested group, …' })
  depth!: number;

  @Field(() => [Group], {
    description: 'From a group the user is directly in up to group (as membershipPath gives it).',
  })
  path!: Group[];
}

const MAX_PATHS = 1000;

@Resolver(() => User)
export class GroupPathsResolver {
  @FieldResolver(() => [GroupPath], {
    description:
      'Every group the user is in, directly (depth 1) or inherited through nested groups, each with its path; ordered by depth, then displayName (first: default 100, at most 1000).',
  })
  async groupPaths(
    @Root() user: User,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
  ): Promise<GroupPath[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PATHS) {
      throw badInput(`first must be between 0 and ${MAX_PATHS} (got ${first}).`, 'first');
    }
    const found = await pathsLoader(ctx, first).load(user.id.toLowerCase());
    return found.map((p) => ({ group: toGroup(p.group), depth: p.depth, path: p.path.map(toGroup) }));
  }
}

/** One statement for the group paths of every user on the page (per `first`). */
function pathsLoader(ctx: GraphQLContext, first: number): DataLoader<string, GroupPathRecord[]> {
  const key = `groupPaths|${first}`;
  let loader = ctx.loaders.get(key) as DataLoader<string, GroupPathRecord[]> | undefined;
  if (!loader) {
    const dctx = tenantCtx(ctx);
    loader = new DataLoader(async (ids) => {
      const found = await groupPathsOf(dctx, ids, first);
      return ids.map((id) => found.get(id) ?? []);
    });
    ctx.loaders.set(key, loader);
  }
  return loader;
}
