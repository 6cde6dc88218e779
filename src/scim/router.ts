import Router, { type RouterMiddleware } from '@koa/router';
import { boundedResponse, redactForLog } from '../domain/provisioning/provisioning-log.service';
import { isUuid } from '../domain/sql';
import type { UsageRecorder } from '../http/auth/usage';
import { scimAuth } from './http/auth';
import type { CredentialCache } from './http/credential-cache';
import { classifyRequest } from './http/provisioning-activity';
import type { ProvisioningWriter } from './http/provisioning-writer';
import { sendScimError } from './http/respond';
import type { ScimContext, ScimSettings, ScimState } from './http/scim-state';
import { ScimError } from './protocol/errors';
import { toScimError } from './errors';
import { discoveryRoutes } from './resources/discovery.routes';
import { groupRoutes } from './resources/groups/group.routes';
import { searchRoutes } from './resources/search/search.routes';
import { userRoutes } from './resources/users/user.routes';

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
function scimErrorsAndLog(deps: ScimDeps): RouterMiddleware<ScimState> {
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
      const path = ctx.path.replace(/^\/scim\/v2\/[^/]+/i, '') || '/';
      const filter = typeof ctx.query.filter === 'string' ? ctx.query.filter : undefined;
      const entry = {
        tenantId,
        requestId: ctx.state.requestId,
        method: ctx.method,
        path,
        status: ctx.status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        errorDetail,
        warnings: scim?.dctx.warnings ?? [],
        operations: scim?.body === undefined ? null : redactForLog(scim.body),
        ...classifyRequest({ method: ctx.method, path, status: ctx.status, filter, scim }),
        credentialId: scim?.credentialId ?? null,
        // Parsed and redacted by the writer, off the request path.
        responseBody: boundedResponse(ctx.body),
      };
      deps.provisioning.write(entry);
    }
  };
}

/** The tenant id in the request's URL, when it is a UUID (not yet authenticated). */
function urlTenant(ctx: ScimContext): string | undefined {
  const id = ctx.params.tenantId?.toLowerCase();
  return isUuid(id) ? id : undefined;
}

/** Names the authenticated tenant on the request's log line and metrics. */
const nameTenant: RouterMiddleware<ScimState> = async (ctx, next) => {
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
  const resources = [
    userRoutes(settings),
    groupRoutes(settings),
    searchRoutes(settings),
    discoveryRoutes(settings),
  ];
  for (const sub of resources) {
    router.use(sub.routes(), sub.allowedMethods({ throw: false }));
  }
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
