import type { MultiValued } from '../../domain/users/user.types';
import { ScimError } from './errors';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A 400 invalidValue whose detail names the offending attribute. */
export function invalidValue(detail: string): ScimError {
  return new ScimError(400, 'invalidValue', detail);
}

/**
 * The value under `key`, matched case-insensitively (RFC 7643 §2.1; Entra and Postman send
 * `UserName`, `"Primary"`). An exact match wins over a case variant. `null` reads as absent. Own
 * keys only: `key` may come from a client's filter, and `emails[constructor pr]` must not read
 * Object.prototype (it matched every entry, so a PATCH remove emptied the attribute).
 */
export function getCI(obj: JsonObject, key: string): unknown {
  let value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined) {
    const lower = key.toLowerCase();
    const found = Object.keys(obj).find((k) => k.toLowerCase() === lower);
    value = found === undefined ? undefined : obj[found];
  }
  return value === null ? undefined : value;
}

/** A string attribute; numbers are accepted as their decimal text. `path` names it in errors. */
export function readString(obj: JsonObject, key: string, path: string = key): string | undefined {
  const value = getCI(obj, key);
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalidValue(`${path} must be a string, got ${describe(value)}.`);
}

/** A boolean attribute; Entra also sends the strings "True"/"False" (any case). */
export function readBoolean(obj: JsonObject, key: string, path: string = key): boolean | undefined {
  const value = getCI(obj, key);
  if (value === undefined || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw invalidValue(`${path} must be true or false, got ${describe(value)}.`);
}

/** A multi-valued attribute: a JSON array, or absent. */
export function readArray(obj: JsonObject, key: string, path: string = key): unknown[] | undefined {
  const value = getCI(obj, key);
  if (value === undefined || Array.isArray(value)) return value;
  throw invalidValue(`${path} must be an array, got ${describe(value)}.`);
}

/** A complex attribute: a JSON object, or absent. */
export function readObject(obj: JsonObject, key: string, path: string = key): JsonObject | undefined {
  const value = getCI(obj, key);
  if (value === undefined || isObject(value)) return value;
  throw invalidValue(`${path} must be an object, got ${describe(value)}.`);
}

/** `schemas`, when sent, must be an array of strings; which URNs it lists is not checked (Entra sends odd ones). */
export function checkSchemas(body: JsonObject): void {
  const schemas = getCI(body, 'schemas');
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.every((s) => typeof s === 'string'))) {
    throw new ScimError(400, 'invalidSyntax', 'schemas must be an array of schema URN strings.');
  }
}

/** The entries of a multi-valued attribute, each read by `readEntry`; null entries are skipped. */
export function readEntries<T>(
  body: JsonObject,
  attr: string,
  readEntry: (raw: unknown, path: string) => T | undefined,
): T[] | undefined {
  const raw = readArray(body, attr);
  if (!raw) return undefined;
  const out: T[] = [];
  raw.forEach((entry, i) => {
    if (entry === null || entry === undefined) return;
    const parsed = readEntry(entry, `${attr}[${i}]`);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

/** One entry of a multi-valued attribute: must be an object; `example` shows the expected shape. */
export function asEntry(raw: unknown, path: string, example = '{"type": "work", "value": "…"}'): JsonObject {
  if (!isObject(raw)) throw invalidValue(`${path} must be an object such as ${example}.`);
  return raw;
}

/** Entries without a value carry nothing (and an emptied value is how a PATCH clears one). */
export function readMultiValued(raw: unknown, path: string): MultiValued | undefined {
  const obj = asEntry(raw, path);
  const value = readString(obj, 'value', `${path}.value`);
  return value ? { value, ...readEntryExtras(obj, path) } : undefined;
}

/** The type/display/primary sub-attributes any multi-valued entry may carry. */
export function readEntryExtras(
  obj: JsonObject,
  path: string,
): Pick<MultiValued, 'type' | 'display' | 'primary'> {
  const extras: Pick<MultiValued, 'type' | 'display' | 'primary'> = {};
  const type = readString(obj, 'type', `${path}.type`);
  if (type !== undefined) extras.type = type;
  const display = readString(obj, 'display', `${path}.display`);
  if (display !== undefined) extras.display = display;
  const primary = readBoolean(obj, 'primary', `${path}.primary`);
  if (primary !== undefined) extras.primary = primary;
  return extras;
}

/** The string sub-attributes `parts` of a complex attribute, absent ones as null. */
export function readParts<K extends string>(
  obj: JsonObject,
  parts: readonly K[],
  prefix: string,
): Record<K, string | null> {
  const out = {} as Record<K, string | null>;
  const separator = prefix.startsWith('urn:') ? ':' : '.';
  for (const part of parts) out[part] = readString(obj, part, `${prefix}${separator}${part}`) ?? null;
  return out;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
