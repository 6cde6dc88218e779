import Router from '@koa/router';
import { groupsOfUsers } from '../../../domain/memberships/membership.graph';
import { listUsers } from '../../../domain/users/user.queries';
import { createUser, deleteUser, getUser, replaceUser, updateUser } from '../../../domain/users/user.service';
import type { UserRecord } from '../../../domain/users/user.types';
import { readSearchBody } from '../../http/body';
import { ifMatchVersion } from '../../http/etag';
import { LARGE_PAGE, mapInSlices } from '../../http/large-page';
import { resourceId, type ScimRequest, type ScimSettings, type ScimState } from '../../http/scim-state';
import { applyUserPatch } from '../../protocol/patch/apply-user-patch';
import { parsePatchRequest } from '../../protocol/patch/patch-op';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { scimToUserInput, userGroupsToScim, userToScim } from '../../protocol/user-mapper';
import { wantsGroups } from '../projection-needs';
import {
  readResourceBody,
  searchResources,
  sendPatched,
  sendRead,
  sendResource,
  type ResourceType,
} from '../resource-type';

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

export const USERS: ResourceType<UserRecord> = {
  kind: 'User',
  endpoint: 'Users',
  list: listUsers,
  render: usersToScim,
  isLarge: (params) => params.request.count > LARGE_PAGE,
};

/** /Users routes (RFC 7644 §3): list, search, read, create, replace, patch, delete. */
export function userRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  router.get('/Users', (ctx) => searchResources(ctx, USERS, { ...ctx.query }, settings));
  router.post('/Users/.search', async (ctx) => {
    await searchResources(ctx, USERS, await readSearchBody(ctx, settings.maxBodyBytes), settings);
  });
  router.get('/Users/:id', async (ctx) => {
    await sendRead(ctx, USERS, await getUser(ctx.state.scim.dctx, resourceId(ctx)));
  });
  router.post('/Users', async (ctx) => {
    const input = scimToUserInput(await readResourceBody(ctx, settings));
    await sendResource(ctx, USERS, 201, await createUser(ctx.state.scim.dctx, input, 'SCIM'));
  });
  router.put('/Users/:id', async (ctx) => {
    const input = scimToUserInput(await readResourceBody(ctx, settings));
    const user = await replaceUser(ctx.state.scim.dctx, resourceId(ctx), input, {
      ifMatch: ifMatchVersion(ctx),
    });
    await sendResource(ctx, USERS, 200, user);
  });
  router.patch('/Users/:id', async (ctx) => {
    const ops = parsePatchRequest(await readResourceBody(ctx, settings));
    const { dctx, baseUrl } = ctx.state.scim;
    const user = await updateUser(
      dctx,
      resourceId(ctx),
      (current) => scimToUserInput(applyUserPatch(userToScim(current, baseUrl), ops)),
      { ifMatch: ifMatchVersion(ctx) },
    );
    await sendPatched(ctx, USERS, user);
  });
  router.delete('/Users/:id', async (ctx) => {
    await deleteUser(ctx.state.scim.dctx, resourceId(ctx), { ifMatch: ifMatchVersion(ctx) });
    ctx.status = 204;
  });
  return router;
}
