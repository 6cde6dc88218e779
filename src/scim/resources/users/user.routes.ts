import Router from '@koa/router';
import type { Context } from 'koa';
import { listUsers } from '../../../domain/users/user.queries';
import { createUser, deleteUser, getUser, replaceUser, updateUser } from '../../../domain/users/user.service';
import { readJsonBody, readSearchBody } from '../../http/body';
import { ifMatchVersion, notModified, setEtag } from '../../http/etag';
import { pageOf, readListParams } from '../../http/list-params';
import { sendScim } from '../../http/respond';
import { asExpensive, LARGE_PAGE, mapInSlices, sendListResponse } from '../../http/large-page';
import type { ScimSettings, ScimState } from '../../http/scim-state';
import { listResponse } from '../../protocol/list-response';
import { applyUserPatch } from '../../protocol/patch/apply-user-patch';
import { parsePatchRequest } from '../../protocol/patch/patch-op';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { resourceLocation } from '../../protocol/schemas';
import { scimToUserInput, userGroupsToScim, userToScim } from '../../protocol/user-mapper';
import { groupsOfUsers } from '../../../domain/memberships/membership.graph';
import { wantsGroups } from '../projection-needs';
import type { UserRecord } from '../../../domain/users/user.types';

type Ctx = Context & { state: ScimState; params: Record<string, string> };

function projectionOf(ctx: Ctx): ProjectionOptions {
  return readListParams({ ...ctx.query }, 1).projection;
}

/** Users as projected SCIM JSON; `groups` (returned: request) is read only when asked for. */
export async function usersToScim(
  scim: Pick<ScimState['scim'], 'dctx' | 'baseUrl'>,
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

async function sendUser(ctx: Ctx, status: number, user: UserRecord, projection: ProjectionOptions) {
  const [json] = await usersToScim(ctx.state.scim, [user], projection);
  setEtag(ctx, user.version);
  sendScim(ctx, status, json);
}

/** Lists users for GET /Users and POST /Users/.search. */
export async function searchUsers(
  ctx: Ctx,
  source: Record<string, unknown>,
  settings: ScimSettings,
): Promise<void> {
  const params = readListParams(source, settings.maxResults);
  await asExpensive(ctx, params.request.count > LARGE_PAGE, async () => {
    const page = await listUsers(ctx.state.scim.dctx, params.request);
    const resources = await usersToScim(ctx.state.scim, page.items, params.projection);
    await sendListResponse(ctx, listResponse(resources, pageOf(params, page)));
  });
}

/** /Users routes (RFC 7644 §3): list, search, read, create, replace, patch, delete. */
export function userRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  router.get('/Users', (ctx) => searchUsers(ctx as Ctx, { ...ctx.query }, settings));
  router.post('/Users/.search', async (ctx) => {
    await searchUsers(ctx as Ctx, await readSearchBody(ctx, settings.maxBodyBytes), settings);
  });
  router.get('/Users/:id', async (ctx) => {
    const user = await getUser(ctx.state.scim.dctx, ctx.params.id!);
    if (notModified(ctx, user.version)) {
      setEtag(ctx, user.version);
      ctx.status = 304;
      return;
    }
    await sendUser(ctx as Ctx, 200, user, projectionOf(ctx as Ctx));
  });
  router.post('/Users', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const user = await createUser(ctx.state.scim.dctx, scimToUserInput(body), 'SCIM');
    ctx.set('Location', resourceLocation(ctx.state.scim.baseUrl, 'Users', user.id));
    await sendUser(ctx as Ctx, 201, user, projectionOf(ctx as Ctx));
  });
  router.put('/Users/:id', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const input = scimToUserInput(body);
    const user = await replaceUser(ctx.state.scim.dctx, ctx.params.id!, input, {
      ifMatch: ifMatchVersion(ctx),
    });
    await sendUser(ctx as Ctx, 200, user, projectionOf(ctx as Ctx));
  });
  router.patch('/Users/:id', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const ops = parsePatchRequest(body);
    const baseUrl = ctx.state.scim.baseUrl;
    const user = await updateUser(
      ctx.state.scim.dctx,
      ctx.params.id!,
      (current) => scimToUserInput(applyUserPatch(userToScim(current, baseUrl), ops)),
      { ifMatch: ifMatchVersion(ctx) },
    );
    // RFC 7644 §3.5.2 allows 204; Entra accepts it and Microsoft's Postman collection expects it.
    // A client that names attributes gets 200 with the (projected) resource.
    const projection = projectionOf(ctx as Ctx);
    if (projection.attributes || projection.excludedAttributes)
      return sendUser(ctx as Ctx, 200, user, projection);
    setEtag(ctx, user.version);
    ctx.status = 204;
  });
  router.delete('/Users/:id', async (ctx) => {
    await deleteUser(ctx.state.scim.dctx, ctx.params.id!, { ifMatch: ifMatchVersion(ctx) });
    ctx.status = 204;
  });
  return router;
}
