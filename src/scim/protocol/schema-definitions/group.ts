import { SCHEMA_GROUP } from '../schemas';
import type { SchemaDefinition } from './attribute';
import { commonAttributes, complex, reference, str } from './attribute';

/**
 * What happens to member ids this server cannot find. Published in the Group schema and in the
 * ServiceProviderConfig because it is a deliberate choice: Entra adds members that are out of the
 * app's scope, and failing the whole request would block every other change in it.
 */
export const UNKNOWN_MEMBER_POLICY =
  'Member ids that do not exist in the tenant are skipped: the request succeeds, and each skipped id is ' +
  "recorded as a warning in the tenant's provisioning log.";

const immutable = { mutability: 'immutable', caseExact: true } as const;

/** The core Group schema (RFC 7643 §4.2, §8.7.1) as this server implements it. */
export const GROUP_SCHEMA: SchemaDefinition = {
  id: SCHEMA_GROUP,
  name: 'Group',
  description: 'Group',
  attributes: [
    ...commonAttributes('Group'),
    str('displayName', 'The name of the group. Unique per tenant, compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'members',
      'The members of the group: users or other groups of the same tenant. Change them with PATCH ' +
        `(add, remove or replace); read requests may leave them out with excludedAttributes=members. ${UNKNOWN_MEMBER_POLICY}`,
      [
        str('value', 'The id of the member.', immutable),
        reference('$ref', 'The URI of the member.', ['User', 'Group'], immutable),
        str('type', 'The kind of member.', { ...immutable, canonicalValues: ['User', 'Group'] }),
        str('display', "The member's displayName (userName for users without one).", {
          mutability: 'readOnly',
        }),
      ],
      { multiValued: true },
    ),
  ],
};
