/**
 * Evaluates a PATCH value filter (`emails[type eq "work"]`) on ONE entry of ONE resource's
 * multi-valued attribute. This is not resource filtering (that happens in PostgreSQL): it only
 * picks entries out of an array the applier already holds.
 */
import type { AttrPath, CompareOp, Filter, Literal } from '../../../domain/query/ast';
import { getCI, isObject } from '../json-reader';

/** True when `entry` satisfies `filter`. Strings compare case-insensitively (caseExact=false). */
export function matchesEntry(entry: unknown, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesEntry(entry, filter.left) && matchesEntry(entry, filter.right);
    case 'or':
      return matchesEntry(entry, filter.left) || matchesEntry(entry, filter.right);
    case 'not':
      return !matchesEntry(entry, filter.filter);
    case 'present':
      return isPresent(read(entry, filter.path));
    case 'compare':
      return compare(filter.op, read(entry, filter.path), filter.value);
    default:
      // valuePath / in / memberOf never come out of a bracket filter.
      return false;
  }
}

/**
 * The entry a filter describes, when it is made only of `eq` comparisons joined by `and`
 * (`type eq "mobile"` → `{type: "mobile"}`); undefined otherwise. Used to create the entry an
 * add/replace on a filtered path targets when nothing matches yet.
 */
export function eqTemplate(filter: Filter): Record<string, Literal> | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.sub === undefined) {
    return { [filter.path.attr]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = eqTemplate(filter.left);
    const right = eqTemplate(filter.right);
    return left && right && { ...left, ...right };
  }
  return undefined;
}

function read(entry: unknown, path: AttrPath): unknown {
  if (!isObject(entry)) return undefined;
  const value = getCI(entry, path.attr);
  if (path.sub === undefined) return value;
  return isObject(value) ? getCI(value, path.sub) : undefined;
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !Array.isArray(value) || value.length > 0;
}

function compare(op: CompareOp, actual: unknown, literal: Literal): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(op, a, literal));
  if (actual === undefined || actual === null) {
    if (op === 'eq') return literal === null;
    if (op === 'ne') return literal !== null;
    return false;
  }
  const [a, b] = alignBooleans(actual, literal);
  if (typeof a === 'boolean' || typeof b === 'boolean' || b === null) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    return false;
  }
  if (typeof a === 'number' && typeof b === 'number') return order(op, a, b);
  return stringCompare(op, String(a).toLowerCase(), String(b).toLowerCase());
}

/** Entra writes `primary eq "True"`: a boolean compared with "true"/"false" compares as a boolean. */
function alignBooleans(actual: unknown, literal: Literal): [unknown, Literal] {
  const asBool = (v: unknown): boolean | undefined => {
    if (typeof v !== 'string') return undefined;
    const lower = v.trim().toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  };
  if (typeof actual === 'boolean') return [actual, asBool(literal) ?? literal];
  if (typeof literal === 'boolean') return [asBool(actual) ?? actual, literal];
  return [actual, literal];
}

function stringCompare(op: CompareOp, a: string, b: string): boolean {
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return order(op, a, b);
  }
}

function order<T extends string | number>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}
