import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { listRoleHolders } from '../../domain/roles/role.holders';
import { pageArgs, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { toUser, User, UserConnection } from '../users/user.type';
import { Role } from './role.type';

@Resolver(() => Role)
export class RoleUsersResolver {
  @FieldResolver(() => UserConnection, { description: 'Users holding the role, in id order.' })
  async users(
    @Root() role: Role,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<User>> {
    const page = pageArgs(info, first, after);
    const result = await listRoleHolders(tenantCtx(ctx), role.id, {
      first: page.first,
      withTotal: page.withTotal,
      ...(page.after !== undefined ? { after: page.after } : {}),
    });
    return toConnection(result, after, toUser);
  }
}
