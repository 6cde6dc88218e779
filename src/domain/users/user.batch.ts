import type { DirectoryContext } from '../context';
import { isUuid, pgArray, query, sql } from '../sql';
import { rowToUser, USER_FROM, USER_SELECT, type UserRow } from './user.row';
import type { UserRecord } from './user.types';

/** Users of the tenant with these ids, in one statement (unknown ids are absent from the result). */
export async function findUsersByIds(ctx: DirectoryContext, ids: readonly string[]): Promise<UserRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  const rows = await query<UserRow>(
    ctx.em,
    sql`select ${USER_SELECT} from ${USER_FROM} where u.tenant_id = ${ctx.tenantId} and u.id = any(${pgArray(valid)}::uuid[])`,
  );
  return rows.map(rowToUser);
}
