/**
 * Compiles the shared Filter AST to a PostgreSQL boolean expression over `app_user u` or
 * `"group" g`, with `?` placeholders for knex.raw / em.execute. The SQL text never contains a `?`
 * other than a placeholder (so no jsonb `?` operator), and values never reach the SQL text.
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
import { isUuid } from '../sql';
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

export interface CompiledSql {
  readonly sql: string;
  readonly params: unknown[];
}

/** What a comparison needs to know about its left-hand side. */
interface Operand {
  readonly name: string;
  readonly sql: string;
  readonly type: AttrType;
  readonly caseExact: boolean;
  readonly uuid?: boolean;
}

const SQL_OPS: Readonly<Record<'gt' | 'ge' | 'lt' | 'le', string>> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

/** Compiles a filter to a boolean SQL expression plus its positional parameters. */
export function compileFilter(kind: ResourceKind, filter: Filter): CompiledSql {
  const compiler = new Compiler(kind);
  const sql = compiler.compile(filter, undefined);
  return checked({ sql, params: compiler.params });
}

/** The expression a sort orders by (lower-cased for case-insensitive attributes). */
export function sortExpression(kind: ResourceKind, sort: SortSpec): string {
  const resolved = resolveAttribute(kind, sort.path);
  const name = formatAttrPath(sort.path);
  if (resolved.def.kind !== 'scalar') {
    throw invalid(`Cannot sort by "${name}": multi-valued attributes cannot be sorted`, name);
  }
  if (!resolved.def.sortable) throw invalid(`Cannot sort by "${name}": this attribute is not sortable`, name);
  const { sql } = resolved.def;
  return isCaseInsensitive({ ...resolved.def, name }) ? `lower(${sql})` : sql;
}

/** Compiles a sort to an ORDER BY list (the resource id breaks ties so paging is stable). */
export function compileSort(kind: ResourceKind, sort: SortSpec): string {
  const expr = sortExpression(kind, sort);
  // PostgreSQL's defaults (nulls last ascending, first descending) keep descending the exact reverse.
  const dir = sort.descending ? 'desc nulls first' : 'asc nulls last';
  return `${expr} ${dir}, ${RESOURCE_ALIAS[kind]}.id ${sort.descending ? 'desc' : 'asc'}`;
}

function checked(result: CompiledSql): CompiledSql {
  // A stray `?` in registry SQL would shift every parameter after it; fail loudly instead.
  const placeholders = result.sql.split('?').length - 1;
  if (placeholders !== result.params.length) throw new Error(`Filter SQL has ${placeholders} placeholders`);
  return result;
}

function invalid(message: string, attribute?: string): DomainError {
  return new DomainError('INVALID_FILTER', message, attribute === undefined ? {} : { attribute });
}

type Leaf = Extract<Filter, { kind: 'present' | 'compare' | 'in' }>;

class Compiler {
  readonly params: unknown[] = [];

  constructor(private readonly kind: ResourceKind) {}

  /** `scope` is the multi-valued attribute whose value filter is being compiled, if any. */
  compile(filter: Filter, scope: MultiValuedAttribute | undefined): string {
    switch (filter.kind) {
      case 'and':
        return `(${this.compile(filter.left, scope)} and ${this.compile(filter.right, scope)})`;
      case 'or':
        return `(${this.compile(filter.left, scope)} or ${this.compile(filter.right, scope)})`;
      case 'not':
        return `(${this.compile(filter.filter, scope)}) is not true`;
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
  private leaf(filter: Leaf): string {
    const resolved = resolveAttribute(this.kind, filter.path);
    if (resolved.def.kind === 'scalar') {
      return this.condition(filter, { ...resolved.def, name: resolved.def.scimPath });
    }
    const { def } = resolved;
    if (resolved.sub === undefined && filter.kind === 'present') return this.nonEmpty(def);
    // RFC 7644 §3.4.2.2: `emails co "x"` compares the `value` sub-attribute.
    const sub = resolved.sub ?? def.subAttributes['value'];
    if (sub === undefined)
      throw invalid(`Attribute "${def.scimPath}" needs a sub-attribute here`, def.scimPath);
    return this.exists(def, () => this.condition(filter, { ...sub, name: `${def.scimPath}.${sub.name}` }));
  }

  private condition(filter: Leaf, operand: Operand): string {
    if (filter.kind === 'present') return present(operand);
    if (filter.kind === 'in') return this.in(operand, filter.values);
    return this.compare(operand, filter.op, filter.value);
  }

  private valuePath(path: AttrPath, filter: Filter): string {
    if (path.sub !== undefined) throw invalid(`A value filter cannot follow "${formatAttrPath(path)}"`);
    const def = findAttribute(this.kind, path);
    // A complex single-valued attribute: name[givenName eq "x"] is name.givenName eq "x".
    if (def?.kind !== 'multi') return this.compile(prefixPaths(path, filter), undefined);
    const workEmail = def.scimPath === 'emails' ? workEmailValue(filter) : undefined;
    if (workEmail !== undefined && def.source.kind === 'jsonb') {
      // Entra's matching filter: served by the (tenant_id, cp_work_email(emails)) expression index.
      this.params.push(workEmail);
      return `cp_work_email(${def.source.column}) = lower(?)`;
    }
    return this.exists(def, () => this.compile(filter, def));
  }

  private exists(def: MultiValuedAttribute, inner: () => string): string {
    const { source } = def;
    if (source.kind === 'jsonb') {
      return `exists (select 1 from jsonb_array_elements(${source.column}) e where ${inner()})`;
    }
    return `exists (select 1 from ${source.from} where ${source.where} and ${inner()})`;
  }

  private nonEmpty(def: MultiValuedAttribute): string {
    const { source } = def;
    if (source.kind === 'jsonb') return `${source.column} <> '[]'::jsonb`;
    return `exists (select 1 from ${source.from} where ${source.where})`;
  }

  private compare(o: Operand, op: CompareOp, value: Literal): string {
    if (value === null) {
      if (op === 'eq') return `(${present(o)}) is not true`;
      if (op === 'ne') return present(o);
      throw invalid(`Operator "${op}" cannot compare "${o.name}" with null`, o.name);
    }
    const param = this.coerce(o, op, value);
    // Only a value that cannot be a UUID gets here: no row has it.
    if (param === undefined) return op === 'ne' ? 'true' : 'false';
    let lhs = o.sql;
    let rhs = `?${castOf(o)}`;
    if (isCaseInsensitive(o)) {
      lhs = `lower(${o.sql})`;
      rhs = 'lower(?)';
    } else if (o.uuid && op !== 'eq' && op !== 'ne') {
      lhs = `${o.sql}::text`;
      rhs = '?';
    }
    if (op === 'co' || op === 'sw' || op === 'ew') {
      const escaped = String(param).replace(/[\\%_]/g, '\\$&');
      this.params.push(op === 'sw' ? `${escaped}%` : op === 'ew' ? `%${escaped}` : `%${escaped}%`);
      return `${lhs} like ${rhs} escape '\\'`;
    }
    this.params.push(param);
    if (op === 'eq') return `${lhs} = ${rhs}`;
    if (op === 'ne') return `${lhs} is distinct from ${rhs}`;
    return `${lhs} ${SQL_OPS[op]} ${rhs}`;
  }

  private in(o: Operand, values: readonly Literal[]): string {
    const valid = values.flatMap((v) => {
      const param = v === null ? undefined : this.coerce(o, 'eq', v);
      return param === undefined ? [] : [param];
    });
    const ci = isCaseInsensitive(o);
    const parts: string[] = [];
    if (valid.length > 0) {
      this.params.push(...valid);
      const rhs = ci ? 'lower(?)' : `?${castOf(o)}`;
      parts.push(`${ci ? `lower(${o.sql})` : o.sql} in (${valid.map(() => rhs).join(', ')})`);
    }
    if (values.includes(null)) parts.push(`(${present(o)}) is not true`);
    return parts.length === 0 ? 'false' : `(${parts.join(' or ')})`;
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
      case 'datetime':
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

  private memberOf(groupId: string, depth: 'DIRECT' | 'INHERITED' | 'ALL'): string {
    if (!isUuid(groupId)) return 'false';
    const id = `${RESOURCE_ALIAS[this.kind]}.id`;
    const direct = () => {
      this.params.push(groupId);
      return `exists (select 1 from membership mo where mo.group_id = ?::uuid and mo.member_id = ${id})`;
    };
    // Members of the group or of any group nested in it; `union` stops on cycles.
    const all = () => {
      this.params.push(groupId);
      return (
        `${id} in (with recursive nested(group_id) as (select ?::uuid union ` +
        `select mo.member_group_id from membership mo join nested n on mo.group_id = n.group_id ` +
        `where mo.member_group_id is not null) ` +
        `select mo.member_id from membership mo join nested n on mo.group_id = n.group_id)`
      );
    };
    if (depth === 'DIRECT') return direct();
    if (depth === 'ALL') return all();
    return `(${all()} and not ${direct()})`;
  }
}

function subOperand(scope: MultiValuedAttribute, path: AttrPath): Operand {
  const sub = resolveSubAttribute(scope, path);
  return { ...sub, name: `${scope.scimPath}.${sub.name}` };
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
        throw invalid(
          `Unknown attribute "${formatAttrPath(parent)}.${formatAttrPath(filter.path)}" in filter`,
        );
      }
      return { ...filter, path: { ...parent, sub: filter.path.attr } };
    case 'valuePath':
    case 'memberOf':
      throw invalid(`Value filters cannot be nested inside "${formatAttrPath(parent)}[...]"`);
  }
}

function isCaseInsensitive(o: Operand): boolean {
  return (o.type === 'string' || o.type === 'reference') && !o.caseExact && !o.uuid;
}

function present(o: Operand): string {
  const text = (o.type === 'string' || o.type === 'reference') && !o.uuid;
  return text ? `(${o.sql} is not null and ${o.sql} <> '')` : `${o.sql} is not null`;
}

function castOf(o: Operand): string {
  if (o.uuid) return '::uuid';
  return o.type === 'datetime' ? '::timestamptz' : '';
}
