/**
 * The RFC-strict shapes of a SCIM PATCH request (RFC 7644 §3.5.2) after the envelope is parsed.
 * Entra's dialect is folded into these shapes by entra-normalize.ts; nothing downstream sees it.
 */
import type { Filter } from '../../../domain/query/ast';
import { ScimError } from '../errors';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** The scimType keywords a PATCH can fail with (RFC 7644 §3.12, all HTTP 400). */
export type PatchScimType = 'invalidPath' | 'noTarget' | 'invalidValue' | 'mutability' | 'invalidSyntax';

/** A parsed PATCH path: `[urn:]attr[.sub]` or `[urn:]attr[filter][.sub]` (RFC 7644 §3.5.2 PATH). */
export interface PatchPath {
  /** The path as the client sent it (for error details). */
  readonly text: string;
  /** Schema URN if the path was URN-qualified, lower-cased. */
  readonly schema?: string;
  /** Attribute name as written (resolved case-insensitively later). */
  readonly attr: string;
  /** Value filter on a multi-valued attribute, evaluated on one entry (`type eq "work"`). */
  readonly filter?: Filter;
  /** Sub-attribute: `name.givenName` or the `.value` after a filter. */
  readonly sub?: string;
}

/** One operation of the request, RFC-strict (op lower-cased, stray keys dropped). */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: PatchPath;
  readonly value?: unknown;
  /** Position in the request's `Operations` array (0-based), named in error details. */
  readonly index: number;
}

/** A PATCH that cannot be applied: always HTTP 400 with one of the PATCH scimTypes. */
export class PatchError extends ScimError {
  constructor(
    override readonly scimType: PatchScimType,
    detail: string,
  ) {
    super(400, scimType, detail);
    this.name = 'PatchError';
  }
}

/** `Operations[2] (remove "emails[type eq \"work\"]")`: how error details name an operation. */
export function describeOperation(op: { op: string; index: number; path?: { text: string } }): string {
  const path = op.path === undefined ? '' : ` ${JSON.stringify(op.path.text)}`;
  return `Operations[${op.index}] (${op.op}${path})`;
}
