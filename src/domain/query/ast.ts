/**
 * The filter language shared by both façades. SCIM filter strings (RFC 7644 §3.4.2.2) and GraphQL
 * typed filters are both turned into this AST, which src/domain/query compiles to SQL through the
 * attribute registry. Nothing here knows about HTTP or SQL.
 */

/** An attribute reference: `emails.value`, `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`. */
export interface AttrPath {
  /** Schema URN if the name was URN-qualified, lower-cased; otherwise undefined. */
  readonly schema?: string;
  /** Attribute name as written (matching is case-insensitive). */
  readonly attr: string;
  /** Sub-attribute name, if any. */
  readonly sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly path: AttrPath; readonly value: Literal }
  /** Some element of multi-valued `path` satisfies `filter` (whose paths are sub-attributes of it). */
  | { readonly kind: 'valuePath'; readonly path: AttrPath; readonly filter: Filter }
  /** Extension point for the GraphQL typed filter: the value is one of the listed literals. */
  | { readonly kind: 'in'; readonly path: AttrPath; readonly values: readonly Literal[] }
  /** Membership of a group, direct or through nested groups (GraphQL `memberOf`). */
  | {
      readonly kind: 'memberOf';
      readonly groupId: string;
      readonly depth: 'DIRECT' | 'INHERITED' | 'ALL';
    };

export type ResourceKind = 'User' | 'Group';

export interface SortSpec {
  readonly path: AttrPath;
  readonly descending: boolean;
}
