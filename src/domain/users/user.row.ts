import { USER_ROLES_JSON } from '../roles/role.sql';
import { sql } from '../sql';
import { getPath, readRow, storedFields } from '../schema/record';
import { USER_DEFINITION } from './user.definition';
import type { RoleAssignment, UserAttributes, UserRecord } from './user.types';

const FIELDS = storedFields(USER_DEFINITION);

/**
 * Writable columns of app_user (every stored attribute of the definition but the manager, which
 * the service resolves), in a fixed order, with how to read each from UserAttributes.
 */
export const USER_COLUMNS: ReadonlyArray<{
  column: string;
  json?: true;
  get: (a: UserAttributes) => unknown;
}> = FIELDS.filter((f) => !f.resolved).map((f) => ({
  column: f.column,
  ...(f.json && { json: true as const }),
  get: (a: UserAttributes) => getPath(a, f.path),
}));

/** Select list for a user row `u` with its roles and manager summary, in one round trip. */
export const USER_SELECT = sql`u.*,
  ${USER_ROLES_JSON} as roles_json,
  m.user_name as manager_user_name, m.display_name as manager_display_name`;

export const USER_FROM = sql`app_user u left join app_user m on m.id = u.manager_id`;
/** The users' table alone, under the alias filters name (counts and deep pages' id scans). */
export const USER_TABLE = sql`app_user u`;

export type UserRow = Record<string, unknown>;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** Maps a row selected with USER_SELECT to the domain record. */
export function rowToUser(row: UserRow): UserRecord {
  const managerId = str(row.manager_id);
  const roles = row.roles_json;
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    ...(readRow(FIELDS, row) as UserAttributes),
    roles:
      typeof roles === 'string'
        ? (JSON.parse(roles) as RoleAssignment[])
        : ((roles as RoleAssignment[] | null) ?? []),
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
