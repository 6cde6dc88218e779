import { DomainError } from '../errors';
import type { RoleInput, UserAttributes, UserInput, UserRecord } from './user.types';

const EMPTY_NAME = {
  formatted: null,
  familyName: null,
  givenName: null,
  middleName: null,
  honorificPrefix: null,
  honorificSuffix: null,
};

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
  return {
    userName: input.userName,
    externalId: input.externalId ?? null,
    active: input.active ?? true,
    displayName: input.displayName ?? null,
    name: { ...EMPTY_NAME, ...(input.name ?? {}) },
    nickName: input.nickName ?? null,
    profileUrl: input.profileUrl ?? null,
    title: input.title ?? null,
    userType: input.userType ?? null,
    preferredLanguage: input.preferredLanguage ?? null,
    locale: input.locale ?? null,
    timezone: input.timezone ?? null,
    emails: input.emails ?? [],
    phoneNumbers: input.phoneNumbers ?? [],
    addresses: input.addresses ?? [],
    ims: input.ims ?? [],
    photos: input.photos ?? [],
    entitlements: input.entitlements ?? [],
    x509Certificates: input.x509Certificates ?? [],
    enterprise: {
      employeeNumber: null,
      costCenter: null,
      organization: null,
      division: null,
      department: null,
      managerId: null,
      ...(input.enterprise ?? {}),
    },
  };
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
  return {
    userName: user.userName,
    externalId: user.externalId,
    active: user.active,
    displayName: user.displayName,
    name: { ...user.name },
    nickName: user.nickName,
    profileUrl: user.profileUrl,
    title: user.title,
    userType: user.userType,
    preferredLanguage: user.preferredLanguage,
    locale: user.locale,
    timezone: user.timezone,
    emails: user.emails,
    phoneNumbers: user.phoneNumbers,
    addresses: user.addresses,
    ims: user.ims,
    photos: user.photos,
    entitlements: user.entitlements,
    x509Certificates: user.x509Certificates,
    enterprise: { ...user.enterprise },
    roles: user.roles.map((r) => ({ ...r })),
  };
}
