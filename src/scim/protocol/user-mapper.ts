import type {
  Address,
  EnterpriseAttributes,
  PersonName,
  RoleInput,
  UserInput,
  UserRecord,
} from '../../domain/users/user.types';
import { ScimError } from './errors';
import type { JsonObject } from './json-reader';
import {
  asEntry,
  checkSchemas,
  getCI,
  invalidValue,
  isObject,
  readBoolean,
  readEntries,
  readEntryExtras,
  readMultiValued,
  readObject,
  readParts,
  readString,
} from './json-reader';
import type { ScimMeta } from './schemas';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_USER, resourceLocation, resourceMeta } from './schemas';

type Scalar = string | boolean;
/** A multi-valued entry or address as returned: unassigned sub-attributes are left out. */
export type ScimEntryJson = Record<string, Scalar>;

export type ScimEnterpriseJson = {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  manager?: { value: string; $ref: string; displayName?: string };
};

/** The full SCIM representation of a user (RFC 7643 §4.1); unassigned attributes are left out. */
export type ScimUserJson = {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name?: Partial<Record<keyof PersonName, string>>;
  displayName?: string;
  nickName?: string;
  profileUrl?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  /** Always present: Entra reads it on every sync to decide whether to re-activate. */
  active: boolean;
  emails?: ScimEntryJson[];
  phoneNumbers?: ScimEntryJson[];
  ims?: ScimEntryJson[];
  photos?: ScimEntryJson[];
  addresses?: ScimEntryJson[];
  entitlements?: ScimEntryJson[];
  roles?: ScimEntryJson[];
  x509Certificates?: ScimEntryJson[];
  [SCHEMA_ENTERPRISE_USER]?: ScimEnterpriseJson;
  meta: ScimMeta;
};

const STRING_ATTRIBUTES = [
  'externalId',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
] as const;
const NAME_PARTS = [
  'formatted',
  'familyName',
  'givenName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
] as const;
const MULTI_VALUED = ['emails', 'phoneNumbers', 'ims', 'photos', 'entitlements', 'x509Certificates'] as const;
const ADDRESS_PARTS = [
  'formatted',
  'streetAddress',
  'locality',
  'region',
  'postalCode',
  'country',
  'type',
] as const;
const ENTERPRISE_STRINGS = [
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
] as const;
const ENTERPRISE = SCHEMA_ENTERPRISE_USER;

/** The SCIM representation of `user`; `baseUrl` is the tenant's SCIM base (…/scim/v2/<tenant>). */
export function userToScim(user: UserRecord, baseUrl: string): ScimUserJson {
  const enterprise = enterpriseToScim(user, baseUrl);
  const name = compact(user.name);
  return {
    // The extension URN is listed only when the extension object is present (RFC 7643 §3).
    schemas: enterprise ? [SCHEMA_USER, ENTERPRISE] : [SCHEMA_USER],
    id: user.id,
    ...compact({ externalId: user.externalId }),
    userName: user.userName,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...compact(
      pick(
        user,
        STRING_ATTRIBUTES.filter((a) => a !== 'externalId'),
      ),
    ),
    active: user.active,
    ...entries('emails', user.emails),
    ...entries('phoneNumbers', user.phoneNumbers),
    ...entries('ims', user.ims),
    ...entries('photos', user.photos),
    ...entries('addresses', user.addresses),
    ...entries('entitlements', user.entitlements),
    ...entries('roles', user.roles),
    ...entries('x509Certificates', user.x509Certificates),
    ...(enterprise ? { [ENTERPRISE]: enterprise } : {}),
    meta: resourceMeta('User', baseUrl, user),
  };
}

function enterpriseToScim(user: UserRecord, baseUrl: string): ScimEnterpriseJson | undefined {
  const out: ScimEnterpriseJson = compact(pick(user.enterprise, ENTERPRISE_STRINGS));
  const managerId = user.manager?.id ?? user.enterprise.managerId;
  if (managerId) {
    out.manager = {
      value: managerId,
      $ref: resourceLocation(baseUrl, 'Users', managerId),
      ...compact({ displayName: user.manager?.displayName }),
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `{[attr]: entries}` without unassigned sub-attributes, or nothing when there are no entries. */
function entries<A extends string>(attr: A, list: readonly object[]): Partial<Record<A, ScimEntryJson[]>> {
  if (list.length === 0) return {};
  const cleaned = list.map((e) => compact(e as Record<string, Scalar | null | undefined>) as ScimEntryJson);
  return { [attr]: cleaned } as Partial<Record<A, ScimEntryJson[]>>;
}

/**
 * Parses a POST/PUT body (or any full SCIM User representation) into a UserInput. Attribute names
 * are case-insensitive at every level, `null` means absent, values are kept exactly as sent.
 * `id`, `meta`, `groups`, `password` and unknown attributes or extensions are ignored.
 * Throws ScimError 400 (invalidSyntax / invalidValue) naming the attribute at fault.
 */
export function scimToUserInput(body: unknown): UserInput {
  if (!isObject(body)) {
    throw new ScimError(400, 'invalidSyntax', 'The request body must be a JSON object holding a SCIM User.');
  }
  checkSchemas(body);
  const userName = getCI(body, 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw invalidValue(
      'userName is required: send a non-empty string (Entra maps it from userPrincipalName).',
    );
  }
  const input: UserInput = { userName };
  for (const attr of STRING_ATTRIBUTES) {
    const value = readString(body, attr);
    if (value !== undefined) input[attr] = value;
  }
  const active = readBoolean(body, 'active');
  if (active !== undefined) input.active = active;
  const name = readObject(body, 'name');
  if (name) input.name = readParts(name, NAME_PARTS, 'name');
  for (const attr of MULTI_VALUED) {
    const entries = readEntries(body, attr, readMultiValued);
    if (entries) input[attr] = entries;
  }
  const addresses = readEntries(body, 'addresses', readAddress);
  if (addresses) input.addresses = addresses;
  const roles = readEntries(body, 'roles', readRole);
  if (roles) input.roles = roles;
  const enterprise = readObject(body, ENTERPRISE);
  if (enterprise) input.enterprise = readEnterprise(enterprise);
  return input;
}

/**
 * The same parser, named for the PATCH layer: a PATCH is `userToScim` → apply operations →
 * `userJsonToInput`, so everything `userToScim` emits (manager `$ref`, `meta`, …) reads back.
 */
export const userJsonToInput: (json: unknown) => UserInput = scimToUserInput;

function readAddress(raw: unknown, path: string): Address | undefined {
  const obj = asEntry(raw, path);
  const address: Address = {};
  for (const part of ADDRESS_PARTS) {
    const value = readString(obj, part, `${path}.${part}`);
    if (value !== undefined) address[part] = value;
  }
  if (Object.values(address).every((v) => v === '')) return undefined;
  const primary = readBoolean(obj, 'primary', `${path}.primary`);
  if (primary !== undefined) address.primary = primary;
  return address;
}

/**
 * Entra sends roles as `{value, type, primary, display|displayName}` with `primary` possibly
 * "True"/"False", or (default dialect) with `value` a JSON-encoded `{"id","value","displayName"}`.
 */
function readRole(raw: unknown, path: string): RoleInput | undefined {
  const obj = typeof raw === 'string' ? { value: raw } : asEntry(raw, path);
  const extras = readEntryExtras(obj, path);
  let value = readString(obj, 'value', `${path}.value`);
  let display = extras.display ?? readString(obj, 'displayName', `${path}.displayName`);
  const encoded = value?.trim().startsWith('{') ? parseJsonObject(value) : undefined;
  if (encoded) {
    display ??= readString(encoded, 'displayName', path) ?? readString(encoded, 'display', path);
    // Entra's default-access role has no value: fall back to its name, then to its id.
    value = readString(encoded, 'value', path) || display || readString(encoded, 'id', path);
  }
  if (!value) return undefined;
  return { value, ...extras, ...(display !== undefined ? { display } : {}) };
}

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined; // Not JSON after all: keep the raw text as the role value.
  }
}

function readEnterprise(ext: JsonObject): EnterpriseAttributes {
  return { ...readParts(ext, ENTERPRISE_STRINGS, ENTERPRISE), managerId: readManager(ext) };
}

/** `manager` arrives as a raw id or `{value}`; `""` and `{"value": ""}` mean no manager. */
function readManager(ext: JsonObject): string | null {
  const manager = getCI(ext, 'manager');
  if (manager === undefined || typeof manager === 'string') return manager || null;
  if (isObject(manager)) return readString(manager, 'value', `${ENTERPRISE}:manager.value`) || null;
  throw invalidValue(`${ENTERPRISE}:manager must be a user id or {"value": "<user id>"}.`);
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = obj[key];
  return out;
}

/** Drops null and undefined values, narrowing the value type accordingly. */
function compact<T extends object>(obj: T): { [K in keyof T]?: NonNullable<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== null && value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: NonNullable<T[K]> };
}

/** A group of the user as SCIM's read-only `groups` entry (RFC 7643 §4.1.2). */
export interface UserGroupJson {
  value: string;
  $ref: string;
  display: string;
  type: 'direct' | 'indirect';
}

/** The `groups` attribute: direct memberships are "direct", those through nested groups "indirect". */
export function userGroupsToScim(
  groups: ReadonlyArray<{ id: string; displayName: string; direct: boolean }>,
  baseUrl: string,
): UserGroupJson[] {
  return groups.map((g) => ({
    value: g.id,
    $ref: resourceLocation(baseUrl, 'Groups', g.id),
    display: g.displayName,
    type: g.direct ? 'direct' : 'indirect',
  }));
}
