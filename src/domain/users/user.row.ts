import { USER_ROLES_JSON } from '../roles/role.sql';
import { sql } from '../sql';
import type { RoleAssignment, UserAttributes, UserRecord } from './user.types';

/** Writable columns of app_user, in a fixed order, with how to read each from UserAttributes. */
export const USER_COLUMNS: ReadonlyArray<{
  column: string;
  json?: true;
  get: (a: UserAttributes) => unknown;
}> = [
  { column: 'user_name', get: (a) => a.userName },
  { column: 'external_id', get: (a) => a.externalId },
  { column: 'active', get: (a) => a.active },
  { column: 'display_name', get: (a) => a.displayName },
  { column: 'name_formatted', get: (a) => a.name.formatted },
  { column: 'family_name', get: (a) => a.name.familyName },
  { column: 'given_name', get: (a) => a.name.givenName },
  { column: 'middle_name', get: (a) => a.name.middleName },
  { column: 'honorific_prefix', get: (a) => a.name.honorificPrefix },
  { column: 'honorific_suffix', get: (a) => a.name.honorificSuffix },
  { column: 'nick_name', get: (a) => a.nickName },
  { column: 'profile_url', get: (a) => a.profileUrl },
  { column: 'title', get: (a) => a.title },
  { column: 'user_type', get: (a) => a.userType },
  { column: 'preferred_language', get: (a) => a.preferredLanguage },
  { column: 'locale', get: (a) => a.locale },
  { column: 'timezone', get: (a) => a.timezone },
  { column: 'emails', json: true, get: (a) => a.emails },
  { column: 'phone_numbers', json: true, get: (a) => a.phoneNumbers },
  { column: 'addresses', json: true, get: (a) => a.addresses },
  { column: 'ims', json: true, get: (a) => a.ims },
  { column: 'photos', json: true, get: (a) => a.photos },
  { column: 'entitlements', json: true, get: (a) => a.entitlements },
  { column: 'x509_certificates', json: true, get: (a) => a.x509Certificates },
  { column: 'employee_number', get: (a) => a.enterprise.employeeNumber },
  { column: 'cost_center', get: (a) => a.enterprise.costCenter },
  { column: 'organization', get: (a) => a.enterprise.organization },
  { column: 'division', get: (a) => a.enterprise.division },
  { column: 'department', get: (a) => a.enterprise.department },
];

/** Select list for a user row `u` with its roles and manager summary, in one round trip. */
export const USER_SELECT = sql`u.*,
  ${USER_ROLES_JSON} as roles_json,
  m.user_name as manager_user_name, m.display_name as manager_display_name`;

export const USER_FROM = sql`app_user u left join app_user m on m.id = u.manager_id`;

export type UserRow = Record<string, unknown>;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function arr<T>(v: unknown): T[] {
  if (typeof v === 'string') return JSON.parse(v) as T[];
  return (v as T[] | null) ?? [];
}

/** Maps a row selected with USER_SELECT to the domain record. */
export function rowToUser(row: UserRow): UserRecord {
  const managerId = str(row.manager_id);
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    userName: String(row.user_name),
    externalId: str(row.external_id),
    active: row.active === true,
    displayName: str(row.display_name),
    name: {
      formatted: str(row.name_formatted),
      familyName: str(row.family_name),
      givenName: str(row.given_name),
      middleName: str(row.middle_name),
      honorificPrefix: str(row.honorific_prefix),
      honorificSuffix: str(row.honorific_suffix),
    },
    nickName: str(row.nick_name),
    profileUrl: str(row.profile_url),
    title: str(row.title),
    userType: str(row.user_type),
    preferredLanguage: str(row.preferred_language),
    locale: str(row.locale),
    timezone: str(row.timezone),
    emails: arr(row.emails),
    phoneNumbers: arr(row.phone_numbers),
    addresses: arr(row.addresses),
    ims: arr(row.ims),
    photos: arr(row.photos),
    entitlements: arr(row.entitlements),
    x509Certificates: arr(row.x509_certificates),
    enterprise: {
      employeeNumber: str(row.employee_number),
      costCenter: str(row.cost_center),
      organization: str(row.organization),
      division: str(row.division),
      department: str(row.department),
      managerId,
    },
    roles: arr<RoleAssignment>(row.roles_json),
    manager:
      managerId && row.manager_user_name !== undefined && row.manager_user_name !== null
        ? {
            id: managerId,
            userName: String(row.manager_user_name),
            displayName: str(row.manager_display_name),
          }
        : null,
    source: row.source === 'API' ? 'API' : 'SCIM',
    version: Number(row.version),
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
  };
}
