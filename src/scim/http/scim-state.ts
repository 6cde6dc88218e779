import type { RouterContext } from '@koa/router';
import type { DirectoryContext } from '../../domain/context';
import type { RequestState } from '../../http/state';

/** A SCIM request once its tenant token is verified (set by scimAuth). */
export interface ScimRequest {
  /** The domain context, bound to the tenant the token belongs to. */
  dctx: DirectoryContext;
  /** The tenant's SCIM base URL (the Provisioning URL), for locations and $ref. */
  baseUrl: string;
  /** Request body for the provisioning log (secrets removed later). */
  body?: unknown;
  /** Credential that authenticated the request. */
  credentialId: string;
  /** The resource the request read or changed, once the route knows it (for the provisioning log). */
  touched?: { id: string; name?: string };
  /** totalResults of a list the request answered (for the provisioning log's Test Connection check). */
  listed?: number;
}

/** State of a SCIM request once its tenant token is verified. */
export interface ScimState extends RequestState {
  scim: ScimRequest;
}

/**
 * What a SCIM route handler is given: the request state with the verified tenant (`state.scim`)
 * and the route's path parameters. Routers are `Router<ScimState>`, so handlers need no cast.
 */
export type ScimContext = RouterContext<ScimState>;

/** The `:id` of a route such as `/Users/:id` or `/Schemas/:id`; those routes match only with one. */
export function resourceId(ctx: ScimContext): string {
  const { id } = ctx.params;
  if (id === undefined) throw new Error(`No :id parameter in the route for ${ctx.method} ${ctx.path}`);
  return id;
}

export interface ScimSettings {
  publicUrl: string;
  maxBodyBytes: number;
  maxResults: number;
}
