import type { DirectoryContext } from '../context';
import { isUuid, pgArray, query, sql } from '../sql';
import { rowToGroup, type GroupRow } from './group.row';
import type { GroupRecord } from './group.types';

/** Groups of the tenant with these ids, in one statement (unknown ids are absent from the result). */
export async function findGroupsByIds(ctx: DirectoryContext, ids: readonly string[]): Promise<GroupRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  const rows = await query<GroupRow>(
    ctx.em,
    sql`select * from "group" where tenant_id = ${ctx.tenantId} and id = any(${pgArray(valid)}::uuid[])`,
  );
  return rows.map(rowToGroup);
}
