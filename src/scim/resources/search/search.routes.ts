import Router from '@koa/router';
import { isDomainError } from '../../../domain/errors';
import type { ResourceKind } from '../../../domain/query/ast';
import { parseAttrPath } from '../../../domain/query/filter/parser';
import { resolveAttribute } from '../../../domain/query/registry';
import { readSearchBody } from '../../http/body';
import { asExpensive, LARGE_PAGE, sendListResponse } from '../../http/large-page';
import { readListParams, type ScimListParams } from '../../http/list-params';
import type { ScimContext, ScimSettings, ScimState } from '../../http/scim-state';
import { ScimError } from '../../protocol/errors';
import { listResponse } from '../../protocol/list-response';
import { GROUPS } from '../groups/group.routes';
import type { ResourceType, StoredResource } from '../resource-type';
import { USERS } from '../users/user.routes';

/** The types a cross-type page holds, in the order it lists them. */
const TYPES: ReadonlyArray<ResourceType<StoredResource>> = [USERS, GROUPS];

/** POST /.search on the base URL (RFC 7644 §3.4.3), rendered as /Users and /Groups render. */
export function searchRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  router.post('/.search', async (ctx) => {
    const params = readListParams(await readSearchBody(ctx, settings.maxBodyBytes), settings.maxResults);
    await asExpensive(ctx, params.request.count > LARGE_PAGE, () => searchAcrossTypes(ctx, params));
  });
  return router;
}

/**
 * Users then groups, paged as one list. A filter or sortBy naming an attribute only one type has
 * (e.g. userName) simply leaves the other type out; one that no type has is the client's mistake.
 */
async function searchAcrossTypes(ctx: ScimContext, params: ScimListParams): Promise<void> {
  if (params.cursorMode) {
    throw new ScimError(
      400,
      'invalidValue',
      'Cursor paging is supported on /Users/.search and /Groups/.search, not across resource types.',
    );
  }
  const { scim } = ctx.state;
  const totals: number[] = [];
  const refusals: unknown[] = [];
  for (const type of TYPES) {
    try {
      totals.push((await type.list(scim.dctx, { ...params.request, count: 0 })).total);
    } catch (err) {
      if (!namesAttributeNotIn(type.kind, err)) throw err;
      totals.push(0);
      refusals.push(err);
    }
  }
  if (refusals.length === TYPES.length) throw refusals[refusals.length - 1];
  const resources: Record<string, unknown>[] = [];
  // How many results of the concatenated list precede the page, still to be skipped.
  let skip = params.startIndex - 1;
  for (const [i, type] of TYPES.entries()) {
    const total = totals[i] ?? 0;
    const want = params.request.count - resources.length;
    if (want > 0 && skip < total) {
      const page = await type.list(scim.dctx, { ...params.request, startIndex: skip + 1, count: want });
      resources.push(...(await type.render(scim, page.items, params.projection)));
    }
    skip = Math.max(0, skip - total);
  }
  const totalResults = totals.reduce((a, b) => a + b, 0);
  await sendListResponse(ctx, listResponse(resources, { totalResults, startIndex: params.startIndex }));
}

/**
 * Whether `err` refuses an attribute that `kind` does not have: an INVALID_FILTER whose
 * `details.attribute` does not resolve for that type. Other filter errors that name an attribute
 * (comparing `active` with a string, sorting by `emails`) name one the type has: the client's to fix.
 */
function namesAttributeNotIn(kind: ResourceKind, err: unknown): boolean {
  if (!isDomainError(err) || err.code !== 'INVALID_FILTER') return false;
  const { attribute } = err.details;
  return typeof attribute === 'string' && !hasAttribute(kind, attribute);
}

function hasAttribute(kind: ResourceKind, name: string): boolean {
  try {
    resolveAttribute(kind, parseAttrPath(name));
    return true;
  } catch {
    return false;
  }
}
