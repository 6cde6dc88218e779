/**
 * The vocabulary of the one attribute definition per resource (users/user.definition.ts,
 * groups/group.definition.ts). An attribute is described once, with its RFC 7643 §7
 * characteristics and where it is stored; every other view is derived from that description:
 * the /Schemas documents, the PATCH attribute model, the always-returned set of projections, the
 * filter/sort registry, the writable columns and the row ↔ record mapping (ADR 0007).
 */

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §2.3 data types, spelled as /Schemas publishes them. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/**
 * Where a value lives. `record` is its dotted path in the domain record (`enterprise.costCenter`);
 * only attributes with a `record` are written by creates and updates. `__value` is never set: it
 * carries the record value's TypeScript type, from which the record types are derived.
 */
export type Storage =
  /** A column of the resource's table (`alias.column` in SQL). */
  | {
      readonly kind: 'column';
      readonly column: string;
      readonly record?: string;
      /** A uuid column: a filter value that is not a UUID matches nothing instead of raising. */
      readonly uuid?: true;
      /** A per-tenant unique index: an equality on it finds at most one row. */
      readonly unique?: true;
      /** A per-tenant index (not unique): an equality on it finds its few rows through that index. */
      readonly indexed?: true;
      /** Filters may compare it but results cannot be sorted by it. */
      readonly unsortable?: true;
      /** A reference the service checks and writes itself (the manager), not copied from input. */
      readonly resolved?: true;
      /** The record value when input gives none (default null). */
      readonly absent?: unknown;
      readonly __value?: unknown;
    }
  /** A jsonb array of objects, one per value of a multi-valued attribute (element alias `e`). */
  | { readonly kind: 'jsonb'; readonly column: string; readonly record: string; readonly __value?: unknown }
  /** Rows of other tables, correlated by `where` (a multi-valued attribute). */
  | { readonly kind: 'relation'; readonly from: string; readonly where: string }
  /** An SQL expression over the row or the relation's aliases (filters only). */
  | { readonly kind: 'expression'; readonly sql: string; readonly uuid?: true; readonly unsortable?: true };

export interface Attribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly canonicalValues?: readonly string[];
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly Attribute[];
  /** Absent: computed on output (`$ref`, `meta.location`) or accepted and dropped (`password`). */
  readonly storage?: Storage;
  /** The typed GraphQL filter field that compares this attribute, where there is one. */
  readonly graphqlField?: string;
  /** False for attributes PATCH accepts that /Schemas does not list (`password`, never stored). */
  readonly advertised: boolean;
}

/** A schema (core or extension) as /Schemas lists it. */
export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly Attribute[];
}

/** One resource type: its core schema and its extensions, each attribute described once. */
export interface ResourceDefinition {
  readonly kind: 'User' | 'Group';
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

// `unknown` would absorb a union before it becomes an intersection; an empty object does not.
type Nothing = Record<never, never>;

type Options = Partial<Omit<Attribute, 'name' | 'type' | 'description' | 'subAttributes'>>;

/** What a builder returns: an Attribute whose `storage` and `subAttributes` keep their exact types. */
type Built<O, S = undefined> = Omit<Attribute, 'storage' | 'subAttributes'> &
  (O extends { readonly storage: infer St } ? { readonly storage: St } : { readonly storage?: undefined }) &
  (S extends readonly Attribute[] ? { readonly subAttributes: S } : { readonly subAttributes?: undefined });

/** Every characteristic spelled out (RFC 7643 §7 defaults where not given), in a stable key order. */
function attribute<O extends Options, S extends readonly Attribute[] | undefined = undefined>(
  name: string,
  type: AttributeType,
  description: string,
  o: O,
  subAttributes?: S,
): Built<O, S> {
  const a: Attribute = {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description,
    required: o.required ?? false,
    caseExact: o.caseExact ?? false,
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
    ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
    ...(subAttributes ? { subAttributes } : {}),
    ...(o.storage ? { storage: o.storage } : {}),
    ...(o.graphqlField ? { graphqlField: o.graphqlField } : {}),
    advertised: o.advertised ?? true,
  };
  return a as Built<O, S>;
}

export const str = <const O extends Options = Nothing>(name: string, description: string, o?: O) =>
  attribute(name, 'string', description, o ?? ({} as O));

export const bool = <const O extends Options = Nothing>(name: string, description: string, o?: O) =>
  attribute(name, 'boolean', description, o ?? ({} as O));

export const dateTime = <const O extends Options = Nothing>(name: string, description: string, o?: O) =>
  attribute(name, 'dateTime', description, o ?? ({} as O));

export const binary = <const O extends Options = Nothing>(name: string, description: string, o?: O) =>
  attribute(name, 'binary', description, { caseExact: true, ...(o ?? ({} as O)) });

export const reference = <const O extends Options = Nothing>(
  name: string,
  description: string,
  referenceTypes: readonly string[],
  o?: O,
) => attribute(name, 'reference', description, { ...(o ?? ({} as O)), referenceTypes });

export const complex = <const S extends readonly Attribute[], const O extends Options = Nothing>(
  name: string,
  description: string,
  subAttributes: S,
  o?: O,
) => attribute(name, 'complex', description, o ?? ({} as O), subAttributes);

// Storage builders. The type parameter `V` is the record value's type.

/**
 * A column holding the record value at `record`, of type `V` (`columnOf<boolean>()('active', 'active')`).
 * Curried so that `V` is given and the record path is still inferred as a literal.
 */
export const columnOf =
  <V>() =>
  <const R extends string>(
    name: string,
    record: R,
    more: {
      uuid?: true;
      unique?: true;
      indexed?: true;
      unsortable?: true;
      resolved?: true;
      absent?: NoInfer<V>;
    } = {},
  ) =>
    ({ kind: 'column', column: name, record, ...more }) as {
      readonly kind: 'column';
      readonly column: string;
      readonly record: R;
      readonly uuid?: true;
      readonly unique?: true;
      readonly indexed?: true;
      readonly unsortable?: true;
      readonly resolved?: true;
      readonly absent?: NoInfer<V>;
      readonly __value?: NoInfer<V>;
    };

/** A text column: `string | null` in the record. */
export const column = columnOf<string | null>();

/** A column the server maintains (id, timestamps): filterable, never written from input. */
export const serverColumn = (name: string, more: { uuid?: true; unique?: true } = {}) =>
  ({ kind: 'column', column: name, ...more }) as const;

/** A jsonb array column holding the record's list of `E` at `record`. */
export const jsonbOf =
  <E>() =>
  <const R extends string>(name: string, record: R) =>
    ({ kind: 'jsonb', column: name, record }) as {
      readonly kind: 'jsonb';
      readonly column: string;
      readonly record: R;
      readonly __value?: NoInfer<E[]>;
    };

export const relation = (from: string, where: string) => ({ kind: 'relation', from, where }) as const;

export const expression = (sql: string, more: { uuid?: true; unsortable?: true } = {}) =>
  ({ kind: 'expression', sql, ...more }) as const;

// The record type a definition implies: every stored attribute at its `record` path.

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type Nest<P extends string, V> = P extends `${infer H}.${infer R}`
  ? { [K in H]: Nest<R, V> }
  : { [K in P]: V };
type Leaf<A> = A extends {
  readonly storage: { readonly record: infer P extends string; readonly __value?: infer V };
}
  ? Nest<P, V>
  : Nothing;
type Walk<A> = A extends unknown
  ? Leaf<A> &
      (A extends { readonly subAttributes: infer S extends readonly unknown[] } ? WalkAll<S> : Nothing)
  : never;
type WalkAll<L extends readonly unknown[]> = UnionToIntersection<Walk<L[number]>>;
type Expand<T> = T extends object
  ? T extends readonly unknown[]
    ? T
    : { -readonly [K in keyof T]: Expand<T[K]> }
  : T;

/** The record shape of the attributes a list of definitions stores (`record` paths nested). */
export type RecordOf<L extends readonly unknown[]> = Expand<WalkAll<L>>;

/**
 * A multi-valued complex attribute with the usual value/display/type/primary (RFC 7643 §2.4).
 * In a jsonb array each sub-attribute is the element's key; a relation names each one's SQL in
 * `subStorage`.
 */
export function multiValued<const S extends Storage>(
  name: string,
  description: string,
  what: string,
  canonicalTypes: readonly string[] | undefined,
  storage: S,
  more: {
    value?: Attribute;
    subStorage?: Partial<Record<'value' | 'display' | 'type' | 'primary', Storage>>;
    graphqlField?: string;
  } = {},
) {
  const sub = more.subStorage ?? {};
  const value = more.value ?? str('value', `The ${what}, stored exactly as sent.`);
  return complex(
    name,
    description,
    [
      sub.value ? { ...value, storage: sub.value } : value,
      str('display', `A human-readable name for the ${what}.`, sub.display ? { storage: sub.display } : {}),
      str('type', `A label for the ${what}'s function.`, {
        ...(canonicalTypes ? { canonicalValues: canonicalTypes } : {}),
        ...(sub.type ? { storage: sub.type } : {}),
      }),
      bool(
        'primary',
        `Whether this is the preferred ${what}; at most one entry is primary.`,
        sub.primary ? { storage: sub.primary } : {},
      ),
    ],
    { multiValued: true, storage, ...(more.graphqlField ? { graphqlField: more.graphqlField } : {}) },
  );
}

/** id, externalId and meta (RFC 7643 §3.1), listed so clients can read their characteristics too. */
export function commonAttributes(resource: 'User' | 'Group') {
  const readOnly = { mutability: 'readOnly', caseExact: true } as const;
  return [
    str('id', `The ${resource}'s identifier, assigned by this server; never changes.`, {
      ...readOnly,
      returned: 'always',
      uniqueness: 'server',
      storage: serverColumn('id', { uuid: true, unique: true }),
      graphqlField: 'id',
    }),
    str(
      'externalId',
      `The provisioning client's identifier for the ${resource}. Compared case-sensitively; not unique.`,
      {
        caseExact: true,
        storage: column('external_id', 'externalId', { indexed: true }),
        graphqlField: 'externalId',
      },
    ),
    complex(
      'meta',
      `Metadata maintained by this server.`,
      [
        str('resourceType', `Always "${resource}".`, readOnly),
        dateTime('created', 'When the resource was created.', {
          mutability: 'readOnly',
          storage: serverColumn('created_at'),
          graphqlField: 'createdAt',
        }),
        dateTime('lastModified', 'When the resource was last changed.', {
          mutability: 'readOnly',
          storage: serverColumn('updated_at'),
          graphqlField: 'updatedAt',
        }),
        reference('location', 'The URI of the resource.', ['uri'], readOnly),
        str('version', 'The weak entity tag of the current version, as in the ETag header.', readOnly),
      ],
      { mutability: 'readOnly' },
    ),
  ] as const;
}
