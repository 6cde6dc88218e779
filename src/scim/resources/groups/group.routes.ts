import Router from '@koa/router';
import type { Context } from 'koa';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  getGroup,
  replaceGroup,
} from '../../../domain/groups/group.service';
import { listGroups } from '../../../domain/groups/group.queries';
import type { GroupRecord } from '../../../domain/groups/group.types';
import { listDirectMembers, listDirectMembersOf } from '../../../domain/memberships/membership.service';
import { readJsonBody, readSearchBody } from '../../http/body';
import { ifMatchVersion, notModified, setEtag } from '../../http/etag';
import { pageOf, readListParams } from '../../http/list-params';
import { asExpensive, LARGE_PAGE, mapInSlices, sendListResponse } from '../../http/large-page';
import { sendScim } from '../../http/respond';
import type { ScimSettings, ScimState } from '../../http/scim-state';
import { groupToScim, scimToGroupInput } from '../../protocol/group-mapper';
import { listResponse } from '../../protocol/list-response';
import { toGroupCommands } from '../../protocol/patch/group-patch';
import { parsePatchRequest } from '../../protocol/patch/patch-op';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { resourceLocation } from '../../protocol/schemas';
import { wantsMembers } from '../projection-needs';

type Ctx = Context & { state: ScimState; params: Record<string, string> };

function projectionOf(ctx: Ctx): ProjectionOptions {
  return readListParams({ ...ctx.query }, 1).projection;
}

/** Sends one group; members are queried only if the projection returns them. */
async function sendGroup(
  ctx: Ctx,
  status: number,
  group: GroupRecord,
  projection: ProjectionOptions,
): Promise<void> {
  const members = wantsMembers(projection)
    ? await listDirectMembers(ctx.state.scim.dctx, group.id)
    : undefined;
  setEtag(ctx, group.version);
  sendScim(ctx, status, project(groupToScim(group, members, ctx.state.scim.baseUrl), projection, 'Group'));
}

/** Lists groups for GET /Groups and POST /Groups/.search; members of the page in one query. */
export async function searchGroups(
  ctx: Ctx,
  source: Record<string, unknown>,
  settings: ScimSettings,
): Promise<void> {
  const params = readListParams(source, settings.maxResults);
  const withMembers = wantsMembers(params.projection);
  // A page of groups with their members can carry many member references even when short.
  const large = params.request.count > (withMembers ? LARGE_PAGE / 10 : LARGE_PAGE);
  await asExpensive(ctx, large, async () => {
    const page = await listGroups(ctx.state.scim.dctx, params.request);
    const members = withMembers
      ? await listDirectMembersOf(
          ctx.state.scim.dctx,
          page.items.map((g) => g.id),
        )
      : undefined;
    const resources = await mapInSlices(page.items, (g) =>
      project(groupToScim(g, members?.get(g.id), ctx.state.scim.baseUrl), params.projection, 'Group'),
    );
    await sendListResponse(ctx, listResponse(resources, pageOf(params, page)));
  });
}

/** /Groups routes. PATCH runs as delta commands and never reads or returns the member list. */
export function groupRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  router.get('/Groups', (ctx) => searchGroups(ctx as Ctx, { ...ctx.query }, settings));
  router.post('/Groups/.search', async (ctx) => {
    await searchGroups(ctx as Ctx, await readSearchBody(ctx, settings.maxBodyBytes), settings);
  });
  router.get('/Groups/:id', async (ctx) => {
    const group = await getGroup(ctx.state.scim.dctx, ctx.params.id!);
    if (notModified(ctx, group.version)) {
      setEtag(ctx, group.version);
      ctx.status = 304;
      return;
    }
    await sendGroup(ctx as Ctx, 200, group, projectionOf(ctx as Ctx));
  });
  router.post('/Groups', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const group = await createGroup(ctx.state.scim.dctx, scimToGroupInput(body), 'SCIM');
    ctx.set('Location', resourceLocation(ctx.state.scim.baseUrl, 'Groups', group.id));
    await sendGroup(ctx as Ctx, 201, group, projectionOf(ctx as Ctx));
  });
  router.put('/Groups/:id', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const group = await replaceGroup(ctx.state.scim.dctx, ctx.params.id!, scimToGroupInput(body), {
      ifMatch: ifMatchVersion(ctx),
    });
    await sendGroup(ctx as Ctx, 200, group, projectionOf(ctx as Ctx));
  });
  router.patch('/Groups/:id', async (ctx) => {
    const body = await readJsonBody(ctx, settings.maxBodyBytes);
    ctx.state.scim.body = body;
    const commands = toGroupCommands(parsePatchRequest(body), ctx.params.id);
    const group = await changeGroup(ctx.state.scim.dctx, ctx.params.id!, commands, {
      ifMatch: ifMatchVersion(ctx),
    });
    setEtag(ctx, group.version);
    const projection = projectionOf(ctx as Ctx);
    if (projection.attributes || projection.excludedAttributes)
      return sendGroup(ctx as Ctx, 200, group, projection);
    ctx.status = 204;
  });
  router.delete('/Groups/:id', async (ctx) => {
    await deleteGroup(ctx.state.scim.dctx, ctx.params.id!, { ifMatch: ifMatchVersion(ctx) });
    ctx.status = 204;
  });
  return router;
}
