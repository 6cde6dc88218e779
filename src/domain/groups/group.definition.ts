/**
 * Every Group attribute, described once (ADR 0007); see users/user.definition.ts. SQL is written
 * against the alias `g` ("group").
 */
import type { ResourceDefinition } from '../schema/attribute';
import {
  SCHEMA_GROUP,
  columnOf,
  commonAttributes,
  complex,
  expression,
  reference,
  relation,
  str,
} from '../schema/attribute';

/**
 * What happens to member ids this server cannot find. Published in the Group schema and in the
 * ServiceProviderConfig because it is a deliberate choice: Entra adds members that are out of the
 * app's scope, and failing the whole request would block every other change in it.
 */
export const UNKNOWN_MEMBER_POLICY =
  'Member ids that do not exist in the tenant are skipped: the request succeeds, and each skipped id is ' +
  "recorded as a warning in the tenant's provisioning log.";

const immutable = { mutability: 'immutable', caseExact: true } as const;

const CORE = [
  ...commonAttributes('Group'),
  str('displayName', 'The name of the group. Unique per tenant, compared case-insensitively.', {
    required: true,
    uniqueness: 'server',
    storage: columnOf<string>()('display_name', 'displayName', { unique: true }),
    graphqlField: 'displayName',
  }),
  complex(
    'members',
    'The members of the group: users or other groups of the same tenant. Change them with PATCH ' +
      `(add, remove or replace); read requests may leave them out with excludedAttributes=members. ${UNKNOWN_MEMBER_POLICY}`,
    [
      str('value', 'The id of the member.', {
        ...immutable,
        storage: expression('m.member_id', { uuid: true }),
      }),
      reference('$ref', 'The URI of the member.', ['User', 'Group'], immutable),
      // Compared case-insensitively, as RFC 7643 §8.7.1 publishes it (`members[type eq "group"]`).
      str('type', 'The kind of member.', {
        mutability: 'immutable',
        canonicalValues: ['User', 'Group'],
        storage: expression("(case when m.member_user_id is null then 'Group' else 'User' end)"),
      }),
      str('display', "The member's displayName (userName for users without one).", {
        mutability: 'readOnly',
        storage: expression('m.display'),
      }),
    ],
    { multiValued: true, storage: relation('membership m', 'm.group_id = g.id'), graphqlField: 'members' },
  ),
] as const;

/** The Group resource (RFC 7643 §4.2). */
export const GROUP_DEFINITION = {
  kind: 'Group',
  core: { id: SCHEMA_GROUP, name: 'Group', description: 'Group', attributes: CORE },
  extensions: [],
} as const satisfies ResourceDefinition;
