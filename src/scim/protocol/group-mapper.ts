import type {
  GroupInput,
  GroupRecord,
  MemberRecord,
  MemberRef,
  MemberType,
} from '../../domain/groups/group.types';
import { ScimError } from './errors';
import { asEntry, checkSchemas, getCI, invalidValue, isObject, readEntries, readString } from './json-reader';
import type { ScimMeta } from './schemas';
import { SCHEMA_GROUP, resourceLocation, resourceMeta } from './schemas';

export type ScimMemberJson = {
  value: string;
  $ref: string;
  type: MemberType;
  display?: string;
};

/** The SCIM representation of a group (RFC 7643 §4.2). */
export type ScimGroupJson = {
  schemas: string[];
  id: string;
  externalId?: string;
  displayName: string;
  members?: ScimMemberJson[];
  meta: ScimMeta;
};

/**
 * The SCIM representation of `group`. `members` undefined leaves the attribute out entirely: that is
 * how `excludedAttributes=members` is served without loading members (Entra breaks if they come back).
 */
export function groupToScim(
  group: GroupRecord,
  members: readonly MemberRecord[] | undefined,
  baseUrl: string,
): ScimGroupJson {
  return {
    schemas: [SCHEMA_GROUP],
    id: group.id,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(members ? { members: members.map((m) => memberToScim(m, baseUrl)) } : {}),
    meta: resourceMeta('Group', baseUrl, group),
  };
}

function memberToScim(member: MemberRecord, baseUrl: string): ScimMemberJson {
  return {
    value: member.value,
    $ref: resourceLocation(baseUrl, member.type === 'User' ? 'Users' : 'Groups', member.value),
    type: member.type,
    ...(member.display !== null ? { display: member.display } : {}),
  };
}

/**
 * Parses a POST/PUT Group body. Keys are case-insensitive, `null` means absent; `members` entries
 * need a `value` (the member's id) and may carry `display`; `$ref` and `type` are ignored because
 * the domain resolves what an id points to. Throws ScimError 400 naming the attribute at fault.
 */
export function scimToGroupInput(body: unknown): GroupInput {
  if (!isObject(body)) {
    throw new ScimError(400, 'invalidSyntax', 'The request body must be a JSON object holding a SCIM Group.');
  }
  checkSchemas(body);
  const displayName = getCI(body, 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw invalidValue('displayName is required: send a non-empty string.');
  }
  const input: GroupInput = { displayName };
  const externalId = readString(body, 'externalId');
  if (externalId !== undefined) input.externalId = externalId;
  const members = readEntries(body, 'members', readMember);
  if (members) input.members = members;
  return input;
}

function readMember(raw: unknown, path: string): MemberRef {
  const obj = asEntry(raw, path, '{"value": "<user or group id>"}');
  const value = readString(obj, 'value', `${path}.value`);
  if (value === undefined || value.trim() === '') {
    throw invalidValue(`${path}.value is required: the id of the user or group to add.`);
  }
  // Microsoft's reference Postman collection labels members with displayName (entra-normalize E11).
  const display =
    readString(obj, 'display', `${path}.display`) ?? readString(obj, 'displayName', `${path}.displayName`);
  return display === undefined ? { value } : { value, display };
}
