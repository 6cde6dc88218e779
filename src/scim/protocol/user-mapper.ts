import type { Attribute } from '../../domain/schema/attribute';
import { getPath, storedFields } from '../../domain/schema/record';
import { USER_DEFINITION } from '../../domain/users/user.definition';
import type { RoleInput, UserInput, UserRecord } from '../../domain/users/user.types';
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

/**
 * The full SCIM representation of a user (RFC 7643 §4.1); unassigned attributes are left out.
 * Which attributes there are is the definition's business (users/user.definition.ts).
 */
export type ScimUserJson = {
  schemas: string[];
  id: string;
  userName: string;
  /** Always present: Entra reads it on every sync to decide whether to re-activate. */
  active: boolean;
  meta: ScimMeta;
  [attribute: string]: unknown;
};

const ENTERPRISE = SCHEMA_ENTERPRISE_USER;
const FIELDS = storedFields(USER_DEFINITION);
const [ENTERPRISE_SCHEMA] = USER_DEFINITION.extensions;

/** The record path of a stored attribute, or undefined (computed, relation or never stored). */
function pathOf(a: Attribute): readonly string[] | undefined {
  const s = a.storage;
  const record = s && (s.kind === 'column' || s.kind === 'jsonb') ? s.record : undefined;
  return FIELDS.find((f) => f.path.join('.') === record)?.path;
}

/**
 * How each attribute of a schema is written and read. Attributes the server computes (`id`,
 * `meta`, `$ref`s), reads on request (`groups`) or never keeps (`password`) have no codec here.
 */
type Codec =
  | { kind: 'scalar'; name: string; path: readonly string[]; boolean: boolean }
  | { kind: 'parts'; name: string; parts: readonly { name: string; path: readonly string[] }[] }
  | { kind: 'entries'; name: string; path: readonly string[]; subs: readonly Attribute[] }
  | { kind: 'roles' }
  | { kind: 'manager' };

function codecOf(a: Attribute): Codec | undefined {
  if (a.name === 'roles') return { kind: 'roles' };
  if (a.name === 'manager') return { kind: 'manager' };
  const path = pathOf(a);
  if (a.multiValued) return path && { kind: 'entries', name: a.name, path, subs: a.subAttributes ?? [] };
  if (a.type === 'complex') {
    const parts = (a.subAttributes ?? []).flatMap((sub) => {
      const p = pathOf(sub);
      return p ? [{ name: sub.name, path: p }] : [];
    });
    return parts.length > 0 ? { kind: 'parts', name: a.name, parts } : undefined;
  }
  return path && { kind: 'scalar', name: a.name, path, boolean: a.type === 'boolean' };
}

const codecs = (attrs: readonly Attribute[]): Codec[] => attrs.flatMap((a) => codecOf(a) ?? []);
const CORE_CODECS = codecs(USER_DEFINITION.core.attributes);
const ENTERPRISE_CODECS = codecs(ENTERPRISE_SCHEMA.attributes);

/** Writes the attributes `codecs` describe from `user` into `out`, in the definition's order. */
function render(
  codecs: readonly Codec[],
  user: UserRecord,
  baseUrl: string,
  out: Record<string, unknown>,
): void {
  for (const c of codecs) {
    switch (c.kind) {
      case 'scalar': {
        const value = getPath(user, c.path);
        if (value !== null && value !== undefined) out[c.name] = value;
        break;
      }
      case 'parts': {
        const parts = compact(Object.fromEntries(c.parts.map((p) => [p.name, getPath(user, p.path)])));
        if (Object.keys(parts).length > 0) out[c.name] = parts;
        break;
      }
      case 'entries':
        Object.assign(out, entries(c.name, getPath(user, c.path) as object[]));
        break;
      case 'roles':
        Object.assign(out, entries('roles', user.roles));
        break;
      case 'manager': {
        const managerId = user.manager?.id ?? user.enterprise.managerId;
        if (managerId) {
          out.manager = {
            value: managerId,
            $ref: resourceLocation(baseUrl, 'Users', managerId),
            ...compact({ displayName: user.manager?.displayName }),
          };
        }
        break;
      }
    }
  }
}

/** The SCIM representation of `user`; `baseUrl` is the tenant's SCIM base (…/scim/v2/<tenant>). */
export function userToScim(user: UserRecord, baseUrl: string): ScimUserJson {
  const enterprise: Record<string, unknown> = {};
  render(ENTERPRISE_CODECS, user, baseUrl, enterprise);
  const hasEnterprise = Object.keys(enterprise).length > 0;
  const out: Record<string, unknown> = {
    // The extension URN is listed only when the extension object is present (RFC 7643 §3).
    schemas: hasEnterprise ? [SCHEMA_USER, ENTERPRISE] : [SCHEMA_USER],
    id: user.id,
  };
  render(CORE_CODECS, user, baseUrl, out);
  if (hasEnterprise) out[ENTERPRISE] = enterprise;
  out.meta = resourceMeta('User', baseUrl, user);
  return out as ScimUserJson;
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
  read(CORE_CODECS, body, '', input);
  const enterprise = readObject(body, ENTERPRISE);
  if (enterprise) read(ENTERPRISE_CODECS, enterprise, ENTERPRISE, input);
  return input;
}

/**
 * The same parser, named for the PATCH layer: a PATCH is `userToScim` → apply operations →
 * `userJsonToInput`, so everything `userToScim` emits (manager `$ref`, `meta`, …) reads back.
 */
export const userJsonToInput: (json: unknown) => UserInput = scimToUserInput;

/** Reads the attributes `codecs` describe from `obj` (the body or an extension object) into `input`. */
function read(codecs: readonly Codec[], obj: JsonObject, prefix: string, input: UserInput): void {
  const target = input as Record<string, unknown>;
  const label = (name: string) => (prefix === '' ? name : `${prefix}:${name}`);
  for (const c of codecs) {
    switch (c.kind) {
      case 'scalar': {
        if (prefix === '' && c.name === 'userName') break; // read and checked first
        const value = c.boolean
          ? readBoolean(obj, c.name, label(c.name))
          : readString(obj, c.name, label(c.name));
        // An extension object is read whole: what it leaves out is unassigned.
        if (value !== undefined || prefix !== '') setPath(target, c.path, value ?? null);
        break;
      }
      case 'parts': {
        const parts = readObject(obj, c.name);
        if (!parts) break;
        const values = readParts(
          parts,
          c.parts.map((p) => p.name),
          label(c.name),
        );
        for (const p of c.parts) setPath(target, p.path, values[p.name]);
        break;
      }
      case 'entries': {
        const list = readEntries(obj, c.name, entryReader(c.subs));
        if (list) setPath(target, c.path, list);
        break;
      }
      case 'roles': {
        const roles = readEntries(obj, 'roles', readRole);
        if (roles) input.roles = roles;
        break;
      }
      case 'manager':
        setPath(target, ['enterprise', 'managerId'], readManager(obj));
        break;
    }
  }
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = obj;
  for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  target[path[path.length - 1]!] = value;
}

/** Entries with a `value` need one (readMultiValued); others (addresses) need any non-empty part. */
function entryReader(subs: readonly Attribute[]): (raw: unknown, path: string) => object | undefined {
  if (subs.some((s) => s.name === 'value')) return readMultiValued;
  const texts = subs.filter((s) => s.type !== 'boolean').map((s) => s.name);
  const flags = subs.filter((s) => s.type === 'boolean').map((s) => s.name);
  return (raw, path) => {
    const obj = asEntry(raw, path);
    const entry: Record<string, string | boolean> = {};
    for (const part of texts) {
      const value = readString(obj, part, `${path}.${part}`);
      if (value !== undefined) entry[part] = value;
    }
    if (Object.values(entry).every((v) => v === '')) return undefined;
    for (const flag of flags) {
      const value = readBoolean(obj, flag, `${path}.${flag}`);
      if (value !== undefined) entry[flag] = value;
    }
    return entry;
  };
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

/** `manager` arrives as a raw id or `{value}`; `""` and `{"value": ""}` mean no manager. */
function readManager(ext: JsonObject): string | null {
  const manager = getCI(ext, 'manager');
  if (manager === undefined || typeof manager === 'string') return manager || null;
  if (isObject(manager)) return readString(manager, 'value', `${ENTERPRISE}:manager.value`) || null;
  throw invalidValue(`${ENTERPRISE}:manager must be a user id or {"value": "<user id>"}.`);
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
