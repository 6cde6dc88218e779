import type { DirectoryContext } from '../context';
import { listResources, type ListRequest, type ListResult } from '../query/list';
import { rowToGroup } from './group.row';
import type { GroupRecord } from './group.types';

/** Groups of the tenant matching a filter, sorted and paged in PostgreSQL (members not read). */
export function listGroups(
  ctx: DirectoryContext,
  req: ListRequest,
  where?: { sql: string; params: unknown[] },
): Promise<ListResult<GroupRecord>> {
  return listResources(ctx, { kind: 'Group', select: 'g.*', from: '"group" g', map: rowToGroup, where }, req);
}
