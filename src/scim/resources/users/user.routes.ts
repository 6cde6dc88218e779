import type Router from '@koa/router';
import { groupsOfUsers } from '../../../domain/memberships/membership.graph';
import { listUsers } from '../../../domain/users/user.queries';
import { createUser, deleteUser, getUser, replaceUser, updateUser } from '../../../domain/users/user.service';
import type { UserInput, UserRecord } from '../../../domain/users/user.types';
import { LARGE_PAGE, mapInSlices } from '../../http/large-page';
import { type ScimRequest, type ScimSettings, type ScimState } from '../../http/scim-state';
import { applyUserPatch } from '../../protocol/patch/apply-user-patch';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { scimToUserInput, userGroupsToScim, userToScim } from '../../protocol/user-mapper';
import { wantsGroups } from '../projection-needs';
import { resourceRouter, type ResourceType } from '../resource-type';

/** Users as projected SCIM JSON; `groups` (returned: request) is read only when asked for. */
async function usersToScim(
  scim: ScimRequest,
  users: readonly UserRecord[],
  projection: ProjectionOptions,
): Promise<Record<string, unknown>[]> {
  const groups = wantsGroups(projection)
    ? await groupsOfUsers(
        scim.dctx,
        users.map((u) => u.id),
      )
    : undefined;
  return mapInSlices(users, (u) => {
    const json: Record<string, unknown> = userToScim(u, scim.baseUrl);
    if (groups) json.groups = userGroupsToScim(groups.get(u.id) ?? [], scim.baseUrl);
    return project(json, projection, 'User');
  });
}

export const USERS: ResourceType<UserRecord, UserInput> = {
  kind: 'User',
  endpoint: 'Users',
  nameOf: (u) => u.userName,
  list: listUsers,
  render: usersToScim,
  isLarge: (params) => params.request.count > LARGE_PAGE,
  input: scimToUserInput,
  get: getUser,
  create: (dctx, input) => createUser(dctx, input, 'SCIM'),
  replace: (dctx, id, input, ifMatch) => replaceUser(dctx, id, input, { ifMatch }),
  remove: (dctx, id, ifMatch) => deleteUser(dctx, id, { ifMatch }),
  patch: ({ dctx, baseUrl }, id, ops, ifMatch) =>
    updateUser(dctx, id, (current) => scimToUserInput(applyUserPatch(userToScim(current, baseUrl), ops)), {
      ifMatch,
    }),
};

/** /Users routes (RFC 7644 §3); PATCH is applied to the user's SCIM form and stored as a change. */
export function userRoutes(settings: ScimSettings): Router<ScimState> {
  return resourceRouter(USERS, settings);
}
