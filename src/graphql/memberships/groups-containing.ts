import type { GraphQLResolveInfo } from 'graphql';
import { pageArgs, toConnection, type Connection } from '../common/connection';
import { depthOf, type MembershipDepth } from '../common/enums';
import type { GraphQLContext } from '../context';
import { toGroup, type Group } from '../groups/group.type';
import { loadersOf } from '../loaders';

/** The groups containing a member (User.groups and Group.parents), batched across the page. */
export async function groupsContaining(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  memberId: string,
  membership: MembershipDepth | null,
  first: number | null | undefined,
  after: string | null | undefined,
  asOf?: Date,
): Promise<Connection<Group>> {
  const result = await loadersOf(ctx)
    .groupsOf(depthOf(membership), pageArgs(info, first, after), asOf)
    .load(memberId);
  return toConnection(result, after, toGroup);
}
