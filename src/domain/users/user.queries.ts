import type { DirectoryContext } from '../context';
import type { SqlFragment } from '../sql';
import { listResources, type ListRequest, type ListResult } from '../query/list';
import { rowToUser, USER_FROM, USER_SELECT, USER_TABLE } from './user.row';
import type { UserRecord } from './user.types';

/** Users of the tenant matching a filter, sorted and paged in PostgreSQL. */
export function listUsers(
  ctx: DirectoryContext,
  req: ListRequest,
  where?: SqlFragment,
): Promise<ListResult<UserRecord>> {
  return listResources(
    ctx,
    { kind: 'User', select: USER_SELECT, from: USER_FROM, table: USER_TABLE, map: rowToUser, where },
    req,
  );
}
