import type { RoleInput, UserAttributes, UserRecord } from './user.types';
import { USER_COLUMNS } from './user.row';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

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
