/**
 * Attribute definitions as /Schemas publishes them (RFC 7643 §7), derived from the resource
 * definitions of the domain (ADR 0007): the characteristics in a stable key order, without what
 * only this server needs (storage, GraphQL names).
 */
import type {
  Attribute,
  AttributeType,
  Mutability,
  Returned,
  SchemaDefinition,
  Uniqueness,
} from '../../../domain/schema/attribute';

export type { AttributeType };

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  canonicalValues?: string[];
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface PublishedSchema {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

function published(a: Attribute): AttributeDefinition {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    ...(a.canonicalValues ? { canonicalValues: [...a.canonicalValues] } : {}),
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.referenceTypes ? { referenceTypes: [...a.referenceTypes] } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.filter((s) => s.advertised).map(published) } : {}),
  };
}

/** A schema as /Schemas lists it: every advertised attribute (not `password`, which is never kept). */
export function publishSchema(schema: SchemaDefinition): PublishedSchema {
  return {
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.filter((a) => a.advertised).map(published),
  };
}
