import type { DirectoryContext } from '../context';
import { sql, type SqlFragment } from '../sql';
import { listResources, type ListRequest, type ListResult } from '../query/list';
import { rowToGroup } from './group.row';
import type { GroupRecord } from './group.types';

const SELECT = sql`g.*`;
const FROM = sql`"group" g`;

/** Groups of the tenant matching a filter, sorted and paged in PostgreSQL (members not read). */
export function listGroups(
  ctx: DirectoryContext,
  req: ListRequest,
  where?: SqlFragment,
): Promise<ListResult<GroupRecord>> {
  return listResources(ctx, { kind: 'Group', select: SELECT, from: FROM, map: rowToGroup, where }, req);
}
