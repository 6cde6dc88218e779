/**
 * Compiles the shared Filter AST to a PostgreSQL boolean expression over `app_user u` or
 * `"group" g`: an SQL fragment whose values are bound parameters, so no value reaches the SQL
 * text. The registry's column expressions are SQL we wrote, spliced in with sql.raw.
 *
 * Semantics worth knowing:
 * - Comparisons treat an absent (NULL) attribute as false, and `not` is compiled as `is not true`,
 *   so SQL's three-valued logic never leaks: `not (title eq "x")` matches users without a title.
 * - `ne` is the negation of `eq`: it also matches resources where the attribute is absent.
 * - `attr eq null` means "not present", `attr ne null` means "present".
 * - Values that cannot be a UUID never match a uuid column (no SQL error); malformed dates are
 *   rejected with INVALID_FILTER.
 */
import { DomainError } from '../errors';
import { isUuid, sql, type SqlFragment, type SqlValue } from '../sql';
import type { AttrPath, CompareOp, Filter, Literal, ResourceKind, SortSpec } from './ast';
import { isDateTime, workEmailValue } from './filter-shapes';
import {
  findAttribute,
  formatAttrPath,
  resolveAttribute,
  resolveSubAttribute,
  RESOURCE_ALIAS,
  type AttrType,
  type MultiValuedAttribute,
} from './registry';

/** What a comparison needs to know about its left-hand side. */
interface Operand {
  readonly name: string;
  /** The column expression: registry SQL, wrapped once with sql.raw. */
  readonly sql: SqlFragment;
  /** What comparisons and sorting use: see comparisonKey. */
  readonly key: SqlFragment;
  readonly type: AttrType;
  readonly caseExact: boolean;
  readonly uuid?: boolean;
}

const SQL_OPS: Readonly<Record<'gt' | 'ge' | 'lt' | 'le', SqlFragment>> = {
  gt: sql`>`,
  ge: sql`>=`,
  lt: sql`<`,
  le: sql`<=`,
};
const TRUE = sql`true`;
const FALSE = sql`false`;
const COMMA = sql`, `;
const OR = sql` or `;
const CAST_UUID = sql`::uuid`;
const CAST_TIMESTAMPTZ = sql`::timestamptz`;

/** The table alias of each resource (registry text), as SQL. */
const ALIAS: Readonly<Record<ResourceKind, SqlFragment>> = {
  User: sql.raw(RESOURCE_ALIAS.User),
  Group: sql.raw(RESOURCE_ALIAS.Group),
};

/** Compiles a filter to a boolean SQL expression with its values bound. */
export function compileFilter(kind: ResourceKind, filter: Filter): SqlFragment {
  return new Compiler(kind).compile(filter, undefined);
}

/**
 * The expression a sort orders by (lower-cased for case-insensitive attributes), and its text,
 * which names the ordering in cursors.
 */
export function sortExpression(kind: ResourceKind, sort: SortSpec): { sql: SqlFragment; text: string } {
  const resolved = resolveAttribute(kind, sort.path);
  const name = formatAttrPath(sort.path);
  if (resolved.def.kind !== 'scalar') {
    throw invalid(`Cannot sort by "${name}": multi-valued attributes cannot be sorted`, name);
  }
  if (!resolved.def.sortable) throw invalid(`Cannot sort by "${name}": this attribute is not sortable`, name);
  const text = comparisonKey(resolved.def.sql, resolved.def);
  return { sql: sql.raw(text), text };
}

/** Compiles a sort to an ORDER BY list (the resource id breaks ties so paging is stable). */
export function compileSort(kind: ResourceKind, sort: SortSpec): SqlFragment {
  const expr = sortExpression(kind, sort).sql;
  // PostgreSQL's defaults (nulls last ascending, first descending) keep descending the exact reverse.
  return sort.descending
    ? sql`${expr} desc nulls first, ${ALIAS[kind]}.id desc`
    : sql`${expr} asc nulls last, ${ALIAS[kind]}.id asc`;
}

function invalid(message: string, attribute?: string): DomainError {
  return new DomainError('INVALID_FILTER', message, attribute === undefined ? {} : { attribute });
}

type Leaf = Extract<Filter, { kind: 'present' | 'compare' | 'in' }>;

class Compiler {
  constructor(private readonly kind: ResourceKind) {}

  /** `scope` is the multi-valued attribute whose value filter is being compiled, if any. */
  compile(filter: Filter, scope: MultiValuedAttribute | undefined): SqlFragment {
    switch (filter.kind) {
      case 'and':
        return sql`(${this.compile(filter.left, scope)} and ${this.compile(filter.right, scope)})`;
      case 'or':
        return sql`(${this.compile(filter.left, scope)} or ${this.compile(filter.right, scope)})`;
      case 'not':
        return sql`(${this.compile(filter.filter, scope)}) is not true`;
      case 'present':
      case 'compare':
      case 'in':
        return scope === undefined
          ? this.leaf(filter)
          : this.condition(filter, subOperand(scope, filter.path));
      case 'valuePath':
        if (scope !== undefined)
          throw invalid(`Value filters cannot be nested inside "${scope.scimPath}[...]"`);
        return this.valuePath(filter.path, filter.filter);
      case 'memberOf':
        if (scope !== undefined) throw invalid(`memberOf cannot be used inside "${scope.scimPath}[...]"`);
        return this.memberOf(filter.groupId, filter.depth);
    }
  }

  /** A top-level condition; on a multi-valued attribute it means "some element matches". */
  private leaf(filter: Leaf): SqlFragment {
    const resolved = resolveAttribute(this.kind, filter.path);
    if (resolved.def.kind === 'scalar') {
      return this.condition(filter, operand(resolved.def, resolved.def.scimPath));
    }
    const { def } = resolved;
    if (resolved.sub === undefined && filter.kind === 'present') return this.nonEmpty(def);
    // RFC 7644 §3.4.2.2: `emails co "x"` compares the `value` sub-attribute.
    const sub = resolved.sub ?? def.subAttributes['value'];
    if (sub === undefined)
      throw invalid(`Attribute "${def.scimPath}" needs a sub-attribute here`, def.scimPath);
    return this.exists(def, () => this.condition(filter, operand(sub, `${def.scimPath}.${sub.name}`)));
  }

  private condition(filter: Leaf, operand: Operand): SqlFragment {
    if (filter.kind === 'present') return present(operand);
    if (filter.kind === 'in') return this.in(operand, filter.values);
    return this.compare(operand, filter.op, filter.value);
  }

  private valuePath(path: AttrPath, filter: Filter): SqlFragment {
    if (path.sub !== undefined) throw invalid(`A value filter cannot follow "${formatAttrPath(path)}"`);
    const def = findAttribute(this.kind, path);
    // A complex single-valued attribute: name[givenName eq "x"] is name.givenName eq "x".
    if (def?.kind !== 'multi') return this.compile(prefixPaths(path, filter), undefined);
    const workEmail = def.scimPath === 'emails' ? workEmailValue(filter) : undefined;
    if (workEmail !== undefined && def.source.kind === 'jsonb') {
      // Entra's matching filter: served by the (tenant_id, cp_work_email(emails)) expression index.
      return sql`cp_work_email(${sql.raw(def.source.column)}) = lower(${workEmail})`;
    }
    return this.exists(def, () => this.compile(filter, def));
  }

  private exists(def: MultiValuedAttribute, inner: () => SqlFragment): SqlFragment {
    const { source } = def;
    if (source.kind === 'jsonb') {
      return sql`exists (select 1 from jsonb_array_elements(${sql.raw(source.column)}) e where ${inner()})`;
    }
    return sql`exists (select 1 from ${sql.raw(source.from)} where ${sql.raw(source.where)} and ${inner()})`;
  }

  private nonEmpty(def: MultiValuedAttribute): SqlFragment {
    const { source } = def;
    if (source.kind === 'jsonb') return sql`${sql.raw(source.column)} <> '[]'::jsonb`;
    return sql`exists (select 1 from ${sql.raw(source.from)} where ${sql.raw(source.where)})`;
  }

  private compare(o: Operand, op: CompareOp, value: Literal): SqlFragment {
    if (value === null) {
      if (op === 'eq') return sql`(${present(o)}) is not true`;
      if (op === 'ne') return present(o);
      throw invalid(`Operator "${op}" cannot compare "${o.name}" with null`, o.name);
    }
    const param = this.coerce(o, op, value);
    // Only a value that cannot be a UUID gets here: no row has it.
    if (param === undefined) return op === 'ne' ? TRUE : FALSE;
    const substring = op === 'co' || op === 'sw' || op === 'ew';
    let bound: SqlValue = param;
    if (substring) {
      const escaped = String(param).replace(/[\\%_]/g, '\\$&');
      bound = op === 'sw' ? `${escaped}%` : op === 'ew' ? `%${escaped}` : `%${escaped}%`;
    }
    let lhs = o.key;
    let rhs = sql`${bound}${castOf(o)}`;
    if (isCaseInsensitive(o)) {
      rhs = sql`lower(${bound})`;
    } else if (o.uuid && op !== 'eq' && op !== 'ne') {
      lhs = sql`${o.sql}::text`;
      rhs = sql`${bound}`;
    }
    if (substring) return sql`${lhs} like ${rhs} escape '\\'`;
    if (op === 'eq') return sql`${lhs} = ${rhs}`;
    if (op === 'ne') return sql`${lhs} is distinct from ${rhs}`;
    return sql`${lhs} ${SQL_OPS[op]} ${rhs}`;
  }

  private in(o: Operand, values: readonly Literal[]): SqlFragment {
    const valid = values.flatMap((v) => {
      const param = v === null ? undefined : this.coerce(o, 'eq', v);
      return param === undefined ? [] : [param];
    });
    const ci = isCaseInsensitive(o);
    const parts: SqlFragment[] = [];
    if (valid.length > 0) {
      const cast = castOf(o);
      const list = sql.join(
        valid.map((v) => (ci ? sql`lower(${v})` : sql`${v}${cast}`)),
        COMMA,
      );
      parts.push(sql`${o.key} in (${list})`);
    }
    if (values.includes(null)) parts.push(sql`(${present(o)}) is not true`);
    return parts.length === 0 ? FALSE : sql`(${sql.join(parts, OR)})`;
  }

  /** Checks a value against the attribute type; undefined means "can never match" (bad UUID). */
  private coerce(
    o: Operand,
    op: CompareOp,
    value: string | number | boolean,
  ): string | number | boolean | undefined {
    const ordering = op !== 'eq' && op !== 'ne';
    const substring = op === 'co' || op === 'sw' || op === 'ew';
    switch (o.type) {
      case 'boolean': {
        const text = String(value).toLowerCase();
        if (ordering)
          throw invalid(`Operator "${op}" is not supported for the boolean attribute "${o.name}"`, o.name);
        if (text !== 'true' && text !== 'false')
          throw invalid(`"${o.name}" must be compared with true or false`, o.name);
        return text === 'true';
      }
      case 'dateTime':
        if (substring)
          throw invalid(`Operator "${op}" is not supported for the dateTime attribute "${o.name}"`, o.name);
        if (typeof value !== 'string' || !isDateTime(value)) {
          throw invalid(
            `"${o.name}" must be compared with an ISO 8601 date-time such as "2026-01-31T12:00:00Z"`,
            o.name,
          );
        }
        return value;
      case 'integer':
        if (substring)
          throw invalid(`Operator "${op}" is not supported for the integer attribute "${o.name}"`, o.name);
        if (typeof value === 'boolean' || !Number.isInteger(Number(value))) {
          throw invalid(`"${o.name}" must be compared with an integer`, o.name);
        }
        return Number(value);
      case 'string':
      case 'reference': {
        const text = String(value);
        if (!o.uuid) return text;
        // UUIDs are case-insensitive hex whatever the attribute's caseExact says.
        if (ordering) return text.toLowerCase();
        return isUuid(text) ? text : undefined;
      }
    }
  }

  private memberOf(groupId: string, depth: 'DIRECT' | 'INHERITED' | 'ALL'): SqlFragment {
    if (!isUuid(groupId)) return FALSE;
    const id = sql`${ALIAS[this.kind]}.id`;
    const direct = sql`exists (select 1 from membership mo where mo.group_id = ${groupId}::uuid and mo.member_id = ${id})`;
    // Members of the group or of any group nested in it; `union` stops on cycles.
    const nested = sql`with recursive nested(group_id) as (select ${groupId}::uuid union select mo.member_group_id from membership mo join nested n on mo.group_id = n.group_id where mo.member_group_id is not null)`;
    const all = sql`${id} in (${nested} select mo.member_id from membership mo join nested n on mo.group_id = n.group_id)`;
    if (depth === 'DIRECT') return direct;
    if (depth === 'ALL') return all;
    return sql`(${all} and not ${direct})`;
  }
}

/** The operand of a registry attribute: its SQL (trusted registry text) made a fragment. */
function operand(
  attr: {
    readonly sql: string;
    readonly type: AttrType;
    readonly caseExact: boolean;
    readonly uuid?: boolean;
  },
  name: string,
): Operand {
  return {
    name,
    sql: sql.raw(attr.sql),
    key: sql.raw(comparisonKey(attr.sql, attr)),
    type: attr.type,
    caseExact: attr.caseExact,
    ...(attr.uuid !== undefined && { uuid: attr.uuid }),
  };
}

function subOperand(scope: MultiValuedAttribute, path: AttrPath): Operand {
  const sub = resolveSubAttribute(scope, path);
  return operand(sub, `${scope.scimPath}.${sub.name}`);
}

/** Rewrites `givenName eq "x"` inside `name[...]` to `name.givenName eq "x"`. */
function prefixPaths(parent: AttrPath, filter: Filter): Filter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { ...filter, left: prefixPaths(parent, filter.left), right: prefixPaths(parent, filter.right) };
    case 'not':
      return { ...filter, filter: prefixPaths(parent, filter.filter) };
    case 'present':
    case 'compare':
    case 'in':
      if (filter.path.sub !== undefined || filter.path.schema !== undefined) {
        const name = `${formatAttrPath(parent)}.${formatAttrPath(filter.path)}`;
        throw invalid(`Unknown attribute "${name}" in filter`, name);
      }
      return { ...filter, path: { ...parent, sub: filter.path.attr } };
    case 'valuePath':
    case 'memberOf':
      throw invalid(`Value filters cannot be nested inside "${formatAttrPath(parent)}[...]"`);
  }
}

/**
 * The expression a text attribute is compared and sorted by: lower-cased unless caseExact, in the
 * "C" collation (code-point order). PostgreSQL uses a btree for `=`, ranges, ORDER BY and a LIKE
 * prefix only when the index has the comparison's collation, and for LIKE only when that is "C":
 * comparing in "C" lets one index per attribute, `(tenant_id, <this expression>, id)`, serve eq,
 * sw, gt/lt and sorting (ADR 0018). The migration Migration20261210010000_search_indexes spells
 * the same expressions; equality and LIKE give the same rows in every deterministic collation.
 * The COLLATE goes outside lower(), which keeps lower-casing by the database's own ctype.
 */
function comparisonKey(
  column: string,
  o: { type: AttrType; caseExact: boolean; uuid?: boolean | undefined },
): string {
  if ((o.type !== 'string' && o.type !== 'reference') || o.uuid) return column;
  return o.caseExact ? `${column} collate "C"` : `lower(${column}) collate "C"`;
}

function isCaseInsensitive(o: { type: AttrType; caseExact: boolean; uuid?: boolean }): boolean {
  return (o.type === 'string' || o.type === 'reference') && !o.caseExact && !o.uuid;
}

function present(o: Operand): SqlFragment {
  const text = (o.type === 'string' || o.type === 'reference') && !o.uuid;
  return text ? sql`(${o.sql} is not null and ${o.sql} <> '')` : sql`${o.sql} is not null`;
}

function castOf(o: Operand): SqlFragment {
  if (o.uuid) return CAST_UUID;
  return o.type === 'dateTime' ? CAST_TIMESTAMPTZ : sql.empty;
}
