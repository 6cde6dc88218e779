/**
 * Coerces PATCH values to the shape of their target attribute (RFC 7643 §2.3 types): canonical
 * sub-attribute names, booleans as booleans, strings as strings. Throws ValueError (→ invalidValue).
 */
import { isObject, type JsonObject } from '../json-reader';
import { findAttr, type AttrDef, type Target } from './schema';

/** A value that does not fit its attribute; becomes `invalidValue`. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** A multi-valued entry with canonical keys: `{value, type, primary, display}`. */
export type Entry = JsonObject;

/**
 * The value of an add/replace coerced for `target`: a scalar for simple attributes and
 * sub-attributes, an object for complex ones (null members mean "unset that sub-attribute"), an
 * array of entries for a whole multi-valued attribute, one entry for a filtered one.
 */
export function coerceForTarget(target: Target, value: unknown): unknown {
  const { attr, sub, filter } = target;
  if (sub !== undefined) return coerceScalar(sub, value, `${attr.name}.${sub.name}`);
  if (attr.multiValued && attr.type === 'complex') {
    return filter !== undefined ? coerceEntry(attr, value) : coerceEntries(attr, value);
  }
  if (attr.multiValued) {
    const list = Array.isArray(value) ? value : [value];
    return list.filter((v) => v !== null).map((v) => coerceScalar(attr, v, attr.name));
  }
  if (attr.type === 'complex') return coerceComplex(attr, value);
  return coerceScalar(attr, value, attr.name);
}

/** A whole multi-valued attribute: an array of entries, a single entry object, or a bare value. */
export function coerceEntries(attr: AttrDef, value: unknown): Entry[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => v !== null && v !== undefined).map((v) => coerceEntry(attr, v));
}

/** One entry of a complex multi-valued attribute; unknown and null sub-attributes are dropped. */
export function coerceEntry(attr: AttrDef, value: unknown): Entry {
  // A bare value is the entry's `value` (`"roles": ["Admin"]`).
  if (!isObject(value) && findAttr(attr.subAttributes, 'value') !== undefined) {
    if (typeof value === 'string' || typeof value === 'number') return { value: String(value) };
  }
  if (!isObject(value))
    throw new ValueError(`each ${attr.name} entry must be an object, got ${describe(value)}`);
  const entry: Entry = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttr(attr.subAttributes, key);
    if (sub === undefined || v === null || v === undefined || sub.mutability === 'readOnly') continue;
    entry[sub.name] = coerceScalar(sub, v, `${attr.name}.${sub.name}`);
  }
  return entry;
}

/** A single-valued complex attribute (`name`, `manager`): keeps null members as "unset". */
export function coerceComplex(attr: AttrDef, value: unknown): JsonObject {
  if (!isObject(value)) throw new ValueError(`${attr.name} must be an object, got ${describe(value)}`);
  const result: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttr(attr.subAttributes, key);
    if (sub === undefined || sub.mutability === 'readOnly') continue;
    result[sub.name] = v === null ? null : coerceScalar(sub, v, `${attr.name}.${sub.name}`);
  }
  return result;
}

/** A simple value. Entra sends booleans as "True"/"False"; numbers are accepted for strings. */
export function coerceScalar(def: AttrDef, value: unknown, label: string): string | boolean {
  if (def.type === 'boolean') {
    const bool = toBoolean(value);
    if (bool === undefined) throw new ValueError(`${label} must be true or false, got ${describe(value)}`);
    return bool;
  }
  if (def.type === 'complex') throw new ValueError(`${label} is complex; set its sub-attributes instead`);
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
    return String(value);
  throw new ValueError(`${label} must be a string, got ${describe(value)}`);
}

/** true/false, or the strings "true"/"false" in any case; undefined for anything else. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** A short description of a JSON value for error details. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
