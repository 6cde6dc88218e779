import type { DirectoryContext } from '../../domain/context';
import type { ResourceKind } from '../../domain/query/ast';
import type { ListRequest, ListResult } from '../../domain/query/list';
import { readJsonBody } from '../http/body';
import { notModified, setEtag } from '../http/etag';
import { asExpensive, sendListResponse } from '../http/large-page';
import { pageOf, readListParams, type ScimListParams } from '../http/list-params';
import { sendScim } from '../http/respond';
import type { ScimContext, ScimRequest, ScimSettings } from '../http/scim-state';
import { listResponse } from '../protocol/list-response';
import type { ProjectionOptions } from '../protocol/projection';
import { resourceLocation } from '../protocol/schemas';

/** A stored resource: what an ETag and a Location are made of. */
export interface StoredResource {
  id: string;
  version: number;
}

/**
 * What /Users and /Groups differ in when they list and answer with resources. The protocol around
 * it (projection, ETag, Location, 304, 204, paging, expensive pages) is the functions below, once;
 * the cross-type /.search renders with the same `render`.
 */
export interface ResourceType<R extends StoredResource> {
  /** The resource type, as the attribute registry and `meta.resourceType` name it. */
  readonly kind: ResourceKind;
  /** The endpoint under the tenant's base URL (Location, meta.location). */
  readonly endpoint: 'Users' | 'Groups';
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
}

/** `attributes` / `excludedAttributes` of the query string (RFC 7644 §3.9), for one-resource answers. */
export function projectionOf(ctx: ScimContext): ProjectionOptions {
  return readListParams({ ...ctx.query }, 1).projection;
}

/** Reads the JSON body of a create, replace or patch, and keeps it for the provisioning log. */
export async function readResourceBody(ctx: ScimContext, settings: ScimSettings): Promise<unknown> {
  const body = await readJsonBody(ctx, settings.maxBodyBytes);
  ctx.state.scim.body = body;
  return body;
}

/**
 * Answers with one resource, projected as the query string asks: its ETag, a Location when it was
 * created (201), as application/scim+json.
 */
export async function sendResource<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  status: 200 | 201,
  resource: R,
  projection: ProjectionOptions = projectionOf(ctx),
): Promise<void> {
  const [json] = await type.render(ctx.state.scim, [resource], projection);
  if (status === 201)
    ctx.set('Location', resourceLocation(ctx.state.scim.baseUrl, type.endpoint, resource.id));
  setEtag(ctx, resource.version);
  sendScim(ctx, status, json);
}

/** Answers a GET of one resource: 304 with its ETag when If-None-Match names its version. */
export async function sendRead<R extends StoredResource>(
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
export async function sendPatched<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  resource: R,
): Promise<void> {
  const projection = projectionOf(ctx);
  if (projection.attributes || projection.excludedAttributes) {
    return sendResource(ctx, type, 200, resource, projection);
  }
  setEtag(ctx, resource.version);
  ctx.status = 204;
}

/** Answers GET /<endpoint> and POST /<endpoint>/.search: one page as a ListResponse. */
export async function searchResources<R extends StoredResource>(
  ctx: ScimContext,
  type: ResourceType<R>,
  source: Record<string, unknown>,
  settings: ScimSettings,
): Promise<void> {
  const params = readListParams(source, settings.maxResults);
  await asExpensive(ctx, type.isLarge(params), async () => {
    const page = await type.list(ctx.state.scim.dctx, params.request);
    const resources = await type.render(ctx.state.scim, page.items, params.projection);
    await sendListResponse(ctx, listResponse(resources, pageOf(params, page)));
  });
}
