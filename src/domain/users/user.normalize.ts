import { DomainError } from '../errors';
import { copyStored, storedFields, withDefaults } from '../schema/record';
import { USER_DEFINITION } from './user.definition';
import type { RoleInput, UserAttributes, UserInput, UserRecord } from './user.types';

const FIELDS = storedFields(USER_DEFINITION);

/** Fills every absent attribute with its empty value and checks the invariants both façades share. */
export function normalizeUserInput(input: UserInput): UserAttributes {
  if (typeof input.userName !== 'string' || input.userName.trim() === '') {
    throw new DomainError('INVALID_INPUT', 'userName is required and must be a non-empty string.', {
      field: 'userName',
    });
  }
  if (input.userName.length > 512) {
    throw new DomainError('INVALID_INPUT', 'userName must be at most 512 characters.', { field: 'userName' });
  }
  return withDefaults(FIELDS, input) as UserAttributes;
}

/** Roles deduplicated by value (last wins), with at most one primary. */
export function normalizeRoles(roles: readonly RoleInput[] | undefined): RoleInput[] {
  const byValue = new Map<string, RoleInput>();
  for (const r of roles ?? []) {
    if (typeof r.value !== 'string' || r.value === '') {
      throw new DomainError('INVALID_INPUT', 'Every role needs a non-empty value.', { field: 'roles' });
    }
    byValue.set(r.value, {
      value: r.value,
      display: r.display ?? null,
      type: r.type ?? null,
      primary: r.primary === true,
    });
  }
  let seenPrimary = false;
  return [...byValue.values()].map((r) => {
    const primary = r.primary === true && !seenPrimary;
    if (primary) seenPrimary = true;
    return { ...r, primary };
  });
}

/** The user's current attributes and roles, as an input that would recreate them. */
export function userToInput(user: UserRecord): UserInput {
  return { ...(copyStored(FIELDS, user) as UserAttributes), roles: user.roles.map((r) => ({ ...r })) };
}
