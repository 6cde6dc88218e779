/** Attribute definitions as /Schemas publishes them (RFC 7643 §7), with builders for the tables. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  canonicalValues?: string[];
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

/** Every characteristic spelled out (RFC 7643 §7 defaults where not given), in a stable key order. */
function attribute(
  name: string,
  type: AttributeType,
  description: string,
  c: Characteristics,
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: c.multiValued ?? false,
    description,
    required: c.required ?? false,
    caseExact: c.caseExact ?? false,
    ...(c.canonicalValues ? { canonicalValues: c.canonicalValues } : {}),
    mutability: c.mutability ?? 'readWrite',
    returned: c.returned ?? 'default',
    uniqueness: c.uniqueness ?? 'none',
    ...(c.referenceTypes ? { referenceTypes: c.referenceTypes } : {}),
    ...(c.subAttributes ? { subAttributes: c.subAttributes } : {}),
  };
}

export const str = (name: string, description: string, c: Characteristics = {}): AttributeDefinition =>
  attribute(name, 'string', description, c);

export const bool = (name: string, description: string, c: Characteristics = {}): AttributeDefinition =>
  attribute(name, 'boolean', description, c);

export const dateTime = (name: string, description: string, c: Characteristics = {}): AttributeDefinition =>
  attribute(name, 'dateTime', description, c);

export const binary = (name: string, description: string, c: Characteristics = {}): AttributeDefinition =>
  attribute(name, 'binary', description, { caseExact: true, ...c });

export const reference = (
  name: string,
  description: string,
  referenceTypes: string[],
  c: Characteristics = {},
): AttributeDefinition => attribute(name, 'reference', description, { ...c, referenceTypes });

export const complex = (
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  c: Characteristics = {},
): AttributeDefinition => attribute(name, 'complex', description, { ...c, subAttributes });

/** A multi-valued complex attribute with the usual value/display/type/primary (RFC 7643 §2.4). */
export function multiValued(
  name: string,
  description: string,
  what: string,
  canonicalTypes: string[] | undefined,
  value: AttributeDefinition = str('value', `The ${what}, stored exactly as sent.`),
): AttributeDefinition {
  return complex(
    name,
    description,
    [
      value,
      str('display', `A human-readable name for the ${what}.`),
      str(
        'type',
        `A label for the ${what}'s function.`,
        canonicalTypes ? { canonicalValues: canonicalTypes } : {},
      ),
      bool('primary', `Whether this is the preferred ${what}; at most one entry is primary.`),
    ],
    { multiValued: true },
  );
}

/** id, externalId and meta (RFC 7643 §3.1), listed so clients can read their characteristics too. */
export function commonAttributes(resource: 'User' | 'Group'): AttributeDefinition[] {
  const readOnly: Characteristics = { mutability: 'readOnly', caseExact: true };
  return [
    str('id', `The ${resource}'s identifier, assigned by this server; never changes.`, {
      ...readOnly,
      returned: 'always',
      uniqueness: 'server',
    }),
    str(
      'externalId',
      `The provisioning client's identifier for the ${resource}. Compared case-sensitively; not unique.`,
      { caseExact: true },
    ),
    complex(
      'meta',
      `Metadata maintained by this server.`,
      [
        str('resourceType', `Always "${resource}".`, readOnly),
        dateTime('created', 'When the resource was created.', { mutability: 'readOnly' }),
        dateTime('lastModified', 'When the resource was last changed.', { mutability: 'readOnly' }),
        reference('location', 'The URI of the resource.', ['uri'], readOnly),
        str('version', 'The weak entity tag of the current version, as in the ETag header.', readOnly),
      ],
      { mutability: 'readOnly' },
    ),
  ];
}
