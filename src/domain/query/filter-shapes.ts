import type { Filter } from './ast';

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Whether PostgreSQL will accept the text as a timestamptz: ISO 8601 with real calendar values. */
export function isDateTime(text: string): boolean {
  const m = DATETIME.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m
    .slice(1, 7)
    .map((s) => (s === undefined ? 0 : Number(s)));
  if (year === undefined || year < 1 || month === undefined || month < 1 || month > 12) return false;
  if (day === undefined || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth && (hour ?? 0) <= 23 && (minute ?? 0) <= 59 && (second ?? 0) <= 59;
}

/** The value X when the filter is exactly `type eq "work" and value eq X` (either order). */
export function workEmailValue(filter: Filter): string | undefined {
  if (filter.kind !== 'and') return undefined;
  const pairs = [
    [filter.left, filter.right],
    [filter.right, filter.left],
  ] as const;
  for (const [type, value] of pairs) {
    if (isSubEq(type, 'type') && typeof type.value === 'string' && type.value.toLowerCase() === 'work') {
      if (isSubEq(value, 'value') && typeof value.value === 'string') return value.value;
    }
  }
  return undefined;
}

function isSubEq(f: Filter, sub: string): f is Extract<Filter, { kind: 'compare' }> {
  return (
    f.kind === 'compare' &&
    f.op === 'eq' &&
    f.path.schema === undefined &&
    f.path.sub === undefined &&
    f.path.attr.toLowerCase() === sub
  );
}
