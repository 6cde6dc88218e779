import type { RoleInput, UserAttributes, UserRecord } from './user.types';
import { USER_COLUMNS } from './user.row';

/**
 * JSON equality that ignores object key order: multi-valued attributes come back from jsonb with
 * their keys reordered, and comparing texts would count every PATCH as a change to them.
 */
function same(a: unknown, b: unknown): boolean {
  // Most of a PATCH's ~30 columns are unchanged scalars: decided without building any text.
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Names of the columns (plus manager/roles) whose value differs between `current` and `next`. */
export function changedUserFields(
  current: UserRecord,
  next: UserAttributes,
  roles: RoleInput[] | undefined,
): string[] {
  const changed = USER_COLUMNS.filter((c) => !same(c.get(current), c.get(next))).map((c) => c.column);
  if ((current.enterprise.managerId ?? null) !== (next.enterprise.managerId ?? null))
    changed.push('manager_id');
  if (roles !== undefined) {
    const key = (rs: readonly RoleInput[]) =>
      JSON.stringify(
        [...rs]
          .sort((a, b) => a.value.localeCompare(b.value))
          .map((r) => [r.value, r.display ?? null, r.type ?? null, !!r.primary]),
      );
    if (key(current.roles) !== key(roles)) changed.push('roles');
  }
  return changed;
}
