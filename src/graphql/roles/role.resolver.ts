import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { decodeKeyset, encodeKeyset } from '../../domain/paging';
import { assignRole, findRole, listRoles, unassignRole } from '../../domain/roles/role.service';
import { afterCursor, pageSize, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { toUser, User } from '../users/user.type';
import { Role, RoleConnection, toRole } from './role.type';

const ORDER = 'roles-by-value';

@Resolver(() => Role)
export class RoleResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => RoleConnection, { description: 'Roles of your tenant, ordered by value.' })
  async roles(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<Role>> {
    const cursor = afterCursor(after);
    const afterValue = cursor === undefined ? undefined : (decodeKeyset(ORDER, cursor).v ?? '');
    const page = await listRoles(tenantCtx(ctx), {
      first: pageSize(first),
      ...(afterValue !== undefined ? { afterValue } : {}),
    });
    const cursors = page.items.map((r) => encodeKeyset(ORDER, { v: r.value, id: r.id }));
    return toConnection({ ...page, cursors }, after, toRole);
  }

  @Authorized('DIRECTORY_READ')
  @Query(() => Role, { nullable: true, description: 'A role by its value (exact), or null.' })
  async role(@Arg('value') value: string, @Ctx() ctx: GraphQLContext): Promise<Role | null> {
    const found = await findRole(tenantCtx(ctx), value);
    return found ? toRole(found) : null;
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, {
    description:
      'Gives a user a role (created in the tenant if new). primary: true makes it the only primary role.',
  })
  async assignRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role') role: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('primary', () => Boolean, { defaultValue: false }) primary: boolean,
  ): Promise<User> {
    return toUser(await assignRole(tenantCtx(ctx), userId, { value: role }, primary));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, { description: 'Takes a role from a user (no change if the user does not hold it).' })
  async unassignRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role') role: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<User> {
    return toUser(await unassignRole(tenantCtx(ctx), userId, role));
  }
}
