/**
 * Case-insensitive key access on JSON objects (RFC 7643 §2.1): reads find any spelling, writes leave
 * exactly one key, spelled canonically.
 */
import type { JsonObject } from '../json-reader';

/** The key of `obj` that spells `name` (exact spelling first, then any case). */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** The value under `name` in any case (null stays null). */
export function getKey(obj: JsonObject, name: string): unknown {
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** Sets `name` (canonical spelling), dropping other spellings of it. */
export function setKey(obj: JsonObject, name: string, value: unknown): void {
  deleteKey(obj, name);
  obj[name] = value;
}

/** Deletes `name` in every spelling. */
export function deleteKey(obj: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) delete obj[key];
}
