import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { DomainError } from '../../domain/errors';
import {
  createUser,
  deleteUser,
  getUser,
  patchUserAttributes,
  setUserActive,
} from '../../domain/users/user.service';
import { tenantCtx, type GraphQLContext } from '../context';
import { loadersOf } from '../loaders';
import { CreateUserInput, toUserInputPatch, UpdateUserInput } from './user.input';
import { toUser, User } from './user.type';

/** An unknown manager is a client error here (SCIM leaves it empty with a warning, as Entra expects). */
async function assertManager(ctx: GraphQLContext, managerId: string | null | undefined, userId?: string) {
  if (managerId === null || managerId === undefined) return;
  if (userId !== undefined && managerId.toLowerCase() === userId.toLowerCase()) {
    throw new DomainError('INVALID_MANAGER', 'A user cannot be their own manager.', { field: 'managerId' });
  }
  if (!(await loadersOf(ctx).user.load(managerId))) {
    throw new DomainError('INVALID_MANAGER', `Manager ${managerId} is not a user of this tenant.`, {
      field: 'managerId',
    });
  }
}

@Resolver()
export class UserMutationResolver {
  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, {
    description: 'Creates a user (source API); userName must be unused in the tenant.',
  })
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: GraphQLContext) {
    const patch = toUserInputPatch(input);
    await assertManager(ctx, patch.enterprise?.managerId);
    return toUser(await createUser(tenantCtx(ctx), { ...patch, userName: input.userName }, 'API'));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, {
    description:
      'Changes the given attributes only (null clears one). With version, fails with VERSION_MISMATCH if the user changed since.',
  })
  async updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: GraphQLContext,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ) {
    const patch = toUserInputPatch(input);
    await assertManager(ctx, patch.enterprise?.managerId, id);
    const opts = version === null || version === undefined ? {} : { ifMatch: version };
    return toUser(await patchUserAttributes(tenantCtx(ctx), id, patch, opts));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, { description: 'Activates or deactivates a user (idempotent).' })
  async setUserActive(
    @Arg('id', () => ID) id: string,
    @Arg('active') active: boolean,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toUser(await setUserActive(tenantCtx(ctx), id, active));
  }

  @Authorized('DIRECTORY_WRITE')
  @Mutation(() => User, {
    description:
      'Deletes a user with its memberships and role assignments; returns the user as it was. It stays restorable (restoreUser) for the retention period.',
  })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const dctx = tenantCtx(ctx);
    const before = await getUser(dctx, id);
    await deleteUser(dctx, id);
    return toUser(before);
  }
}
