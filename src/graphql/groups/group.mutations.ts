import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { createGroup, deleteGroup, changeGroup, getGroup } from '../../domain/groups/group.service';
import type { GroupChange } from '../../domain/groups/group.types';
import { tenantCtx, type GraphQLContext } from '../context';
import { assertMembers } from '../memberships/membership.resolver';
import { CreateGroupInput, UpdateGroupInput } from './group.input';
import { Group, toGroup } from './group.type';

@Resolver()
export class GroupMutationResolver {
  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => Group, { description: 'Creates a group (source API), optionally with members.' })
  async createGroup(
    @Arg('input', () => CreateGroupInput) input: CreateGroupInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const dctx = tenantCtx(ctx);
    const memberIds = input.memberIds ?? [];
    await assertMembers(dctx, memberIds);
    const created = await createGroup(
      dctx,
      {
        displayName: input.displayName,
        externalId: input.externalId ?? null,
        members: memberIds.map((value) => ({ value })),
      },
      'API',
    );
    return toGroup(created);
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => Group, {
    description:
      'Renames a group or changes its externalId. With version, fails with VERSION_MISMATCH if it changed since.',
  })
  async updateGroup(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateGroupInput) input: UpdateGroupInput,
    @Ctx() ctx: GraphQLContext,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ) {
    const change: GroupChange = {
      kind: 'setAttributes',
      ...(input.displayName != null ? { displayName: input.displayName } : {}),
      ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    };
    const opts = version === null || version === undefined ? {} : { ifMatch: version };
    return toGroup(await changeGroup(tenantCtx(ctx), id, [change], opts));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => Group, {
    description:
      'Deletes a group; its memberships (in it and of it) go with it. Returns the group as it was. It stays restorable (restoreGroup) for the retention period.',
  })
  async deleteGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const dctx = tenantCtx(ctx);
    const before = await getGroup(dctx, id);
    await deleteGroup(dctx, id);
    return toGroup(before);
  }
}
