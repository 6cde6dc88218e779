import type { Filter, ResourceKind } from '../query/ast';
import { compileFilter } from '../query/compile';
import { RESOURCE_ALIAS } from '../query/registry';
import { sql, type SqlFragment } from '../sql';
import { inAnyGroupSql } from './membership.graph';

/**
 * A filter in the shared AST, plus the one predicate the registry cannot express yet: "is a direct
 * member of at least one group" (GraphQL `memberOfAny`; SCIM would say `groups pr` once the User
 * registry has a `groups` attribute). Pure-AST subtrees stay whole and go through compileFilter;
 * only the boolean glue around `inAnyGroup` is assembled here.
 */
export type DirectoryFilter =
  | { readonly kind: 'ast'; readonly filter: Filter }
  | { readonly kind: 'inAnyGroup'; readonly value: boolean }
  | { readonly kind: 'and' | 'or'; readonly items: readonly DirectoryFilter[] }
  | { readonly kind: 'not'; readonly item: DirectoryFilter };

/** The predicate per resource, over the registry's alias (`u` / `g`, trusted registry text). */
const IN_ANY_GROUP: Readonly<Record<ResourceKind, SqlFragment>> = {
  User: inAnyGroupSql(sql.raw(RESOURCE_ALIAS.User)),
  Group: inAnyGroupSql(sql.raw(RESOURCE_ALIAS.Group)),
};

const AND = sql` and `;
const OR = sql` or `;

/** Compiles a DirectoryFilter to a boolean SQL expression over `u` / `g`, with its values bound. */
export function compileDirectoryFilter(kind: ResourceKind, filter: DirectoryFilter): SqlFragment {
  switch (filter.kind) {
    case 'ast':
      return compileFilter(kind, filter.filter);
    case 'inAnyGroup':
      return filter.value ? IN_ANY_GROUP[kind] : sql`not ${IN_ANY_GROUP[kind]}`;
    case 'not':
      return sql`(${compileDirectoryFilter(kind, filter.item)}) is not true`;
    case 'and':
    case 'or': {
      if (filter.items.length === 0) return filter.kind === 'and' ? sql`true` : sql`false`;
      const parts = filter.items.map((f) => compileDirectoryFilter(kind, f));
      return sql`(${sql.join(parts, filter.kind === 'and' ? AND : OR)})`;
    }
  }
}
