import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { redactForLog } from '../domain/provisioning/provisioning-log.service';
import type { ProvisioningWriter } from './http/provisioning-writer';
import type { UsageRecorder } from '../http/auth/usage';
import { scimAuth } from './http/auth';
import type { CredentialCache } from './http/credential-cache';
import { sendScim, sendScimError } from './http/respond';
import type { ScimSettings, ScimState } from './http/scim-state';
import { ScimError } from './protocol/errors';
import { toScimError } from './errors';
import { discoveryRoutes } from './resources/discovery.routes';
import { groupRoutes } from './resources/groups/group.routes';
import { userRoutes, usersToScim } from './resources/users/user.routes';
import { wantsMembers } from './resources/projection-needs';
import { listUsers } from '../domain/users/user.queries';
import { listGroups } from '../domain/groups/group.queries';
import { listDirectMembersOf } from '../domain/memberships/membership.service';
import { project } from './protocol/projection';
import { groupToScim } from './protocol/group-mapper';
import { listResponse } from './protocol/list-response';
import { readSearchBody } from './http/body';
import { readListParams } from './http/list-params';
import { asExpensive, LARGE_PAGE } from './http/large-page';
import { isUuid } from '../domain/sql';

export interface ScimDeps {
  settings: ScimSettings;
  recordUsage: UsageRecorder;
  provisioning: ProvisioningWriter;
  /** Verified tokens, evicted when revoked (see compose). */
  credentials: CredentialCache;
}

/**
 * Maps every failure to an RFC 7644 error body (unexpected ones to a bare 500 that never echoes
 * internals) and writes the tenant's provisioning-log entry after the response, off the request path.
 */
function scimErrorsAndLog(deps: ScimDeps): Middleware<ScimState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    let errorDetail: string | null = null;
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ScimError(404, undefined, `No SCIM endpoint at ${ctx.method} ${ctx.path}.`);
      }
    } catch (err) {
      const scimErr = toScimError(err);
      if (scimErr) {
        errorDetail = scimErr.detail;
        sendScimError(ctx, scimErr);
      } else {
        ctx.state.log.error(
          { err, tenantId: ctx.state.tenantId, method: ctx.method, path: ctx.path },
          'unexpected SCIM error',
        );
        errorDetail = `Internal error (request id ${ctx.state.requestId}).`;
        sendScimError(ctx, new ScimError(500, undefined, errorDetail));
      }
      ctx.state.errorReason = errorDetail;
    }
    const scim = ctx.state.scim;
    // A request that failed before or during authentication (a wrong or expired token is the most
    // common setup mistake; or the database was down) goes to the log of the tenant named in the
    // URL, if that tenant exists (the insert skips others).
    const tenantId = scim?.dctx.tenantId ?? urlTenant(ctx);
    if (tenantId) {
      const entry = {
        tenantId,
        requestId: ctx.state.requestId,
        method: ctx.method,
        path: ctx.path.replace(/^\/scim\/v2\/[^/]+/i, '') || '/',
        status: ctx.status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        errorDetail,
        warnings: scim?.dctx.warnings ?? [],
        operations: scim?.body === undefined ? null : redactForLog(scim.body),
      };
      deps.provisioning.write(entry);
    }
  };
}

/** The tenant id in the request's URL, when it is a UUID (not yet authenticated). */
function urlTenant(ctx: Context): string | undefined {
  const id = (ctx.params as Record<string, string> | undefined)?.tenantId?.toLowerCase();
  return isUuid(id) ? id : undefined;
}

/** Names the authenticated tenant on the request's log line and metrics. */
const nameTenant: Middleware<ScimState> = async (ctx, next) => {
  ctx.state.tenantId = ctx.state.scim.dctx.tenantId;
  await next();
};

/** Methods a known SCIM path supports, for a 405 with Allow; undefined for unknown paths. */
function allowedMethods(path: string): string[] | undefined {
  const p = path.replace(/\/+$/, '');
  if (/^(\/(users|groups))?\/\.search$/i.test(p)) return ['POST'];
  if (/^\/(users|groups)$/i.test(p)) return ['GET', 'POST'];
  if (/^\/(users|groups)\/[^/]+$/i.test(p)) return ['GET', 'PUT', 'PATCH', 'DELETE'];
  if (/^\/(serviceproviderconfig|serviceconfiguration)$/i.test(p)) return ['GET'];
  if (/^\/(resourcetypes|schemas)(\/[^/]+)?$/i.test(p)) return ['GET'];
  return undefined;
}

/** The SCIM 2.0 service under each tenant's Provisioning URL: /scim/v2/<tenant id>/… */
export function scimRouter(deps: ScimDeps): Router<ScimState> {
  const { settings } = deps;
  // Resource paths match case-insensitively and with or without a trailing slash.
  const router = new Router<ScimState>({ prefix: '/scim/v2/:tenantId', sensitive: false, strict: false });
  router.use(scimErrorsAndLog(deps));
  router.use(scimAuth(settings, deps.recordUsage, deps.credentials));
  router.use(nameTenant);
  for (const sub of [userRoutes(settings), groupRoutes(settings), discoveryRoutes(settings)]) {
    router.use(sub.routes(), sub.allowedMethods({ throw: false }));
  }
  router.post('/.search', async (ctx) => {
    const source = await readSearchBody(ctx, settings.maxBodyBytes);
    const c = ctx as Context & { state: ScimState };
    const large = readListParams(source, settings.maxResults).request.count > LARGE_PAGE;
    await asExpensive(c, large, () => searchAcrossTypes(c, source, settings));
  });
  router.all('/{*rest}', (ctx) => {
    const rest = ctx.path.replace(/^\/scim\/v2\/[^/]+/i, '');
    const allowed = allowedMethods(rest);
    if (allowed) {
      ctx.set('Allow', allowed.join(', '));
      throw new ScimError(
        405,
        undefined,
        `${ctx.method} is not supported on ${rest}; use ${allowed.join(', ')}.`,
      );
    }
    throw new ScimError(404, undefined, `No SCIM endpoint at ${ctx.method} ${ctx.path}.`);
  });
  return router;
}

/**
 * POST /.search on the base URL (RFC 7644 §3.4.3): users then groups, paged as one list. A filter
 * naming an attribute only one type has (e.g. userName) simply excludes the other type.
 */
async function searchAcrossTypes(
  ctx: Context & { state: ScimState },
  source: Record<string, unknown>,
  settings: ScimSettings,
) {
  const params = readListParams(source, settings.maxResults);
  if (params.cursorMode) {
    throw new ScimError(
      400,
      'invalidValue',
      'Cursor paging is supported on /Users/.search and /Groups/.search, not across resource types.',
    );
  }
  const { dctx, baseUrl } = ctx.state.scim;
  const unknownIn: unknown[] = [];
  const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      if (
        toScimError(err)?.scimType === 'invalidFilter' &&
        /Unknown attribute/.test(String((err as Error).message))
      ) {
        unknownIn.push(err);
        return undefined;
      }
      throw err;
    }
  };
  const base = { ...params.request, count: 0 };
  const userTotal = (await attempt(() => listUsers(dctx, base)))?.total ?? 0;
  const groupTotal = (await attempt(() => listGroups(dctx, base)))?.total ?? 0;
  // An attribute neither type has is the client's mistake, not an empty result.
  if (unknownIn.length === 2) throw unknownIn[1];
  const offset = params.startIndex - 1;
  const want = params.request.count;
  const resources: unknown[] = [];
  if (offset < userTotal && want > 0) {
    const page = await listUsers(dctx, { ...params.request, startIndex: offset + 1, count: want });
    resources.push(...(await usersToScim(ctx.state.scim, page.items, params.projection)));
  }
  const left = want - resources.length;
  if (left > 0 && groupTotal > 0 && offset + resources.length < userTotal + groupTotal) {
    const page = await listGroups(dctx, {
      ...params.request,
      startIndex: Math.max(0, offset - userTotal) + 1,
      count: left,
    });
    const members = wantsMembers(params.projection)
      ? await listDirectMembersOf(
          dctx,
          page.items.map((g) => g.id),
        )
      : undefined;
    resources.push(
      ...page.items.map((g) =>
        project(groupToScim(g, members?.get(g.id), baseUrl), params.projection, 'Group'),
      ),
    );
  }
  sendScim(
    ctx,
    200,
    listResponse(resources, { totalResults: userTotal + groupTotal, startIndex: params.startIndex }),
  );
}
