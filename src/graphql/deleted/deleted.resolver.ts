import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { restoreGroup } from '../../domain/deleted/deleted-group.service';
import { restoreUser, restoreUsers } from '../../domain/deleted/deleted-user.service';
import { listDeletedGroups, listDeletedUsers } from '../../domain/deleted/deleted.queries';
import { badInput, pageArgs, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { Group, toGroup } from '../groups/group.type';
import { toUser, User } from '../users/user.type';
import {
  DeletedGroup,
  DeletedGroupConnection,
  DeletedUser,
  DeletedUserConnection,
  RestoreUsersPayload,
} from './deleted.type';

function searchArg(search: string | null | undefined): { search?: string } {
  const s = search?.trim();
  if (s && s.length > 256) throw badInput('search must be at most 256 characters.', 'search');
  return s ? { search: s } : {};
}

@Resolver()
export class DeletedResolver {
  @Authorized('TENANT_ADMIN')
  @Query(() => DeletedUserConnection, {
    description:
      'Users deleted within the retention period, newest deletion first (first: default 50, at most 500). search: the start of the userName, case-insensitive.',
  })
  async deletedUsers(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<Connection<DeletedUser>> {
    const page = await listDeletedUsers(tenantCtx(ctx), {
      ...pageArgs(info, first, after),
      ...searchArg(search),
    });
    return toConnection(page, after);
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => DeletedGroupConnection, {
    description:
      'Groups deleted within the retention period, newest deletion first. search: the start of the displayName, case-insensitive.',
  })
  async deletedGroups(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<Connection<DeletedGroup>> {
    const page = await listDeletedGroups(tenantCtx(ctx), {
      ...pageArgs(info, first, after),
      ...searchArg(search),
    });
    return toConnection(page, after);
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => User, {
    description:
      'Restores a deleted user with the same id: its attributes, roles, memberships of groups that still exist, and manager. USER_NAME_TAKEN when its userName was taken meanwhile (the message names the user holding it).',
  })
  async restoreUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return toUser(await restoreUser(tenantCtx(ctx), id));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => Group, {
    description:
      'Restores a deleted group with the same id: its members that still exist and its place in groups that still exist (not where nesting changed meanwhile would make a cycle). GROUP_NAME_TAKEN when its displayName was taken meanwhile.',
  })
  async restoreGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Group> {
    return toGroup(await restoreGroup(tenantCtx(ctx), id));
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => RestoreUsersPayload, {
    description:
      'Undoes a mass deprovisioning: restores every user deleted at or after since, and re-enables every user disabled at or after since that is still disabled. Users whose userName is taken are returned as conflicts and stay restorable.',
  })
  async restoreUsers(
    @Arg('since', () => Date) since: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RestoreUsersPayload> {
    return restoreUsers(tenantCtx(ctx), since);
  }
}
