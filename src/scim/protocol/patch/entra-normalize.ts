/**
 * The ONE place where Microsoft Entra ID's PATCH dialect (rules E1… below, fixtures in
 * test/fixtures/patch) is
 * folded into RFC 7644 §3.5.2 operations. Everything after this file (apply-user-patch.ts,
 * group-patch.ts) is RFC-strict and sees canonical attribute names and typed values only.
 *
 * Rules, each tagged where it is applied:
 *  E1 `op` arrives as Add/Replace/Remove or lower-case: compared case-insensitively.
 *  E2 Operations carry stray keys (`"name":"addMember"`); keys are matched case-insensitively.
 *  E3 Path-less add/replace: the value's keys are PATHS (`"name.givenName"`, `"urn:…:User:employeeNumber"`),
 *     or an extension URN holding an object; each key becomes its own operation.
 *  E4 Attribute names in paths and values are case-insensitive (`DisplayName`, `name.FamilyName`,
 *     `"Primary"`, Postman's `"Department"`): resolved to canonical names (schema.ts, values.ts).
 *  E5 Booleans arrive as "True"/"False" strings (active, primary): coerced (values.ts toBoolean).
 *  E6 `null` means absent: add/replace with null becomes remove.
 *  E7 roles: an entry's `value` may be a JSON-encoded app role `{"id","value","displayName"}`.
 *  E8 manager: a raw id string, `{value}`, `{"Value": …}`; `""`, null, `{"value":""}` mean remove.
 *  E9 remove with a value list (default dialect, `members`, `roles`) removes ONLY the listed entries:
 *     rewritten as one RFC `remove attr[value eq "…"]` per entry. An empty list removes nothing.
 *  E10 Unknown attributes (mappings we do not store) are ignored, not rejected.
 *  E11 members: an entry may label the member with `displayName` instead of `display` (Microsoft's
 *      SCIM reference Postman collection does); it is read as `display`, as for roles (E7).
 */
import type { Filter, Literal } from '../../../domain/query/ast';
import { getCI, isObject, type JsonObject } from '../json-reader';
import { parsePatchPath, PathError } from './path';
import { findExtension, pathNamesExtension, resolveTarget, type ResourceSchema, type Target } from './schema';
import {
  describeOperation,
  PatchError,
  type PatchOperation,
  type PatchOpName,
  type PatchPath,
} from './types';
import { coerceEntries, coerceForTarget, ValueError } from './values';

/** An operation resolved against a schema: canonical target, coerced value (add/replace only). */
export interface NormalizedOp {
  readonly op: PatchOpName;
  readonly target: Target;
  readonly value?: unknown;
  /** Names the client's operation in error details: `Operations[0] (replace "active")`. */
  readonly label: string;
}

/** The fields of one raw operation object (E1, E2): op lower-cased, path and value found in any case. */
export function readRawOperation(raw: JsonObject): { op: unknown; path: unknown; value: unknown } {
  const op = getCI(raw, 'op');
  return {
    op: typeof op === 'string' ? op.trim().toLowerCase() : op,
    path: getCI(raw, 'path'),
    value: rawValue(raw),
  };
}

/** Folds Entra's dialect into RFC operations on `schema`'s canonical attributes. Throws PatchError. */
export function normalizeOperations(ops: readonly PatchOperation[], schema: ResourceSchema): NormalizedOp[] {
  const out: NormalizedOp[] = [];
  for (const op of ops) {
    for (const single of expandPathless(op, schema)) normalizeOne(single, schema, out);
  }
  return out;
}

// E2 + E6: getCI reads null as absent, but a value that is explicitly null must stay visible here.
function rawValue(raw: JsonObject): unknown {
  const key = Object.keys(raw).find((k) => k.toLowerCase() === 'value');
  return key === undefined ? undefined : raw[key];
}

// E3: one operation per key of a path-less value (and per attribute of an extension-URN path).
function expandPathless(op: PatchOperation, schema: ResourceSchema): PatchOperation[] {
  const wholeExt = op.path && pathNamesExtension(schema, op.path);
  if (op.path !== undefined && wholeExt === undefined) return [op];
  if (wholeExt !== undefined && (op.op === 'remove' || op.value === null)) {
    return wholeExt.attributes.map((a) => ({
      op: 'remove',
      index: op.index,
      path: keyPath(`${wholeExt.urn}:${a.name}`, op),
    }));
  }
  const value = wholeExt !== undefined ? { [wholeExt.urn]: op.value } : op.value;
  if (!isObject(value)) {
    throw new PatchError(
      'invalidValue',
      `${describeOperation(op)}: without a path, the value must be an object of attribute paths and values.`,
    );
  }
  const result: PatchOperation[] = [];
  for (const [key, v] of Object.entries(value)) {
    const ext = findExtension(schema, key);
    if (ext === undefined) {
      result.push({ op: op.op, index: op.index, path: keyPath(key, op), value: v });
    } else if (v === null) {
      for (const a of ext.attributes)
        result.push({ op: 'remove', index: op.index, path: keyPath(`${ext.urn}:${a.name}`, op) });
    } else if (isObject(v)) {
      for (const [k, sv] of Object.entries(v)) {
        result.push({ op: op.op, index: op.index, path: keyPath(`${ext.urn}:${k}`, op), value: sv });
      }
    } else {
      throw new PatchError(
        'invalidValue',
        `${describeOperation(op)}: "${key}" must hold an object of its attributes.`,
      );
    }
  }
  return result;
}

function keyPath(text: string, op: PatchOperation): PatchPath {
  try {
    return parsePatchPath(text);
  } catch (err) {
    if (!(err instanceof PathError)) throw err;
    throw new PatchError(
      'invalidPath',
      `${describeOperation(op)}: value key ${JSON.stringify(text)}: ${err.message}.`,
    );
  }
}

function normalizeOne(op: PatchOperation, schema: ResourceSchema, out: NormalizedOp[]): void {
  const label = describeOperation(op);
  let target: Target | undefined;
  try {
    target = op.path && resolveTarget(schema, op.path);
  } catch (err) {
    if (err instanceof PathError) throw new PatchError('invalidPath', `${label}: ${err.message}.`);
    throw err;
  }
  if (target === undefined) return; // E10
  try {
    if (op.op === 'remove') {
      removeOps(target, op.value, label, out);
      return;
    }
    const value = entraValue(target, op.value);
    if (value === null || value === undefined)
      out.push({ op: 'remove', target, label }); // E6, E8
    else out.push({ op: op.op, target, value: coerceForTarget(target, value), label });
  } catch (err) {
    if (err instanceof ValueError) throw new PatchError('invalidValue', `${label}: ${err.message}.`);
    throw err;
  }
}

// E9: remove with a value list on a multi-valued attribute removes only the listed entries.
function removeOps(target: Target, value: unknown, label: string, out: NormalizedOp[]): void {
  const { attr } = target;
  const listed = value !== undefined && value !== null && attr.multiValued && attr.type === 'complex';
  if (!listed || target.filter !== undefined || target.sub !== undefined) {
    out.push({ op: 'remove', target, label });
    return;
  }
  for (const entry of coerceEntries(attr, entraValue(target, value))) {
    const filter = entryFilter(entry);
    if (filter !== undefined) out.push({ op: 'remove', target: { ...target, filter }, label });
  }
}

/** `value eq "…"` for an entry with a value, else every sub-attribute it has, joined by and. */
function entryFilter(entry: JsonObject): Filter | undefined {
  const eq = (attr: string, v: unknown): Filter => ({
    kind: 'compare',
    op: 'eq',
    path: { attr },
    value: v as Literal,
  });
  if (entry.value !== undefined) return eq('value', entry.value);
  return Object.entries(entry)
    .map(([k, v]) => eq(k, v))
    .reduce<Filter | undefined>((left, right) => (left ? { kind: 'and', left, right } : right), undefined);
}

function entraValue(target: Target, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const name = target.attr.name;
  if (name === 'roles' && target.sub === undefined)
    return Array.isArray(value) ? value.map(decodeRole) : decodeRole(value);
  if (name === 'roles' && target.sub?.name === 'value') return decodeRole(value).value;
  if (name === 'members' && target.sub === undefined)
    return Array.isArray(value) ? value.map(memberDisplay) : memberDisplay(value);
  if (name === 'manager' && target.ext !== undefined) {
    if (target.sub === undefined) return managerValue(value);
    if (target.sub.name === 'value' && value === '') return null;
  }
  return value;
}

// E7: {"value":"{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"} → {value:"Admin", display:"Admin"}.
// Roles from POST use displayName or display for the label; both end up as `display`.
function decodeRole(entry: unknown): JsonObject {
  const obj: JsonObject = isObject(entry) ? entry : { value: entry };
  const inner = parseJsonObject(getCI(obj, 'value'));
  const rest = Object.fromEntries(
    Object.entries(obj).filter(([k]) => !['value', 'display', 'displayname'].includes(k.toLowerCase())),
  );
  const value = inner
    ? (getCI(inner, 'value') ?? getCI(inner, 'displayName') ?? getCI(inner, 'id'))
    : getCI(obj, 'value');
  const display =
    (inner && (getCI(inner, 'displayName') ?? getCI(inner, 'display'))) ??
    getCI(obj, 'display') ??
    getCI(obj, 'displayName');
  return { ...rest, ...(value !== undefined && { value }), ...(display !== undefined && { display }) };
}

// E11: {"value": id, "displayName": "new User"} → {"value": id, "display": "new User"}.
function memberDisplay(entry: unknown): unknown {
  if (!isObject(entry) || getCI(entry, 'display') !== undefined) return entry;
  const label = getCI(entry, 'displayName');
  if (label === undefined) return entry;
  const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => k.toLowerCase() !== 'displayname'));
  return { ...rest, display: label };
}

function parseJsonObject(value: unknown): JsonObject | undefined {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// E8: manager as a raw id, {value}, {"Value": …}; empty means remove.
function managerValue(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? null : { value };
  if (!isObject(value)) return value; // coercion reports the wrong type
  const id = getCI(value, 'value');
  return id === undefined || id === '' ? null : { value: id };
}
