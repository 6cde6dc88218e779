import type { DirectoryContext } from '../context';
import { decodeKeyset, encodeKeyset, type Page, type PageRequest } from '../paging';
import { query, sql } from '../sql';
import { rowToUser, USER_FROM, USER_SELECT, type UserRow } from '../users/user.row';
import type { UserRecord } from '../users/user.types';

const ORDERING = 'role-holders';

/**
 * Users holding a role of the tenant, in id order, keyset-paged in PostgreSQL (user_role's
 * (role_id, user_id) index gives them in order, so a page reads only its rows).
 */
export async function listRoleHolders(
  ctx: DirectoryContext,
  roleId: string,
  page: PageRequest,
): Promise<Page<UserRecord>> {
  const after = page.after === undefined ? undefined : decodeKeyset(ORDERING, page.after).id;
  const holders = sql`user_role ur where ur.tenant_id = ${ctx.tenantId} and ur.role_id = ${roleId}`;
  const [rows, count] = await Promise.all([
    page.first === 0
      ? Promise.resolve([])
      : query<UserRow>(
          ctx.em,
          sql`select ${USER_SELECT} from ${USER_FROM} join (select ur.user_id from ${holders}
           ${after === undefined ? sql.empty : sql` and ur.user_id > ${after}::uuid`}
           order by ur.user_id limit ${page.first + 1}) h on h.user_id = u.id
           where u.tenant_id = ${ctx.tenantId} order by u.id`,
        ),
    page.withTotal
      ? query<{ n: string }>(ctx.em.fork(), sql`select count(*) as n from ${holders}`)
      : Promise.resolve(undefined),
  ]);
  const items = rows.slice(0, page.first).map(rowToUser);
  return {
    items,
    cursors: items.map((u) => encodeKeyset(ORDERING, { v: null, id: u.id })),
    hasNext: rows.length > page.first,
    total: count ? Number(count[0]?.n ?? 0) : null,
  };
}
