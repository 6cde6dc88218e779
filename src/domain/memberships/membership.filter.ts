import type { Filter, ResourceKind } from '../query/ast';
import { compileFilter, type CompiledSql } from '../query/compile';
import { RESOURCE_ALIAS } from '../query/registry';
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

/** Compiles a DirectoryFilter to a boolean SQL expression over `u` / `g`, with its parameters. */
export function compileDirectoryFilter(kind: ResourceKind, filter: DirectoryFilter): CompiledSql {
  switch (filter.kind) {
    case 'ast':
      return compileFilter(kind, filter.filter);
    case 'inAnyGroup': {
      const sql = inAnyGroupSql(RESOURCE_ALIAS[kind]);
      return { sql: filter.value ? sql : `not ${sql}`, params: [] };
    }
    case 'not': {
      const inner = compileDirectoryFilter(kind, filter.item);
      return { sql: `(${inner.sql}) is not true`, params: inner.params };
    }
    case 'and':
    case 'or': {
      if (filter.items.length === 0) return { sql: filter.kind === 'and' ? 'true' : 'false', params: [] };
      const parts = filter.items.map((f) => compileDirectoryFilter(kind, f));
      return {
        sql: `(${parts.map((p) => p.sql).join(` ${filter.kind} `)})`,
        params: parts.flatMap((p) => p.params),
      };
    }
  }
}
