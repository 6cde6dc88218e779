/**
 * Parses and validates the PATCH envelope (RFC 7644 §3.5.2):
 * `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[…]}`.
 */
import { getCI, isObject } from '../json-reader';
import { SCHEMA_PATCH_OP } from '../schemas';
import { readRawOperation } from './entra-normalize';
import { parsePatchPath, PathError } from './path';
import { describeOperation, PatchError, type PatchOperation, type PatchOpName } from './types';

export { PatchError, describeOperation } from './types';
export type { PatchOperation, PatchOpName, PatchPath, PatchScimType } from './types';

const OP_NAMES: readonly string[] = ['add', 'replace', 'remove'] satisfies PatchOpName[];

/**
 * The operations of a PATCH body, in order; throws PatchError. `schemas` may be missing (lenient:
 * it carries no information), but when present it must name the PatchOp message, so a resource body
 * sent to PATCH by mistake is refused instead of half-applied. `Operations` must be an array.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body))
    throw new PatchError('invalidSyntax', 'A PATCH body must be a JSON object with "Operations".');
  const schemas = getCI(body, 'schemas');
  if (schemas !== undefined) {
    const list = Array.isArray(schemas) ? schemas : [schemas];
    if (!list.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_PATCH_OP.toLowerCase())) {
      throw new PatchError('invalidSyntax', `A PATCH body's "schemas" must contain "${SCHEMA_PATCH_OP}".`);
    }
  }
  const operations = getCI(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw new PatchError('invalidSyntax', 'A PATCH body must have an "Operations" array.');
  }
  // An empty array is accepted as a no-op: nothing to refuse, and Entra retries refused requests.
  return operations.map((raw, index) => parseOperation(raw, index));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  if (!isObject(raw)) {
    throw new PatchError(
      'invalidSyntax',
      `Operations[${index}] must be an object with "op", "path" and "value".`,
    );
  }
  const { op, path, value } = readRawOperation(raw);
  if (typeof op !== 'string' || !OP_NAMES.includes(op)) {
    throw new PatchError(
      'invalidSyntax',
      `Operations[${index}]: "op" must be "add", "replace" or "remove", got ${JSON.stringify(op ?? null)}.`,
    );
  }
  const name = op as PatchOpName;
  if (path !== undefined && typeof path !== 'string') {
    throw new PatchError('invalidPath', `Operations[${index}] (${name}): "path" must be a string.`);
  }
  const label = describeOperation({ op: name, index, ...(path !== undefined && { path: { text: path } }) });
  let parsedPath;
  // An empty path is the same as no path (some clients send "path": "").
  if (path !== undefined && path.trim() !== '') {
    try {
      parsedPath = parsePatchPath(path);
    } catch (err) {
      if (err instanceof PathError) throw new PatchError('invalidPath', `${label}: ${err.message}.`);
      throw err;
    }
  }
  if (name === 'remove' && parsedPath === undefined) {
    // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails … 'noTarget'".
    throw new PatchError('noTarget', `${label}: remove needs a "path" naming what to remove.`);
  }
  if (name !== 'remove' && value === undefined) {
    throw new PatchError('invalidValue', `${label}: ${name} needs a "value".`);
  }
  return {
    op: name,
    ...(parsedPath !== undefined && { path: parsedPath }),
    ...(value !== undefined && { value }),
    index,
  };
}
