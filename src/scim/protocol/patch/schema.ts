/**
 * The small attribute model PATCH needs: names (for case-insensitive resolution to canonical
 * spelling), types (for coercion), multi-valuedness, mutability and required-ness (RFC 7643 §2.2, §7).
 */
import { PathError } from './path';
import type { PatchPath } from './types';
import type { Filter } from '../../../domain/query/ast';
import type { AttributeType as AttrType, Mutability } from '../../../domain/schema/attribute';

export type { AttributeType as AttrType, Mutability } from '../../../domain/schema/attribute';

export interface AttrDef {
  /** Canonical spelling (RFC 7643), used on output whatever case the client sent. */
  readonly name: string;
  readonly type: AttrType;
  readonly multiValued?: boolean;
  readonly required?: boolean;
  /** Defaults to readWrite. */
  readonly mutability?: Mutability;
  readonly subAttributes?: readonly AttrDef[];
}

export interface SchemaExtension {
  readonly urn: string;
  readonly attributes: readonly AttrDef[];
}

export interface ResourceSchema {
  readonly resourceType: 'User' | 'Group';
  readonly coreUrn: string;
  readonly attributes: readonly AttrDef[];
  readonly extensions: readonly SchemaExtension[];
}

/** A path resolved against a schema: canonical definitions instead of names as sent. */
export interface Target {
  /** Extension URN (canonical) holding the attribute; undefined for core attributes. */
  readonly ext?: string;
  readonly attr: AttrDef;
  readonly filter?: Filter;
  readonly sub?: AttrDef;
}

/** The definition named `name` (case-insensitive, RFC 7643 §2.1). */
export function findAttr(list: readonly AttrDef[] | undefined, name: string): AttrDef | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

/** The extension whose URN is `urn` (case-insensitive). */
export function findExtension(schema: ResourceSchema, urn: string): SchemaExtension | undefined {
  const lower = urn.toLowerCase();
  return schema.extensions.find((e) => e.urn.toLowerCase() === lower);
}

/** The extension a path names as a whole (`urn:…:enterprise:2.0:User`), if it does. */
export function pathNamesExtension(schema: ResourceSchema, path: PatchPath): SchemaExtension | undefined {
  if (path.schema === undefined || path.sub !== undefined || path.filter !== undefined) return undefined;
  return findExtension(schema, `${path.schema}:${path.attr}`);
}

/**
 * Resolves `path` against `schema`. Returns undefined for attributes the schema does not know (the
 * caller ignores those: Entra sends mappings we may not store). Throws PathError for paths that
 * cannot make sense whatever the attribute: a filter on a single-valued attribute, a sub-attribute
 * of a simple one.
 */
export function resolveTarget(schema: ResourceSchema, path: PatchPath): Target | undefined {
  const found = findOwner(schema, path);
  if (found === undefined) return undefined;
  const { ext, attr } = found;
  if (path.filter !== undefined && !attr.multiValued) {
    throw new PathError(`"${attr.name}" is single-valued, so it cannot take a value filter`);
  }
  let sub: AttrDef | undefined;
  if (path.sub !== undefined) {
    if (attr.type !== 'complex') throw new PathError(`"${attr.name}" has no sub-attributes`);
    sub = findAttr(attr.subAttributes, path.sub);
    if (sub === undefined) return undefined;
  }
  return {
    ...(ext !== undefined && { ext }),
    attr,
    ...(path.filter !== undefined && { filter: path.filter }),
    ...(sub !== undefined && { sub }),
  };
}

function findOwner(schema: ResourceSchema, path: PatchPath): { ext?: string; attr: AttrDef } | undefined {
  if (path.schema !== undefined) {
    if (path.schema === schema.coreUrn.toLowerCase()) {
      const attr = findAttr(schema.attributes, path.attr);
      return attr && { attr };
    }
    const extension = findExtension(schema, path.schema);
    const attr = extension && findAttr(extension.attributes, path.attr);
    return extension && attr && { ext: extension.urn, attr };
  }
  const core = findAttr(schema.attributes, path.attr);
  if (core !== undefined) return { attr: core };
  // Leniency: an unqualified extension attribute (`department`, Postman's "Manager") resolves to the
  // extension that defines it. Core names win, so this never changes the meaning of an RFC path.
  for (const extension of schema.extensions) {
    const attr = findAttr(extension.attributes, path.attr);
    if (attr !== undefined) return { ext: extension.urn, attr };
  }
  return undefined;
}
