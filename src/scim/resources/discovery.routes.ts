import Router from '@koa/router';
import { sendScim } from '../http/respond';
import { resourceId, type ScimContext, type ScimSettings, type ScimState } from '../http/scim-state';
import { ScimError } from '../protocol/errors';
import {
  findResourceType,
  findSchema,
  resourceTypesListResponse,
  schemasListResponse,
  serviceProviderConfig,
} from '../protocol/discovery';
import { DEFAULT_PAGE_SIZE } from '../http/list-params';

/** /ServiceProviderConfig (also as /serviceConfiguration, as Microsoft's Postman collection calls it), /ResourceTypes, /Schemas. */
export function discoveryRoutes(settings: ScimSettings): Router<ScimState> {
  const router = new Router<ScimState>();
  const spc = (ctx: ScimContext) =>
    sendScim(
      ctx,
      200,
      serviceProviderConfig(ctx.state.scim.baseUrl, {
        maxResults: settings.maxResults,
        maxBodyBytes: settings.maxBodyBytes,
        defaultPageSize: Math.min(DEFAULT_PAGE_SIZE, settings.maxResults),
      }),
    );
  router.get('/ServiceProviderConfig', spc);
  router.get('/serviceConfiguration', spc);
  router.get('/ResourceTypes', (ctx) =>
    sendScim(ctx, 200, resourceTypesListResponse(ctx.state.scim.baseUrl)),
  );
  router.get('/ResourceTypes/:id', (ctx) => {
    const id = resourceId(ctx);
    const doc = findResourceType(ctx.state.scim.baseUrl, id);
    if (!doc)
      throw new ScimError(404, undefined, `Resource type "${id}" does not exist; see /ResourceTypes.`);
    sendScim(ctx, 200, doc);
  });
  router.get('/Schemas', (ctx) => sendScim(ctx, 200, schemasListResponse(ctx.state.scim.baseUrl)));
  router.get('/Schemas/:id', (ctx) => {
    const id = resourceId(ctx);
    const doc = findSchema(ctx.state.scim.baseUrl, id);
    if (!doc) throw new ScimError(404, undefined, `Schema "${id}" does not exist; see /Schemas.`);
    sendScim(ctx, 200, doc);
  });
  return router;
}
