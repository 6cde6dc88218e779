/**
 * The User and Group attributes as PATCH sees them, derived from the resource definitions
 * (ADR 0007). These names are the spelling every PATCH result uses, whatever case the client sent.
 */
import { GROUP_DEFINITION } from '../../../domain/groups/group.definition';
import type { Attribute, ResourceDefinition } from '../../../domain/schema/attribute';
import { USER_DEFINITION } from '../../../domain/users/user.definition';
import type { AttrDef, ResourceSchema } from './schema';

/** `schemas` is no attribute of any schema (RFC 7643 §3), but a PATCH path may still name it. */
const SCHEMAS: AttrDef = { name: 'schemas', type: 'reference', multiValued: true, mutability: 'readOnly' };

/**
 * The PATCH view of one attribute. "Required" here means "cannot be unassigned": besides RFC
 * required attributes, that is every writable attribute our representation always returns
 * (`active`, which Entra reads after every cycle). An entry of a multi-valued attribute is taken
 * whole, so its sub-attributes carry no mutability of their own: a member's `display` still names
 * it in the provisioning log, and the domain decides what it stores.
 */
function patchView(a: Attribute, inEntry = false): AttrDef {
  const required = a.required || (a.returned === 'always' && a.mutability !== 'readOnly');
  return {
    name: a.name,
    type: a.type,
    ...(a.multiValued && { multiValued: true }),
    ...(required && { required: true }),
    ...(!inEntry && a.mutability !== 'readWrite' && { mutability: a.mutability }),
    ...(a.subAttributes && { subAttributes: a.subAttributes.map((s) => patchView(s, a.multiValued)) }),
  };
}

function resourceSchema(def: ResourceDefinition): ResourceSchema {
  const [id, ...rest] = def.core.attributes.map((a) => patchView(a));
  return {
    resourceType: def.kind,
    coreUrn: def.core.id,
    attributes: [id!, SCHEMAS, ...rest],
    extensions: def.extensions.map((e) => ({ urn: e.id, attributes: e.attributes.map((a) => patchView(a)) })),
  };
}

export const USER_SCHEMA: ResourceSchema = resourceSchema(USER_DEFINITION);
export const GROUP_SCHEMA: ResourceSchema = resourceSchema(GROUP_DEFINITION);
