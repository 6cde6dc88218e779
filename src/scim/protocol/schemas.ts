/** Schema and message URNs of SCIM 2.0 (RFC 7643 §8.7, RFC 7644 §3, RFC 9865). */
// The resource schemas' URNs belong to their definitions (domain/schema/attribute.ts).
export { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from '../../domain/schema/attribute';
export const SCHEMA_SERVICE_PROVIDER_CONFIG = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const SCHEMA_RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export const SCHEMA_LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCHEMA_SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/**
 * Our own extension of the ServiceProviderConfig: the body-size limit and the documented decisions a
 * client cannot read from the RFC attributes. RFC 7643 §3.3 lets a provider add extension schemas.
 */
export const SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG =
  'urn:checkproof:params:scim:schemas:extension:directory:2.0:ServiceProviderConfig';

/** `${baseUrl}/${endpoint}/${id}`, tolerating a trailing slash on the base URL. */
export function resourceLocation(baseUrl: string, endpoint: 'Users' | 'Groups', id: string): string {
  return `${trimSlash(baseUrl)}/${endpoint}/${encodeURIComponent(id)}`;
}

/** The `meta` of a User or Group representation (RFC 7643 §3.1). */
export type ScimMeta = {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version: string;
};

/** The weak entity tag of a record version: `W/"3"` (RFC 7644 §3.14); also the `ETag` header value. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** `meta` for a stored record. */
export function resourceMeta(
  resourceType: 'User' | 'Group',
  baseUrl: string,
  record: { id: string; createdAt: Date; updatedAt: Date; version: number },
): ScimMeta {
  return {
    resourceType,
    created: record.createdAt.toISOString(),
    lastModified: record.updatedAt.toISOString(),
    location: resourceLocation(baseUrl, resourceType === 'User' ? 'Users' : 'Groups', record.id),
    version: etagOf(record.version),
  };
}

/** The base URL without trailing slashes (admins paste both forms). */
export function trimSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * Splits a URN-qualified attribute path (`urn:…:enterprise:2.0:User:manager.value`) into the schema
 * URN and the rest. `knownUrns` are tried first (case-insensitive), so dotted URN parts such as
 * `2.0` are never mistaken for a sub-attribute separator. Unqualified paths return `schema: undefined`.
 */
export function splitSchemaPrefix(
  path: string,
  knownUrns: readonly string[],
): { schema: string | undefined; rest: string } {
  if (!/^urn:/i.test(path)) return { schema: undefined, rest: path };
  const lower = path.toLowerCase();
  const known = [...knownUrns]
    .sort((a, b) => b.length - a.length)
    .find((urn) => lower === urn.toLowerCase() || lower.startsWith(`${urn.toLowerCase()}:`));
  if (known) return { schema: known, rest: path.slice(known.length + 1) };
  // Unknown URN: the attribute is what follows the last colon, sub-attributes included.
  const lastColon = path.lastIndexOf(':');
  return { schema: path.slice(0, lastColon), rest: path.slice(lastColon + 1) };
}
