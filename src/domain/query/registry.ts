/**
 * The one attribute registry shared by SCIM and GraphQL: which attribute paths exist for users and
 * groups, where they live in PostgreSQL and how they compare (RFC 7643 types and caseExact).
 * SQL is written against the aliases `u` (app_user) and `g` ("group"); the compiler relies on them.
 */
import { DomainError } from '../errors';
import type { AttrPath, ResourceKind } from './ast';

export type AttrType = 'string' | 'boolean' | 'datetime' | 'integer' | 'reference';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The table alias each resource's SQL is written against. */
export const RESOURCE_ALIAS: Readonly<Record<ResourceKind, string>> = { User: 'u', Group: 'g' };

/** A single-valued attribute backed by a column (or a scalar subquery). */
export interface ScalarAttribute {
  readonly kind: 'scalar';
  readonly scimPath: string;
  readonly schema: string;
  readonly graphqlField?: string;
  /** Column expression, qualified with `u` or `g`. */
  readonly sql: string;
  readonly type: AttrType;
  readonly caseExact: boolean;
  readonly sortable: boolean;
  /** The column is a uuid: a value that is not a UUID matches nothing instead of raising. */
  readonly uuid?: boolean;
  /** An index keeps it unique per tenant: an equality on it finds at most one row. */
  readonly unique?: boolean;
}

/** A sub-attribute of a multi-valued attribute; `sql` uses the source's element alias. */
export interface SubAttribute {
  readonly name: string;
  readonly sql: string;
  readonly type: AttrType;
  readonly caseExact: boolean;
  readonly uuid?: boolean;
}

/**
 * Where the elements of a multi-valued attribute come from: a jsonb array column (element alias
 * `e`, each element an object) or a correlated relation (`from` + `where`, aliases as written).
 */
export type MultiValuedSource =
  | { readonly kind: 'jsonb'; readonly column: string }
  | { readonly kind: 'relation'; readonly from: string; readonly where: string };

/** A multi-valued attribute: `attr op v` and `attr[...]` test whether some element matches. */
export interface MultiValuedAttribute {
  readonly kind: 'multi';
  readonly scimPath: string;
  readonly schema: string;
  readonly graphqlField?: string;
  readonly source: MultiValuedSource;
  /** Keyed by lower-case sub-attribute name. `value` is what `attr eq "x"` compares. */
  readonly subAttributes: Readonly<Record<string, SubAttribute>>;
}

export type AttributeDef = ScalarAttribute | MultiValuedAttribute;

/** A resolved path: a scalar, or a multi-valued attribute with the sub-attribute named, if any. */
export type ResolvedAttribute =
  | { readonly def: ScalarAttribute; readonly sub?: undefined }
  | { readonly def: MultiValuedAttribute; readonly sub?: SubAttribute };

type ScalarOptions = Partial<
  Pick<ScalarAttribute, 'graphqlField' | 'type' | 'caseExact' | 'sortable' | 'uuid' | 'unique'>
>;

function scalar(scimPath: string, schema: string, sql: string, options: ScalarOptions = {}): ScalarAttribute {
  return {
    kind: 'scalar',
    scimPath,
    schema,
    sql,
    type: 'string',
    caseExact: false,
    sortable: true,
    ...options,
  };
}

function jsonSub(name: string, type: AttrType = 'string', caseExact = false): SubAttribute {
  // Entra sends primary as a boolean or as "True"/"False"; lower(text) = 'true' reads both.
  const sql = type === 'boolean' ? `(lower(e->>'${name}') = 'true')` : `e->>'${name}'`;
  return { name, sql, type, caseExact };
}

function jsonbMulti(scimPath: string, column: string, subs: SubAttribute[]): MultiValuedAttribute {
  return {
    kind: 'multi',
    scimPath,
    schema: USER_SCHEMA,
    source: { kind: 'jsonb', column },
    subAttributes: Object.fromEntries(subs.map((s) => [s.name.toLowerCase(), s])),
  };
}

const STANDARD_SUBS = [jsonSub('value'), jsonSub('display'), jsonSub('type'), jsonSub('primary', 'boolean')];

const USER_ATTRIBUTES: AttributeDef[] = [
  scalar('id', USER_SCHEMA, 'u.id', { caseExact: true, uuid: true, unique: true, graphqlField: 'id' }),
  scalar('externalId', USER_SCHEMA, 'u.external_id', { caseExact: true, graphqlField: 'externalId' }),
  scalar('userName', USER_SCHEMA, 'u.user_name', { unique: true, graphqlField: 'userName' }),
  scalar('active', USER_SCHEMA, 'u.active', { type: 'boolean', graphqlField: 'active' }),
  scalar('displayName', USER_SCHEMA, 'u.display_name', { graphqlField: 'displayName' }),
  scalar('name.formatted', USER_SCHEMA, 'u.name_formatted'),
  scalar('name.familyName', USER_SCHEMA, 'u.family_name', { graphqlField: 'familyName' }),
  scalar('name.givenName', USER_SCHEMA, 'u.given_name', { graphqlField: 'givenName' }),
  scalar('name.middleName', USER_SCHEMA, 'u.middle_name'),
  scalar('name.honorificPrefix', USER_SCHEMA, 'u.honorific_prefix'),
  scalar('name.honorificSuffix', USER_SCHEMA, 'u.honorific_suffix'),
  scalar('nickName', USER_SCHEMA, 'u.nick_name'),
  scalar('profileUrl', USER_SCHEMA, 'u.profile_url', { type: 'reference' }),
  scalar('title', USER_SCHEMA, 'u.title', { graphqlField: 'title' }),
  scalar('userType', USER_SCHEMA, 'u.user_type'),
  scalar('preferredLanguage', USER_SCHEMA, 'u.preferred_language'),
  scalar('locale', USER_SCHEMA, 'u.locale'),
  scalar('timezone', USER_SCHEMA, 'u.timezone'),
  scalar('meta.created', USER_SCHEMA, 'u.created_at', { type: 'datetime', graphqlField: 'createdAt' }),
  scalar('meta.lastModified', USER_SCHEMA, 'u.updated_at', { type: 'datetime', graphqlField: 'updatedAt' }),
  scalar('employeeNumber', ENTERPRISE_SCHEMA, 'u.employee_number', { graphqlField: 'employeeNumber' }),
  scalar('costCenter', ENTERPRISE_SCHEMA, 'u.cost_center', { graphqlField: 'costCenter' }),
  scalar('organization', ENTERPRISE_SCHEMA, 'u.organization', { graphqlField: 'organization' }),
  scalar('division', ENTERPRISE_SCHEMA, 'u.division', { graphqlField: 'division' }),
  scalar('department', ENTERPRISE_SCHEMA, 'u.department', { graphqlField: 'department' }),
  // `manager eq "id"` compares the manager's id, like `manager.value` (RFC 7643 §4.3).
  scalar('manager', ENTERPRISE_SCHEMA, 'u.manager_id', { caseExact: true, uuid: true, sortable: false }),
  scalar('manager.value', ENTERPRISE_SCHEMA, 'u.manager_id', {
    caseExact: true,
    uuid: true,
    sortable: false,
  }),
  scalar(
    'manager.displayName',
    ENTERPRISE_SCHEMA,
    '(select mgr.display_name from app_user mgr where mgr.id = u.manager_id)',
    { sortable: false },
  ),
  jsonbMulti('emails', 'u.emails', STANDARD_SUBS),
  jsonbMulti('phoneNumbers', 'u.phone_numbers', STANDARD_SUBS),
  jsonbMulti('ims', 'u.ims', STANDARD_SUBS),
  jsonbMulti('photos', 'u.photos', [jsonSub('value', 'reference'), ...STANDARD_SUBS.slice(1)]),
  jsonbMulti('entitlements', 'u.entitlements', STANDARD_SUBS),
  // RFC 7643: certificate values are binary (base64) and therefore case-exact.
  jsonbMulti('x509Certificates', 'u.x509_certificates', [
    jsonSub('value', 'string', true),
    ...STANDARD_SUBS.slice(1),
  ]),
  jsonbMulti('addresses', 'u.addresses', [
    ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) =>
      jsonSub(n),
    ),
    jsonSub('primary', 'boolean'),
  ]),
  {
    kind: 'multi',
    scimPath: 'roles',
    schema: USER_SCHEMA,
    graphqlField: 'roles',
    source: {
      kind: 'relation',
      from: 'user_role ur join role r on r.id = ur.role_id',
      where: 'ur.user_id = u.id',
    },
    subAttributes: {
      value: { name: 'value', sql: 'r.value', type: 'string', caseExact: false },
      display: { name: 'display', sql: 'r.display', type: 'string', caseExact: false },
      type: { name: 'type', sql: 'r.type', type: 'string', caseExact: false },
      primary: { name: 'primary', sql: 'ur."primary"', type: 'boolean', caseExact: false },
    },
  },
  {
    // RFC 7643 `groups` (read-only): the groups a user is directly a member of.
    kind: 'multi',
    scimPath: 'groups',
    schema: USER_SCHEMA,
    graphqlField: 'groups',
    source: {
      kind: 'relation',
      from: 'membership mg join "group" gg on gg.id = mg.group_id',
      where: 'mg.member_user_id = u.id',
    },
    subAttributes: {
      value: { name: 'value', sql: 'mg.group_id', type: 'string', caseExact: true, uuid: true },
      display: { name: 'display', sql: 'gg.display_name', type: 'string', caseExact: false },
    },
  },
];

const GROUP_ATTRIBUTES: AttributeDef[] = [
  scalar('id', GROUP_SCHEMA, 'g.id', { caseExact: true, uuid: true, unique: true, graphqlField: 'id' }),
  scalar('externalId', GROUP_SCHEMA, 'g.external_id', { caseExact: true, graphqlField: 'externalId' }),
  scalar('displayName', GROUP_SCHEMA, 'g.display_name', { unique: true, graphqlField: 'displayName' }),
  scalar('meta.created', GROUP_SCHEMA, 'g.created_at', { type: 'datetime', graphqlField: 'createdAt' }),
  scalar('meta.lastModified', GROUP_SCHEMA, 'g.updated_at', { type: 'datetime', graphqlField: 'updatedAt' }),
  {
    kind: 'multi',
    scimPath: 'members',
    schema: GROUP_SCHEMA,
    graphqlField: 'members',
    source: { kind: 'relation', from: 'membership m', where: 'm.group_id = g.id' },
    subAttributes: {
      value: { name: 'value', sql: 'm.member_id', type: 'string', caseExact: true, uuid: true },
      display: { name: 'display', sql: 'm.display', type: 'string', caseExact: false },
      type: {
        name: 'type',
        sql: "(case when m.member_user_id is null then 'Group' else 'User' end)",
        type: 'string',
        caseExact: false,
      },
    },
  },
];

function index(defs: AttributeDef[]): ReadonlyMap<string, AttributeDef> {
  return new Map(defs.map((d) => [d.scimPath.toLowerCase(), d]));
}

const REGISTRY: Readonly<Record<ResourceKind, ReadonlyMap<string, AttributeDef>>> = {
  User: index(USER_ATTRIBUTES),
  Group: index(GROUP_ATTRIBUTES),
};

/** Every attribute of a resource kind (for discovery documents and GraphQL field mapping). */
export function listAttributes(kind: ResourceKind): readonly AttributeDef[] {
  return [...REGISTRY[kind].values()];
}

/** Formats a path as written, for error messages. */
export function formatAttrPath(path: AttrPath): string {
  const name = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

function unknown(path: AttrPath): DomainError {
  const name = formatAttrPath(path);
  return new DomainError('INVALID_FILTER', `Unknown attribute "${name}" in filter`, { attribute: name });
}

/** The definition of `path.attr` alone (ignoring `path.sub`), or undefined; the schema must match. */
export function findAttribute(kind: ResourceKind, path: AttrPath): AttributeDef | undefined {
  const def = REGISTRY[kind].get(path.attr.toLowerCase());
  return def !== undefined && (path.schema === undefined || path.schema === def.schema.toLowerCase())
    ? def
    : undefined;
}

/**
 * Resolves a path (case-insensitive; an optional schema URN must be the attribute's own) to its
 * definition. `emails.value` resolves to the multi-valued `emails` with `sub` = the sub-attribute.
 * Throws DomainError INVALID_FILTER for unknown attributes.
 */
export function resolveAttribute(kind: ResourceKind, path: AttrPath): ResolvedAttribute {
  const attrs = REGISTRY[kind];
  const sub = path.sub?.toLowerCase();
  const full = sub === undefined ? undefined : attrs.get(`${path.attr.toLowerCase()}.${sub}`);
  const def = full ?? attrs.get(path.attr.toLowerCase());
  if (def === undefined || (path.schema !== undefined && path.schema !== def.schema.toLowerCase())) {
    throw unknown(path);
  }
  if (def.kind === 'scalar') {
    // `userName.foo` is not an attribute; `name.givenName` was found as a whole above.
    if (full === undefined && sub !== undefined) throw unknown(path);
    return { def };
  }
  if (sub === undefined) return { def };
  const subDef = def.subAttributes[sub];
  if (subDef === undefined) throw unknown(path);
  return { def, sub: subDef };
}

/** Resolves a sub-attribute inside a value filter (`emails[type eq "work"]` → `type`). */
export function resolveSubAttribute(def: MultiValuedAttribute, path: AttrPath): SubAttribute {
  const subDef =
    path.sub === undefined && path.schema === undefined
      ? def.subAttributes[path.attr.toLowerCase()]
      : undefined;
  if (subDef === undefined) {
    const name = `${def.scimPath}.${formatAttrPath(path)}`;
    throw new DomainError('INVALID_FILTER', `Unknown attribute "${name}" in filter`, { attribute: name });
  }
  return subDef;
}
