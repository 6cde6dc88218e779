/**
 * The attribute registry shared by SCIM and GraphQL filters and sorting: which attribute paths
 * exist for users and groups, where they live in PostgreSQL and how they compare. It is derived
 * from the resource definitions (users/user.definition.ts, groups/group.definition.ts), never
 * written by hand. SQL is written against the aliases `u` (app_user) and `g` ("group").
 */
import { DomainError } from '../errors';
import { GROUP_DEFINITION } from '../groups/group.definition';
import type { Attribute, AttributeType, ResourceDefinition, Storage } from '../schema/attribute';
import { USER_DEFINITION } from '../users/user.definition';
import type { AttrPath, ResourceKind } from './ast';

/** How a filter compares an attribute: its RFC 7643 type, binary values compared as their text. */
export type AttrType = Extract<AttributeType, 'string' | 'boolean' | 'dateTime' | 'integer' | 'reference'>;

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
  /** A per-tenant index serves an equality on it (not unique: it may find a few rows). */
  readonly indexed?: boolean;
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

const DEFINITIONS: Readonly<Record<ResourceKind, ResourceDefinition>> = {
  User: USER_DEFINITION,
  Group: GROUP_DEFINITION,
};

/** Binary values (certificates) are compared as their base64 text; complex ones never directly. */
function comparedAs(type: AttributeType): AttrType {
  switch (type) {
    case 'boolean':
    case 'integer':
    case 'reference':
    case 'string':
    case 'dateTime':
      return type;
    case 'binary':
    case 'complex':
    case 'decimal':
      return 'string';
  }
}

/** SQL for a stored single value: a column of the resource's row, or an expression. */
function scalarSql(storage: Storage | undefined, alias: string): string | undefined {
  if (storage?.kind === 'column') return `${alias}.${storage.column}`;
  if (storage?.kind === 'expression') return storage.sql;
  return undefined;
}

function scalarOf(scimPath: string, schema: string, a: Attribute, alias: string): ScalarAttribute[] {
  const sql = scalarSql(a.storage, alias);
  if (sql === undefined || (a.storage?.kind !== 'column' && a.storage?.kind !== 'expression')) return [];
  const s = a.storage;
  return [
    {
      kind: 'scalar',
      scimPath,
      schema,
      ...(a.graphqlField !== undefined && { graphqlField: a.graphqlField }),
      sql,
      type: comparedAs(a.type),
      caseExact: a.caseExact,
      sortable: s.unsortable !== true,
      ...(s.uuid && { uuid: true }),
      ...(s.kind === 'column' && s.unique && { unique: true }),
      ...(s.kind === 'column' && s.indexed && { indexed: true }),
    },
  ];
}

function subOf(a: Attribute, sql: string): SubAttribute {
  return {
    name: a.name,
    sql,
    type: comparedAs(a.type),
    caseExact: a.caseExact,
    ...(a.storage && 'uuid' in a.storage && a.storage.uuid && { uuid: true }),
  };
}

function multiOf(a: Attribute, schema: string, alias: string): MultiValuedAttribute[] {
  const storage = a.storage;
  if (storage?.kind !== 'jsonb' && storage?.kind !== 'relation') return [];
  const subs: SubAttribute[] = [];
  for (const sub of a.subAttributes ?? []) {
    if (storage.kind === 'jsonb') {
      // Entra sends primary as a boolean or as "True"/"False"; lower(text) = 'true' reads both.
      const text = `e->>'${sub.name}'`;
      subs.push(subOf(sub, sub.type === 'boolean' ? `(lower(${text}) = 'true')` : text));
    } else if (sub.storage?.kind === 'expression') {
      subs.push(subOf(sub, sub.storage.sql));
    }
  }
  return [
    {
      kind: 'multi',
      scimPath: a.name,
      schema,
      ...(a.graphqlField !== undefined && { graphqlField: a.graphqlField }),
      source:
        storage.kind === 'jsonb'
          ? { kind: 'jsonb', column: `${alias}.${storage.column}` }
          : { kind: 'relation', from: storage.from, where: storage.where },
      subAttributes: Object.fromEntries(subs.map((s) => [s.name.toLowerCase(), s])),
    },
  ];
}

/**
 * The filterable attributes of a definition: every stored single value by its path
 * (`name.givenName`), every stored multi-valued attribute with its stored sub-attributes, and a
 * single-valued complex attribute with a stored `value` as that value (`manager eq "id"`).
 */
function filterable(def: ResourceDefinition): AttributeDef[] {
  const alias = RESOURCE_ALIAS[def.kind];
  const out: AttributeDef[] = [];
  for (const schema of [def.core, ...def.extensions]) {
    for (const a of schema.attributes) {
      if (a.multiValued) out.push(...multiOf(a, schema.id, alias));
      else if (a.type !== 'complex') out.push(...scalarOf(a.name, schema.id, a, alias));
      else {
        const value = a.subAttributes?.find((s) => s.name === 'value');
        if (value) out.push(...scalarOf(a.name, schema.id, value, alias));
        for (const sub of a.subAttributes ?? [])
          out.push(...scalarOf(`${a.name}.${sub.name}`, schema.id, sub, alias));
      }
    }
  }
  return out;
}

function index(defs: AttributeDef[]): ReadonlyMap<string, AttributeDef> {
  return new Map(defs.map((d) => [d.scimPath.toLowerCase(), d]));
}

const REGISTRY: Readonly<Record<ResourceKind, ReadonlyMap<string, AttributeDef>>> = {
  User: index(filterable(DEFINITIONS.User)),
  Group: index(filterable(DEFINITIONS.Group)),
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
