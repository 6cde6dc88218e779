import Router from '@koa/router';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  getGroup,
  replaceGroup,
} from '../../../domain/groups/group.service';
import { listGroups } from '../../../domain/groups/group.queries';
import type { GroupRecord } from '../../../domain/groups/group.types';
import { listDirectMembersOf } from '../../../domain/memberships/membership.service';
import { readSearchBody } from '../../http/body';
import { ifMatchVersion } from '../../http/etag';
import { LARGE_PAGE, mapInSlices } from '../../http/large-page';
import { resourceId, type ScimRequest, type ScimSettings, type ScimState } from '../../http/scim-state';
import { groupToScim, scimToGroupInput } from '../../protocol/group-mapper';
import { toGroupCommands } from '../../protocol/patch/group-patch';
import { parsePatchRequest } from '../../protocol/patch/patch-op';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { wantsMembers } from '../projection-needs';
import {
  readResourceBody,
  searchResources,
  sendPatched,
  sendRead,
  sendResource,
  type ResourceType,
} from '../resource-type';

/** Groups as projected SCIM JSON; their members are read (in one query) only if projected. */
async function groupsToScim(
  scim: ScimRequest,
  groups: readonly GroupRecord[],
  projection: ProjectionOptions,
): Promise<Record<string, unknown>[]> {
  const members = wantsMembers(projection)
    ? await listDirectMembersOf(
        scim.dctx,
        groups.map((g) => g.id),
      )
    : undefined;
  return mapInSlices(groups, (g) =>
    project(groupToScim(g, members?.get(g.id), scim.baseUrl), projection, 'Group'),
  );
}

export const GROUPS: ResourceType<GroupRecord> = {
  kind: 'Group',
  endpoint: 'Groups',
  list: listGroups,
  render: groupsToScim,
  // A page of groups with their members can carry many member references even when short.
  isLarge: (params) =>
    params.request.count > (wantsMembers(params.projection) ? LARGE_PAGE / 10 : LARGE_PAGE),
};

/** /Groups routes. PATCH runs as delta commands and never reads or returns the member list. */
export function groupRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  router.get('/Groups', (ctx) => searchResources(ctx, GROUPS, { ...ctx.query }, settings));
  router.post('/Groups/.search', async (ctx) => {
    await searchResources(ctx, GROUPS, await readSearchBody(ctx, settings.maxBodyBytes), settings);
  });
  router.get('/Groups/:id', async (ctx) => {
    await sendRead(ctx, GROUPS, await getGroup(ctx.state.scim.dctx, resourceId(ctx)));
  });
  router.post('/Groups', async (ctx) => {
    const input = scimToGroupInput(await readResourceBody(ctx, settings));
    await sendResource(ctx, GROUPS, 201, await createGroup(ctx.state.scim.dctx, input, 'SCIM'));
  });
  router.put('/Groups/:id', async (ctx) => {
    const input = scimToGroupInput(await readResourceBody(ctx, settings));
    const group = await replaceGroup(ctx.state.scim.dctx, resourceId(ctx), input, {
      ifMatch: ifMatchVersion(ctx),
    });
    await sendResource(ctx, GROUPS, 200, group);
  });
  router.patch('/Groups/:id', async (ctx) => {
    const commands = toGroupCommands(
      parsePatchRequest(await readResourceBody(ctx, settings)),
      resourceId(ctx),
    );
    const group = await changeGroup(ctx.state.scim.dctx, resourceId(ctx), commands, {
      ifMatch: ifMatchVersion(ctx),
    });
    await sendPatched(ctx, GROUPS, group);
  });
  router.delete('/Groups/:id', async (ctx) => {
    await deleteGroup(ctx.state.scim.dctx, resourceId(ctx), { ifMatch: ifMatchVersion(ctx) });
    ctx.status = 204;
  });
  return router;
}
