import type Router from '@koa/router';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  getGroup,
  replaceGroup,
} from '../../../domain/groups/group.service';
import { listGroups } from '../../../domain/groups/group.queries';
import type { GroupInput, GroupRecord } from '../../../domain/groups/group.types';
import { listDirectMembersOf } from '../../../domain/memberships/membership.service';
import { LARGE_PAGE, mapInSlices } from '../../http/large-page';
import { type ScimRequest, type ScimSettings, type ScimState } from '../../http/scim-state';
import { groupToScim, scimToGroupInput } from '../../protocol/group-mapper';
import { toGroupCommands } from '../../protocol/patch/group-patch';
import { project, type ProjectionOptions } from '../../protocol/projection';
import { wantsMembers } from '../projection-needs';
import { resourceRouter, type ResourceType } from '../resource-type';

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

export const GROUPS: ResourceType<GroupRecord, GroupInput> = {
  kind: 'Group',
  endpoint: 'Groups',
  nameOf: (g) => g.displayName,
  list: listGroups,
  render: groupsToScim,
  // A page of groups with their members can carry many member references even when short.
  isLarge: (params) =>
    params.request.count > (wantsMembers(params.projection) ? LARGE_PAGE / 10 : LARGE_PAGE),
  input: scimToGroupInput,
  get: getGroup,
  create: (dctx, input) => createGroup(dctx, input, 'SCIM'),
  replace: (dctx, id, input, ifMatch) => replaceGroup(dctx, id, input, { ifMatch }),
  remove: (dctx, id, ifMatch) => deleteGroup(dctx, id, { ifMatch }),
  patch: ({ dctx }, id, ops, ifMatch) => changeGroup(dctx, id, toGroupCommands(ops, id), { ifMatch }),
};

/** /Groups routes (RFC 7644 §3); PATCH becomes delta commands that never read the member list. */
export function groupRoutes(settings: ScimSettings): Router<ScimState> {
  return resourceRouter(GROUPS, settings);
}
