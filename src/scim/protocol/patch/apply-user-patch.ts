/**
 * Applies a PATCH (RFC 7644 §3.5.2, Entra's dialect folded in by entra-normalize.ts) to a user's SCIM
 * JSON representation. Pure: the input is never mutated; the result uses canonical attribute names.
 */
import { isObject, type JsonObject } from '../json-reader';
import { normalizeOperations, type NormalizedOp } from './entra-normalize';
import { deleteKey, getKey, setKey } from './keys';
import { applyMultiValued } from './multi-valued';
import { USER_SCHEMA } from './resource-schemas';
import { PatchError, type PatchOperation } from './types';
import { jsonEqual, ValueError } from './values';

/**
 * A user as SCIM JSON: core attributes at the top level, enterprise attributes under
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, multi-valued attributes as arrays
 * of `{value, type, primary, display}`, `manager` as `{value}`.
 */
export type ScimUserJson = Record<string, unknown>;

/** The user after `ops`, as a new object; throws PatchError (HTTP 400) naming the failing operation. */
export function applyUserPatch(resource: ScimUserJson, ops: readonly PatchOperation[]): ScimUserJson {
  const normalized = normalizeOperations(ops, USER_SCHEMA);
  const doc = structuredClone(resource);
  for (const op of normalized) {
    try {
      applyOne(doc, op);
    } catch (err) {
      if (err instanceof ValueError) throw new PatchError('invalidValue', `${op.label}: ${err.message}.`);
      throw err;
    }
  }
  return doc;
}

function applyOne(doc: JsonObject, op: NormalizedOp): void {
  const { attr, sub, ext } = op.target;
  // RFC 7643 §7 writeOnly (password): accepted so Entra's mapping does not fail, never stored here.
  if (attr.mutability === 'writeOnly') return;
  if (attr.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    checkReadOnly(doc, op);
    return;
  }
  checkRequired(op);
  const container = ext === undefined ? doc : extension(doc, ext, op.op !== 'remove');
  if (container === undefined) return; // removing from an extension the user does not have
  if (attr.multiValued) applyMultiValued(container, op);
  else if (attr.type === 'complex') applyComplex(container, op);
  else if (op.op === 'remove') deleteKey(container, attr.name);
  else setKey(container, attr.name, op.value);
  if (ext !== undefined) dropEmptyExtension(doc, ext);
}

/**
 * RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability readOnly" → mutability.
 * Sending the value the attribute already has is not a modification, so it is accepted as a no-op
 * (clients echo `id` or `schemas` back in path-less operations).
 */
function checkReadOnly(doc: JsonObject, op: NormalizedOp): void {
  const { attr, sub, filter } = op.target;
  const echoed = op.op !== 'remove' && sub === undefined && filter === undefined;
  if (echoed && jsonEqual(getKey(doc, attr.name), op.value)) return;
  const name = sub === undefined ? attr.name : `${attr.name}.${sub.name}`;
  throw new PatchError('mutability', `${op.label}: ${name} is read-only and cannot be changed.`);
}

/**
 * Required attributes (userName; active, which our representation always carries) cannot be removed
 * or emptied. RFC 7644 §3.12 defines invalidValue as "a required value was missing"; `mutability`
 * is about an attribute's mutability (userName is readWrite), so we answer invalidValue.
 */
function checkRequired(op: NormalizedOp): void {
  const { attr, sub, filter } = op.target;
  if (!attr.required || sub !== undefined || filter !== undefined) return;
  if (op.op === 'remove') {
    const hint = attr.name === 'active' ? '; replace it with false to deactivate the user' : '';
    throw new PatchError(
      'invalidValue',
      `${op.label}: ${attr.name} is required and cannot be removed${hint}.`,
    );
  }
  if (typeof op.value === 'string' && op.value.trim() === '') {
    throw new PatchError('invalidValue', `${op.label}: ${attr.name} is required and cannot be empty.`);
  }
}

/**
 * Single-valued complex attributes (name, manager). RFC 7644 §3.5.2.1/§3.5.2.3: the given
 * sub-attributes are set, the others left unchanged; a null sub-attribute is unset (Entra: null means
 * absent). A new `value` of a reference (manager) replaces the whole object: its $ref and
 * displayName belonged to the previous target.
 */
function applyComplex(container: JsonObject, op: NormalizedOp): void {
  const { attr, sub } = op.target;
  if (op.op === 'remove' && sub === undefined) {
    deleteKey(container, attr.name);
    return;
  }
  const current = getKey(container, attr.name);
  const changes: JsonObject = sub === undefined ? (op.value as JsonObject) : { [sub.name]: op.value ?? null };
  const replacesReference =
    Object.hasOwn(changes, 'value') && changes.value !== getKey(asObject(current), 'value');
  const next: JsonObject = replacesReference ? {} : { ...asObject(current) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) deleteKey(next, key);
    else setKey(next, key, value);
  }
  if (Object.keys(next).length > 0) setKey(container, attr.name, next);
  else deleteKey(container, attr.name);
}

function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** The extension object, created (and listed in `schemas`) when an operation writes to it. */
function extension(doc: JsonObject, urn: string, create: boolean): JsonObject | undefined {
  const existing = getKey(doc, urn);
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: JsonObject = {};
  setKey(doc, urn, fresh);
  const schemas = doc.schemas;
  if (
    Array.isArray(schemas) &&
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())
  ) {
    schemas.push(urn);
  }
  return fresh;
}

/** An extension with no attributes left is unassigned and leaves `schemas` (RFC 7643 §3). */
function dropEmptyExtension(doc: JsonObject, urn: string): void {
  const ext = getKey(doc, urn);
  if (!isObject(ext) || Object.keys(ext).length > 0) return;
  deleteKey(doc, urn);
  if (Array.isArray(doc.schemas)) {
    doc.schemas = doc.schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== urn.toLowerCase());
  }
}
