import Router from '@koa/router';
import type { DirectoryContext } from '../../domain/context';
import type { ResourceKind } from '../../domain/query/ast';
import type { ListRequest, ListResult } from '../../domain/query/list';
import { readJsonBody, readSearchBody } from '../http/body';
import { ifMatchVersion, notModified, setEtag } from '../http/etag';
import { asExpensive, sendListResponse } from '../http/large-page';
import { pageOf, readListParams, type ScimListParams } from '../http/list-params';
import { sendScim } from '../http/respond';
import {
  resourceId,
  type ScimContext,
  type ScimRequest,
  type ScimSettings,
  type ScimState,
} from '../http/scim-state';
import { listResponse } from '../protocol/list-response';
import { parsePatchRequest } from '../protocol/patch/patch-op';
import type { PatchOperation } from '../protocol/patch/types';
import type { ProjectionOptions } from '../protocol/projection';
import { resourceLocation } from '../protocol/schemas';

/** A stored resource: what an ETag and a Location are made of. */
export interface StoredResource {
  id: string;
  version: number;
}

/**
 * What /Users and /Groups differ in: their mapping and their domain services. The protocol around
 * them (routes, projection, ETag, Location, 304, 204, paging, expensive pages) is the functions
 * below, once; the cross-type /.search lists and renders with the same `list` and `render`.
 * `I` is the domain input a create or replace body maps to.
 */
export interface ResourceType<R extends StoredResource, I = unknown> {
  /** The resource type, as the attribute registry and `meta.resourceType` name it. */
  readonly kind: ResourceKind;
  /** The endpoint under the tenant's base URL (Location, meta.location). */
  readonly endpoint: 'Users' | 'Groups';
  /** What a person calls the resource (userName, displayName), for the provisioning log. */
  nameOf(resource: R): string;
  /** One page of the tenant's resources: filter, sort and paging in PostgreSQL. */
  list(dctx: DirectoryContext, request: ListRequest): Promise<ListResult<R>>;
  /** Projected SCIM JSON of `items`, in order; related resources are read only when projected. */
  render(
    scim: ScimRequest,
    items: readonly R[],
    projection: ProjectionOptions,
  ): Promise<Record<string, unknown>[]>;
  /** Whether a page asked for with these parameters is expensive work (see admission control). */
  isLarge(params: ScimListParams): boolean;
  /** The domain input of a create or replace body (400 for a body that is not one). */
  input(body: unknown): I;
  /** One of the tenant's resources (not found when it is another tenant's or none). */
  get(dctx: DirectoryContext, id: string): Promise<R>;
  create(dctx: DirectoryContext, input: I): Promise<R>;
  /** Replaces one; `ifMatch` is the version an If-Match header requires, if any. */
  replace(dctx: DirectoryContext, id: string, input: I, ifMatch: number | undefined): Promise<R>;
  /** Deletes one; `ifMatch` is the version an If-Match header requires, if any. */
  remove(dctx: DirectoryContext, id: string, ifMatch: number | undefined): Promise<void>;
  /** Applies PATCH operations (RFC 7644 §3.5.2) the way this type stores changes. */
  patch(
    scim: ScimRequest,
    id: string,
    ops: readonly PatchOperation[],
    ifMatch: number | undefined,
  ): Promise<R>;
}

/**
 * A router with the routes of a resource type (RFC 7644 §3): GET /<endpoint> and
 * POST /<endpoint>/.search (a page), POST /<endpoint> (create), and GET (or 304), PUT, PATCH and
 * DELETE /<endpoint>/:id.
 */
export function resourceRouter<R extends StoredResource, I>(
  type: ResourceType<R, I>,
  settings: ScimSettings,
): Router<ScimState> {
  const router = new Router<ScimState>();
  const path = `/${type.endpoint}`;
  router.get(path, (ctx) => searchResources(ctx, type, { ...ctx.query }, settings));
  router.post(`${path}/.search`, async (ctx) => {
    await searchResources(ctx, type, await readSearchBody(ctx, settings.maxBodyBytes), settings);
  });
  router.get(`${path}/:id`, async (ctx) => {
    await sendRead(ctx, type, touch(ctx, type, await type.get(ctx.state.scim.dctx, resourceId(ctx))));
  });
  router.post(path, async (ctx) => {
    const projection = projectionOf(ctx);
    const input = type.input(await readResourceBody(ctx, settings));
    const created = touch(ctx, type, await type.create(ctx.state.scim.dctx, input));
    await sendResource(ctx, type, 201, created, projection);
  });
  router.put(`${path}/:id`, async (ctx) => {
    const projection = projectionOf(ctx);
    const input = type.input(await readResourceBody(ctx, settings));
    const { dctx } = ctx.state.scim;
    const replaced = touch(ctx, type, await type.replace(dctx, resourceId(ctx), input, ifMatchVersion(ctx)));
    await sendResource(ctx, type, 200, replaced, projection);
  });
  router.patch(`${path}/:id`, async (ctx) => {
    const projection = projectionOf(ctx);
    const ops = parsePatchRequest(await readResourceBody(ctx, settings));
    const patched = touch(
      ctx,
      type,
      await type.patch(ctx.state.scim, resourceId(ctx), ops, ifMatchVersion(ctx)),
    );
    await sendPatched(ctx, type, patched, projection);
  });
  router.delete(`${path}/:id`, async (ctx) => {
    await type.remove(ctx.state.scim.dctx, resourceId(ctx), ifMatchVersion(ctx));
    ctx.status = 204;
  });
  return router;
}

/** Notes the resource a request read or changed, for the provisioning log. */
function touch<R extends StoredResource>(ctx: ScimContext, type: ResourceType<R>, resource: R): R {
  ctx.state.scim.touched = { id: resource.id, name: type.nameOf(resource) };
  return resource;
}

/**
 * `attributes` / `excludedAttributes` of the query string (RFC 7644 §3.9), for one-resource
 * answers. A write reads it before it changes anything, so a bad query string is a 400 that
 * changed nothing.
 */
function projectionOf(ctx: ScimContext): ProjectionOptions {
  return readListParams({ ...ctx.query }, 1).projection;
}

/** Reads the JSON body of a create, replace or patch, and keeps it for the provisioning log. */
async function readResourceBody(ctx: ScimContext, settings: ScimSettings): Promise<unknown> {
  const body = await readJsonBody(ctx, settings.maxBodyBytes);
  ctx.state.scim.body = body;
  return body;
}

/**
 * Answers with one resource, projected as the query string asks (unless `projection` is given):
 * its ETag, a Location when it was created (201), as application/scim+json.
 */
async function sendResource<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  status: 200 | 201,
  resource: R,
  projection?: ProjectionOptions,
): Promise<void> {
  // Set first: the resource exists whatever fails next (a bad query string, the database).
  if (status === 201)
    ctx.set('Location', resourceLocation(ctx.state.scim.baseUrl, type.endpoint, resource.id));
  const [json] = await type.render(ctx.state.scim, [resource], projection ?? projectionOf(ctx));
  setEtag(ctx, resource.version);
  sendScim(ctx, status, json);
}

/** Answers a GET of one resource: 304 with its ETag when If-None-Match names its version. */
async function sendRead<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  resource: R,
): Promise<void> {
  if (notModified(ctx, resource.version)) {
    setEtag(ctx, resource.version);
    ctx.status = 304;
    return;
  }
  await sendResource(ctx, type, 200, resource);
}

/**
 * Answers a PATCH: 204 with the new ETag (RFC 7644 §3.5.2 allows it; Entra accepts it and
 * Microsoft's Postman collection expects it). A client that names attributes gets 200 with the
 * projected resource.
 */
async function sendPatched<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  resource: R,
  projection: ProjectionOptions,
): Promise<void> {
  if (projection.attributes || projection.excludedAttributes) {
    return sendResource(ctx, type, 200, resource, projection);
  }
  setEtag(ctx, resource.version);
  ctx.status = 204;
}

/** Answers GET /<endpoint> and POST /<endpoint>/.search: one page as a ListResponse. */
async function searchResources<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  source: Record<string, unknown>,
  settings: ScimSettings,
): Promise<void> {
  const params = readListParams(source, settings.maxResults);
  await asExpensive(ctx, type.isLarge(params), async () => {
    const page = await type.list(ctx.state.scim.dctx, params.request);
    ctx.state.scim.listed = page.total;
    const resources = await type.render(ctx.state.scim, page.items, params.projection);
    await sendListResponse(ctx, listResponse(resources, pageOf(params, page)));
  });
}
