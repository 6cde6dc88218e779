import type { ListResponse } from './list-response';
import { listResponse } from './list-response';
import { GROUP_DEFINITION, UNKNOWN_MEMBER_POLICY } from '../../domain/groups/group.definition';
import { USER_DEFINITION } from '../../domain/users/user.definition';
import type { AttributeDefinition } from './schema-definitions/attribute';
import { publishSchema } from './schema-definitions/attribute';
import {
  SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG,
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_RESOURCE_TYPE,
  SCHEMA_SCHEMA,
  SCHEMA_SERVICE_PROVIDER_CONFIG,
  SCHEMA_USER,
  trimSlash,
} from './schemas';

export interface DiscoveryOptions {
  /** Most resources one list response returns (config SCIM_MAX_RESULTS). */
  maxResults: number;
  /** Largest request body accepted (config SCIM_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Page size when a request has no `count`; defaults to min(100, maxResults). */
  defaultPageSize?: number;
  /** Seconds a pagination cursor stays valid; defaults to 3600. */
  cursorTimeoutSeconds?: number;
}

export interface DiscoveryMeta {
  resourceType: 'ServiceProviderConfig' | 'ResourceType' | 'Schema';
  location: string;
}

export interface ResourceTypeDocument {
  schemas: [typeof SCHEMA_RESOURCE_TYPE];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
  meta: DiscoveryMeta;
}

export interface SchemaDocument {
  schemas: [typeof SCHEMA_SCHEMA];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
  meta: DiscoveryMeta;
}

/** GET /ServiceProviderConfig body (RFC 7643 §5 + RFC 9865 §4 + our extension). */
export interface ServiceProviderConfigDocument {
  schemas: string[];
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  pagination: {
    cursor: boolean;
    index: boolean;
    defaultPaginationMethod: 'index' | 'cursor';
    defaultPageSize: number;
    maxPageSize: number;
    cursorTimeout: number;
  };
  authenticationSchemes: {
    type: string;
    name: string;
    description: string;
    specUri: string;
    primary: boolean;
  }[];
  [SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG]: { maxRequestBodyBytes: number; documentation: string[] };
  meta: DiscoveryMeta;
}

/** Decisions a client cannot read from the RFC attributes; published in our SPC extension. */
const DOCUMENTED_BEHAVIOUR = [
  UNKNOWN_MEMBER_POLICY,
  'Attribute names are case-insensitive; null values are treated as absent; values are stored exactly as sent.',
  'password is accepted and discarded: users sign in through Microsoft Entra ID.',
  'externalId is not unique: several users or groups may share one.',
];

/** GET /ServiceProviderConfig (RFC 7643 §5, pagination per RFC 9865 §4). */
export function serviceProviderConfig(
  baseUrl: string,
  opts: DiscoveryOptions,
): ServiceProviderConfigDocument {
  const base = trimSlash(baseUrl);
  return {
    schemas: [SCHEMA_SERVICE_PROVIDER_CONFIG, SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: opts.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      // Existing index-based clients (Entra among them) keep working without asking for cursors.
      defaultPaginationMethod: 'index',
      defaultPageSize: opts.defaultPageSize ?? Math.min(100, opts.maxResults),
      maxPageSize: opts.maxResults,
      cursorTimeout: opts.cursorTimeoutSeconds ?? 3600,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          "The tenant's provisioning secret token, sent as 'Authorization: Bearer <token>' on every request.",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    [SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG]: {
      maxRequestBodyBytes: opts.maxBodyBytes,
      documentation: DOCUMENTED_BEHAVIOUR,
    },
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

/** The resource types (RFC 7643 §6), User first. */
export function resourceTypes(baseUrl: string): ResourceTypeDocument[] {
  const base = trimSlash(baseUrl);
  const type = (
    id: string,
    endpoint: string,
    description: string,
    schema: string,
    schemaExtensions: ResourceTypeDocument['schemaExtensions'],
  ): ResourceTypeDocument => ({
    schemas: [SCHEMA_RESOURCE_TYPE],
    id,
    name: id,
    endpoint,
    description,
    schema,
    schemaExtensions,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${id}` },
  });
  return [
    type('User', '/Users', 'User Account', SCHEMA_USER, [
      { schema: SCHEMA_ENTERPRISE_USER, required: false },
    ]),
    type('Group', '/Groups', 'Group', SCHEMA_GROUP, []),
  ];
}

/** The published schemas, from the resource definitions: core User, enterprise extension, Group. */
const PUBLISHED = [USER_DEFINITION.core, ...USER_DEFINITION.extensions, GROUP_DEFINITION.core].map(
  publishSchema,
);

/** The schemas (RFC 7643 §7): core User, enterprise User extension, core Group. */
export function schemaDocuments(baseUrl: string): SchemaDocument[] {
  const base = trimSlash(baseUrl);
  return PUBLISHED.map((s) => ({
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  }));
}

/** GET /ResourceTypes. */
export function resourceTypesListResponse(baseUrl: string): ListResponse<ResourceTypeDocument> {
  const all = resourceTypes(baseUrl);
  return listResponse(all, { totalResults: all.length, startIndex: 1 });
}

/** GET /Schemas. */
export function schemasListResponse(baseUrl: string): ListResponse<SchemaDocument> {
  const all = schemaDocuments(baseUrl);
  return listResponse(all, { totalResults: all.length, startIndex: 1 });
}

/** GET /ResourceTypes/{id}; `id` matched case-insensitively; undefined → 404. */
export function findResourceType(baseUrl: string, id: string): ResourceTypeDocument | undefined {
  return resourceTypes(baseUrl).find((t) => t.id.toLowerCase() === id.toLowerCase());
}

/** GET /Schemas/{urn}; `id` matched case-insensitively; undefined → 404. */
export function findSchema(baseUrl: string, id: string): SchemaDocument | undefined {
  return schemaDocuments(baseUrl).find((s) => s.id.toLowerCase() === id.toLowerCase());
}
